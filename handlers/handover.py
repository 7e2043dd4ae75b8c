"""Handing the contact person role over ("I am leaving this role"), and taking it over.

/handover is a form: which organisation (if several), then the successor: someone new by a
one-time link, or one of the organisation's issuers (asked through the outbox, who answers with
/takeover). The role moves only when the successor accepts; both sides and the coordinators are
told who handed over to whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.access import handles
from bot.audience import PEOPLE, only
from bot.context import BotContext
from bot.editing import edit_pressed
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from bot.jobs import kick_outbox
from handlers import callbacks
from handlers.callbacks import identifier
from handlers.contact_notices import reader, tell_coordinators
from handlers.contact_organisation import (
    organisation_choices,
    out_of_scope,
    start_at,
    take_organisation,
)
from handlers.inviting import code_lines
from storage import contact_details, deployment, handovers, outbox, people
from storage.handovers import Completed, HandoverError
from storage.models import Role

CHOOSING_ORGANISATION = "CHOOSING_ORGANISATION"
CHOOSING_SUCCESSOR = "CHOOSING_SUCCESSOR"
LINK, ISSUER, LEAVE = "link", "issuer", "leave"


@dataclass
class HandoverAnswers(FormAnswers):
    """Which organisation, and to whom."""

    organisation_id: int | None = None
    way: str | None = None
    successor_id: int | None = None


HandoverTurn = Turn[HandoverAnswers]


async def start(turn: HandoverTurn) -> Outcome:
    """One organisation goes straight to the successor; several ask which first."""
    return start_at(turn, CHOOSING_SUCCESSOR, CHOOSING_ORGANISATION)


async def ask_organisation(turn: HandoverTurn) -> Question:
    """Which organisation's role to hand over."""
    return await organisation_choices(
        turn, turn.t.gettext("Which organisation's contact person role do you leave?")
    )


async def choose_organisation(turn: HandoverTurn, value: str) -> Outcome:
    """Take the organisation."""
    return take_organisation(turn, value, CHOOSING_SUCCESSOR)


async def _candidates(turn: HandoverTurn) -> list[tuple[int, str]]:
    """The organisation's issuers who are not its contact persons already."""
    session, organisation_id = turn.context.session, turn.answers.organisation_id or 0
    contacts = {p.id for p in await contact_details.contact_persons(session, organisation_id)}
    return [
        (p.id, p.display_name)
        for p in await handovers.issuers_of(session, organisation_id)
        if p.id not in contacts
    ]


async def _others(session: AsyncSession, organisation_id: int, person_id: int) -> list[str]:
    return [
        p.display_name
        for p in await contact_details.contact_persons(session, organisation_id)
        if p.id != person_id
    ]


async def ask_successor(turn: HandoverTurn) -> Question:
    """Who takes over: someone new by a link, one of the issuers, or (with others left) no one."""
    t = turn.t
    rows = [[Choice(t.gettext("Invite someone new with a link"), LINK)]]
    rows += [[Choice(name, ISSUER, person_id)] for person_id, name in await _candidates(turn)]
    assert turn.person is not None
    others = await _others(turn.context.session, turn.answers.organisation_id or 0, turn.person.id)
    if others:
        rows.append([Choice(t.gettext("Just leave: the others stay"), LEAVE)])
    return Question(
        t.gettext(
            "Who takes over as contact person? The role moves only when they accept: until "
            "then you remain the contact person."
        ),
        rows,
    )


async def choose_link(turn: HandoverTurn, _value: str) -> Outcome:
    """Someone new, by a one-time link."""
    turn.answers.way, turn.answers.successor_id = LINK, None
    return turn.go(CONFIRMING)


async def choose_issuer(turn: HandoverTurn, value: str) -> Outcome:
    """One of the organisation's issuers."""
    chosen = identifier(value)
    if chosen not in {person_id for person_id, _name in await _candidates(turn)}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.way, turn.answers.successor_id = ISSUER, chosen
    return turn.go(CONFIRMING)


async def choose_leave(turn: HandoverTurn, _value: str) -> Outcome:
    """Leave without a successor (only while other contact persons remain)."""
    turn.answers.way, turn.answers.successor_id = LEAVE, None
    return turn.go(CONFIRMING)


