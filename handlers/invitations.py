"""Invitations in chat: /start <code> redeems one (coordinators create them with /invite)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.access import handles
from bot.audience import ANYONE, only
from bot.context import BotContext
from bot.i18n import Translator, choose_language, translator
from bot.jobs import kick_outbox
from handlers.basics import help_text
from handlers.wording import role_with_scope
from storage import invitations, outbox, people, scopes
from storage.invitations import RedemptionError, RedemptionRefused
from storage.models import Person, Role
from storage.scopes import RoleDescription

PRIVATE = filters.ChatType.PRIVATE
COORDINATORS = only(Role.COORDINATOR)


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
    """Bring the sender into the role their invitation code gives."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or not context.args:
        return
    session = context.session
    display_name = " ".join(filter(None, [user.first_name, user.last_name])) or str(user.id)
    try:
        redeemed = await invitations.redeem(
            session,
            context.args[0],
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
    if invitation.created_by_id is not None:
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
    return [CommandHandler("start", redeem_invitation, filters=PRIVATE, has_args=True)]
