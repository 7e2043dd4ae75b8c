"""Invitations in chat: /start <code> redeems one (coordinators create them with /invite); a
join link's code ("J-…") goes to handlers/joining.py."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.access import handles
from bot.audience import ANYONE, only
from bot.context import BotContext
from bot.i18n import Translator, choose_language, translator
from bot.jobs import kick_outbox
from handlers import handover, joining
from handlers.basics import help_text
from handlers.wording import role_with_scope
from storage import handovers, invitations, join_links, outbox, people, scopes
from storage.invitations import RedemptionError, RedemptionRefused
from storage.models import Person, Role
from storage.scopes import RoleDescription

PRIVATE = filters.ChatType.PRIVATE
COORDINATORS = only(Role.COORDINATOR)

# A pasted invitation link, as the bot prints it (with or without https://, www., /start).
_LINK = re.compile(
    r"(?:/start(?:@\w+)?\s+)?(?:https?://)?(?:www\.)?(?:t|telegram)\.me/\w{4,32}/?"
    r"\?start=([A-Za-z0-9_\-]{1,64})",
    re.IGNORECASE,
)
_START = re.compile(r"/start(?:@\w+)?\s+(\S+)", re.IGNORECASE)


def typed_code(text: str) -> str | None:
    """The invitation code in a message that is only a code or a t.me link (with or without
    /start), else None."""
    text = text.strip()
    link = _LINK.fullmatch(text)
    if link:
        return link[1]
    start = _START.fullmatch(text)
    code = start[1] if start else text
    if invitations.looks_like_code(code) or join_links.looks_like_code(code):
        return code
    return None


class _InvitationText(filters.MessageFilter):
    """A message that is only an invitation code or link, sent without /start."""

    def filter(self, message: Message) -> bool:
        return message.text is not None and typed_code(message.text) is not None


INVITATION_TEXT = _InvitationText(name="INVITATION_TEXT")


def refusal_text(
    t: Translator, reason: RedemptionRefused, until: datetime | None, zone: tzinfo
) -> str:
    """Why a code was refused, in the reader's language."""
    if reason is RedemptionRefused.EXPIRED:
        return t.gettext("This invitation has expired. Ask the person who sent it for a new one.")
    if reason is RedemptionRefused.USED:
        return t.gettext(
            "This invitation has already been used. Each invitation works only once: ask for "
            "a new one."
        )
    if reason is RedemptionRefused.REVOKED:
        return t.gettext("This invitation has been withdrawn. Ask for a new one if you need it.")
    if reason is RedemptionRefused.CLOSED:
        return t.gettext(
            "This invitation is into a unit or organisation that is no longer in the Kaikukortti "
            "network, so it no longer works. Ask the person who sent it for a new one."
        )
    if reason is RedemptionRefused.ALREADY_HELD:
        return t.gettext("You already have this role. /help shows what you can do.")
    if reason is RedemptionRefused.LOCKED_OUT:
        return t.gettext(
            "Too many wrong invitation codes. For your safety I will not accept codes from you "
            "for a while: please try again after {time}."
        ).format(time=t.time(until.astimezone(zone)) if until else "")
    return t.gettext(
        "I do not recognise this invitation code. Check that you copied the whole link, or ask "
        "for a new invitation."
    )


@handles(ANYONE, writes=True)
async def redeem_invitation(update: Update, context: BotContext) -> None:
    """Bring the sender into the role their /start code (or link) gives."""
    if context.args:
        arguments = " ".join(context.args)
        await redeem(update, context, typed_code(arguments) or arguments)


@handles(ANYONE, writes=True)
async def redeem_typed_invitation(update: Update, context: BotContext) -> None:
    """Redeem a code or t.me link sent as it is, without /start."""
    message = update.effective_message
    code = typed_code(message.text or "") if message else None
    if code is not None:
        await redeem(update, context, code)


async def redeem(update: Update, context: BotContext, code: str) -> None:
    """Bring the sender into the role the code gives, or say why not."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    if join_links.looks_like_code(code):
        refused = await joining.use_link(update, context, code)
        if refused is not None:
            reason, until = refused
            await message.reply_text(refusal_text(context.t, reason, until, context.settings.zone))
        return
    session = context.session
    display_name = " ".join(filter(None, [user.first_name, user.last_name])) or str(user.id)
    try:
        redeemed = await invitations.redeem(
            session,
            code,
            telegram_id=user.id,
            display_name=display_name,
            telegram_language=user.language_code,
        )
    except RedemptionError as refused:
        until = await invitations.locked_out_until(session, user.id)
        # A wrong code is counted even though nothing else changes.
        await context.commit()
        await message.reply_text(
            refusal_text(context.t, refused.reason, until, context.settings.zone)
        )
        return
    person, invitation = redeemed.person, redeemed.invitation
    granted = await scopes.describe_invitation(session, invitation)
    took_over_from: str | None = None
    if invitation.handover_from_id is not None:
        # A handover: the leaver's role ends now, and they and the coordinators are told.
        done = await handovers.finish(session, invitation, person)
        await handover.completed(context, session, done)
        took_over_from = done.leaver.display_name if done.leaver else None
    elif invitation.created_by_id is not None:
        inviter = await people.by_id(session, invitation.created_by_id)
        if inviter is not None and inviter.active:
            notify_inviter(context, inviter, person, granted)
    outbox.enqueue(session, user.id, "", kind=outbox.COMMANDS)
    await context.commit()
    kick_outbox(context)

    context.person = person
    context.t = translator(
        choose_language(person.language, user.language_code, context.settings.default_language)
    )
    welcome = context.t.gettext("Welcome, {name}! You are now {role}.").format(
        name=person.display_name, role=role_with_scope(context.t, granted)
    )
    if took_over_from is not None:
        welcome += " " + context.t.gettext("You take over from {leaver}.").format(
            leaver=took_over_from
        )
    await message.reply_text(f"{welcome}\n\n{help_text(context)}")


def notify_inviter(
    context: BotContext, inviter: Person, newcomer: Person, granted: RoleDescription
) -> None:
    """Queue a notice to the inviter, in their language, that their invitation was used."""
    t = translator(
        choose_language(
            inviter.language, inviter.telegram_language, context.settings.default_language
        )
    )
    text = t.gettext("{name} accepted your invitation and is now {role}.").format(
        name=newcomer.display_name, role=role_with_scope(t, granted)
    )
    outbox.enqueue(context.session, inviter.telegram_id, text)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """Redeeming invitations (creating them is the /invite form, handlers/inviting.py)."""
    return [
        CommandHandler("start", redeem_invitation, filters=PRIVATE, has_args=True),
        MessageHandler(
            PRIVATE & filters.TEXT & ~filters.UpdateType.EDITED & INVITATION_TEXT,
            redeem_typed_invitation,
        ),
    ]