async def summary(turn: HandoverTurn) -> str:
    """What Confirm will do."""
    t, session, answers = turn.t, turn.context.session, turn.answers
    organisation = await contact_details.organisation(session, answers.organisation_id or 0)
    name = organisation.name if organisation else ""
    if answers.way == ISSUER:
        successor = await people.by_id(session, answers.successor_id or 0)
        return t.gettext(
            "Ask {successor} to take over as contact person of {organisation}? They accept "
            "with /takeover; until then you remain the contact person."
        ).format(successor=successor.display_name if successor else "", organisation=name)
    if answers.way == LEAVE:
        return t.gettext(
            "Leave the contact person role of {organisation} now? The other contact persons stay."
        ).format(organisation=name)
    return t.gettext(
        "Make a one-time link for your successor as contact person of {organisation}? The role "
        "moves to them when they open it; until then you remain the contact person."
    ).format(organisation=name)


async def confirm(turn: HandoverTurn) -> Outcome:
    """Make the link, ask the issuer, or leave."""
    t, context, answers = turn.t, turn.context, turn.answers
    session, person = context.session, turn.person
    assert person is not None
    organisation = await contact_details.organisation(session, answers.organisation_id or 0)
    if organisation is None:
        raise Refusal(t.gettext("Please choose one of the buttons."))
    if answers.way == LEAVE:
        try:
            await handovers.leave(session, person, organisation.id)
        except HandoverError:
            raise Refusal(
                t.gettext(
                    "You are the last contact person of {organisation}: hand the role over "
                    "to a successor first."
                ).format(organisation=organisation.name)
            ) from None
        await tell_coordinators(
            context,
            session,
            organisation,
            lambda r: r.gettext("{name} is no longer a contact person of {organisation}.").format(
                name=person.display_name, organisation=organisation.name
            ),
        )
        outbox.enqueue(session, person.telegram_id, "", kind=outbox.COMMANDS)
        return Finished(
            t.gettext("You are no longer a contact person of {organisation}.").format(
                organisation=organisation.name
            ),
            queued=True,
        )
    if answers.way == ISSUER:
        successor = await people.by_id(session, answers.successor_id or 0)
        if successor is None or not successor.active:
            raise Refusal(t.gettext("Please choose one of the buttons."))
        await handovers.offer(session, person, organisation, successor)
        asked = reader(context, successor)
        outbox.enqueue(
            session,
            successor.telegram_id,
            asked.gettext(
                "{name} asks you to take over as contact person of {organisation}. Send "
                "/takeover to accept or decline."
            ).format(name=person.display_name, organisation=organisation.name),
        )
        return Finished(
            t.gettext(
                "I asked {successor}. You remain the contact person until they accept; you "
                "and the coordinators will hear when they do."
            ).format(successor=successor.display_name),
            queued=True,
        )
    invitation, code = await handovers.by_link(session, person, organisation)
    username = await deployment.get(session, deployment.BOT_USERNAME)
    expires = invitation.expires_at.astimezone(context.settings.zone).date()
    lines = [
        t.gettext(
            "Here is the link for your successor as contact person of {organisation}. Forward "
            "this message to them: the link works once and expires on {date}. You remain the "
            "contact person until they open it."
        ).format(organisation=organisation.name, date=t.date(expires)),
        "",
    ]
    lines += code_lines(t, username, code)
    return Finished("\n".join(lines))


def title(t: Translator) -> str:
    """The form's name as contact persons read it."""
    return t.gettext("Handover")


HANDOVER: Form[HandoverAnswers] = Form(
    name=callbacks.HANDOVER,
    command="handover",
    audience=only(Role.CONTACT),
    answers=HandoverAnswers,
    title=title,
    start=start,
    steps={
        CHOOSING_ORGANISATION: Step(ask_organisation, pressed={"org": choose_organisation}),
        CHOOSING_SUCCESSOR: Step(
            ask_successor,
            pressed={LINK: choose_link, ISSUER: choose_issuer, LEAVE: choose_leave},
        ),
    },
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [],
    out_of_scope=out_of_scope,
)


def announce(context: BotContext, session: AsyncSession, done: Completed) -> None:
    """Queue the notices of a completed handover: to the leaver, and the leaver's menu."""
    leaver, successor, organisation = done.leaver, done.successor, done.organisation
    if leaver is None:
        return
    t = reader(context, leaver)
    outbox.enqueue(
        session,
        leaver.telegram_id,
        t.gettext(
            "{successor} accepted and is now contact person of {organisation} in your place. "
            "Thank you for your work!"
        ).format(successor=successor.display_name, organisation=organisation.name),
    )
    outbox.enqueue(session, leaver.telegram_id, "", kind=outbox.COMMANDS)


async def announce_to_coordinators(
    context: BotContext, session: AsyncSession, done: Completed
) -> None:
    """Queue the coordinators' notice: who handed over to whom."""
    leaver = done.leaver.display_name if done.leaver else "?"
    await tell_coordinators(
        context,
        session,
        done.organisation,
        lambda t: t.gettext(
            "{leaver} handed the contact person role of {organisation} over to {successor}."
        ).format(
            leaver=leaver,
            organisation=done.organisation.name,
            successor=done.successor.display_name,
        ),
    )


async def completed(context: BotContext, session: AsyncSession, done: Completed) -> None:
    """Everyone the handover concerns hears of it (after the successor's own reply)."""
    announce(context, session, done)
    await announce_to_coordinators(context, session, done)


def _offer_markup(t: Translator, invitation_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.gettext("Accept"),
                    callback_data=callbacks.data(callbacks.TAKEOVER, "accept", invitation_id),
                ),
                InlineKeyboardButton(
                    t.gettext("Decline"),
                    callback_data=callbacks.data(callbacks.TAKEOVER, "decline", invitation_id),
                ),
            ]
        ]
    )


@handles(PEOPLE)
async def show_offers(update: Update, context: BotContext) -> None:
    """Show the contact person roles offered to the person, each with Accept and Decline."""
    person, t, message = context.person, context.t, update.effective_message
    if person is None or message is None:
        return
    offers = await handovers.offers_to(context.session, person)
    await context.commit()
    if not offers:
        await message.reply_text(t.gettext("No one has asked you to take over a role."))
        return
    for invitation, organisation, leaver in offers:
        await message.reply_text(
            t.gettext(
                "{name} asks you to take over as contact person of {organisation}. As contact "
                "person you keep your details current with /contact and hand the role over "
                "when you leave."
            ).format(name=leaver, organisation=organisation),
            reply_markup=_offer_markup(t, invitation.id),
        )


@handles(PEOPLE, writes=True)
async def answer_offer(update: Update, context: BotContext) -> None:
    """Accept or decline an offered contact person role."""
    query, person, t = update.callback_query, context.person, context.t
    if query is None or person is None:
        return
    parts = callbacks.parts(callbacks.TAKEOVER, query.data or "")
    action = parts[0] if parts else ""
    invitation_id = identifier(parts[1]) if len(parts) > 1 else 0
    session = context.session
    try:
        if action == "accept":
            done = await handovers.accept(session, invitation_id, person)
            await completed(context, session, done)
            outbox.enqueue(session, person.telegram_id, "", kind=outbox.COMMANDS)
            leaver = done.leaver.display_name if done.leaver else "?"
            text = t.gettext(
                "You are now contact person of {organisation}, taking over from {leaver}."
            ).format(organisation=done.organisation.name, leaver=leaver)
        elif action == "decline":
            invitation = await handovers.decline(session, invitation_id, person)
            leaver_person = await people.by_id(session, invitation.handover_from_id or 0)
            organisation = await contact_details.organisation(
                session, invitation.organisation_id or 0
            )
            if leaver_person is not None and organisation is not None:
                told = reader(context, leaver_person)
                outbox.enqueue(
                    session,
                    leaver_person.telegram_id,
                    told.gettext(
                        "{name} declined to take over as contact person of {organisation}. "
                        "You remain the contact person: /handover to ask someone else."
                    ).format(name=person.display_name, organisation=organisation.name),
                )
            text = t.gettext("Declined. The contact person stays as they were.")
        else:
            raise HandoverError(handovers.HandoverRefused.NOT_OPEN)
    except HandoverError:
        await context.rollback()
        await query.answer(t.gettext("This button has expired."), show_alert=True)
        return
    await context.commit()
    kick_outbox(context)
    await query.answer()
    await edit_pressed(query, text, None)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """/takeover and its buttons (the /handover form is registered with the other forms)."""
    return [
        CommandHandler("takeover", show_offers, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(answer_offer, pattern=callbacks.pattern(callbacks.TAKEOVER)),
    ]
