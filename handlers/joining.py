"""/joinlink: one link through which a unit's staff join it as issuers, declared on the form
engine (unit → cap → days valid → admit at once? → confirm → the link).

A coordinator makes one for any unit of the locality, a contact person for the units of their
organisation. The redemption path (handlers/invitations.py) hands join codes to `use_link`
here; each approver's Approve / Decline button (`joinreq:<approve|decline>:<request id>`)
is answered by `decide`: the first tap decides, a later one is told who did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.access import handles
from bot.audience import only
from bot.context import BotContext
from bot.editing import edit_pressed
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator, choose_language, translator
from bot.jobs import kick_outbox
from handlers import callbacks
from handlers.basics import help_text
from handlers.callbacks import identifier
from handlers.contact_notices import reader
from handlers.inviting import code_lines
from storage import deployment, invitations, join_links, outbox
from storage.invitations import RedemptionRefused
from storage.join_links import MAX_CAP, MAX_DAYS, JoinError, JoinRefused
from storage.models import Organisation, Role, Unit

CHOOSING_UNIT = "CHOOSING_UNIT"
AWAITING_CAP = "AWAITING_CAP"
AWAITING_DAYS = "AWAITING_DAYS"
CHOOSING_ADMISSION = "CHOOSING_ADMISSION"
APPROVE, DECLINE = "approve", "decline"
APPROVERS = only(Role.CONTACT, Role.COORDINATOR)


@dataclass
class JoinLinkAnswers(FormAnswers):
    """Which unit, for how many, for how long, and whether people are admitted at once."""

    unit_id: int | None = None
    organisation_id: int | None = None
    locality_id: int | None = None
    cap: int | None = None
    days: int | None = None
    admit_at_once: bool | None = None


JoinTurn = Turn[JoinLinkAnswers]


async def _units(turn: JoinTurn) -> list[tuple[Unit, Organisation]]:
    if turn.person is None:
        return []
    return await join_links.units_for(turn.context.session, turn.person)


async def _chosen(turn: JoinTurn) -> tuple[Unit, Organisation]:
    """The chosen unit, if the person may still make a link for it."""
    for unit, organisation in await _units(turn):
        if unit.id == turn.answers.unit_id:
            return unit, organisation
    raise Refusal(turn.t.gettext("Please choose one of the buttons."))


async def start(turn: JoinTurn) -> Outcome:
    """Units to choose from, or why there are none."""
    if not await _units(turn):
        return Finished(turn.t.gettext("There are no units yet for which you could make a link."))
    return CHOOSING_UNIT


async def ask_unit(turn: JoinTurn) -> Question:
    """Which unit the link is for."""
    return Question(
        turn.t.gettext("Which unit is the join link for?"),
        [
            [Choice(f"{unit.name} ({organisation.name})", "unit", unit.id)]
            for unit, organisation in await _units(turn)
        ],
    )


async def choose_unit(turn: JoinTurn, value: str) -> Outcome:
    """Take the unit."""
    turn.answers.unit_id = identifier(value)
    _unit, organisation = await _chosen(turn)
    turn.answers.organisation_id = organisation.id
    turn.answers.locality_id = organisation.locality_id
    return turn.go(AWAITING_CAP)


def out_of_scope(turn: JoinTurn) -> str | None:
    """The maker must still be the organisation's contact person or the locality's
    coordinator, at every step."""
    answers, person = turn.answers, turn.person
    if answers.organisation_id is None or person is None:
        return None
    if join_links.in_scope(person, answers.organisation_id, answers.locality_id or 0):
        return None
    return turn.t.gettext("You may no longer make links for this unit, so nothing was made.")


def _whole_number(turn: JoinTurn, value: str, largest: int) -> int:
    """A typed or pressed whole number from 1 to `largest` (nothing else is read or kept)."""
    text = value.strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else 0
    if not 1 <= number <= largest:
        raise Refusal(
            turn.t.gettext("Please type a whole number from 1 to {largest}.").format(
                largest=largest
            )
        )
    return number


async def ask_cap(turn: JoinTurn) -> Question:
    """How many people may use the link."""
    t = turn.t
    return Question(
        t.gettext(
            "How many people may use the link at most? Choose, or type a number from 1 to "
            "{largest}."
        ).format(largest=MAX_CAP),
        [[Choice(t.number(n), "cap", n) for n in (5, 10, 30, 50)]],
    )


async def take_cap(turn: JoinTurn, value: str) -> Outcome:
    """Take the cap."""
    turn.answers.cap = _whole_number(turn, value, MAX_CAP)
    return turn.go(AWAITING_DAYS)


async def ask_days(turn: JoinTurn) -> Question:
    """How long the link works."""
    t = turn.t
    return Question(
        t.gettext(
            "For how many days does the link work? Choose, or type a number from 1 to {largest}."
        ).format(largest=MAX_DAYS),
        [[Choice(t.number(n), "days", n) for n in (1, 7, 14, 30)]],
    )


async def take_days(turn: JoinTurn, value: str) -> Outcome:
    """Take the number of days."""
    turn.answers.days = _whole_number(turn, value, MAX_DAYS)
    return turn.go(CHOOSING_ADMISSION)


async def ask_admission(turn: JoinTurn) -> Question:
    """Admitted at once, or each after approval."""
    t = turn.t
    return Question(
        t.gettext(
            "Does each person wait for approval, or are they admitted at once? Approval is "
            "given with one tap by the organisation's contact persons or the coordinators."
        ),
        [
            [Choice(t.gettext("Each waits for approval"), "admit", "no")],
            [Choice(t.gettext("Admit at once"), "admit", "yes")],
        ],
    )


async def choose_admission(turn: JoinTurn, value: str) -> Outcome:
    """Take the admission rule."""
    if value not in {"yes", "no"}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.admit_at_once = value == "yes"
    return turn.go(CONFIRMING)


async def summary(turn: JoinTurn) -> str:
    """What Confirm will make."""
    t, answers = turn.t, turn.answers
    unit, organisation = await _chosen(turn)
    cap, days = answers.cap or 0, answers.days or 0
    lines = [
        t.gettext("A join link to {unit} ({organisation}):").format(
            unit=unit.name, organisation=organisation.name
        ),
        t.ngettext("• at most {count} person", "• at most {count} people", cap).format(
            count=t.number(cap)
        ),
        t.ngettext("• works for {count} day", "• works for {count} days", days).format(
            count=t.number(days)
        ),
        t.gettext("• admitted at once")
        if answers.admit_at_once
        else t.gettext("• each waits for approval"),
    ]
    return "\n".join(lines)


async def confirm(turn: JoinTurn) -> Outcome:
    """Make the link; it is the last message, to share with the unit's staff."""
    t, session, answers, person = turn.t, turn.context.session, turn.answers, turn.person
    assert person is not None
    unit, organisation = await _chosen(turn)
    link, code = await join_links.create(
        session,
        unit_id=unit.id,
        cap=answers.cap or 1,
        days=answers.days or 1,
        admit_at_once=bool(answers.admit_at_once),
        created_by=person,
    )
    username = await deployment.get(session, deployment.BOT_USERNAME)
    expires = link.expires_at.astimezone(turn.context.settings.zone).date()
    lines = [
        t.ngettext(
            "Here is a link to join {unit} ({organisation}) as card issuer. Share it with the "
            "unit's staff: {count} person can use it, until {date}.",
            "Here is a link to join {unit} ({organisation}) as card issuer. Share it with the "
            "unit's staff: {count} people can use it, until {date}.",
            link.cap,
        ).format(
            unit=unit.name,
            organisation=organisation.name,
            count=t.number(link.cap),
            date=t.date(expires),
        ),
        "",
    ]
    lines += code_lines(t, username, code)
    return Finished("\n".join(lines))


def title(t: Translator) -> str:
    """The form's name as its makers read it."""
    return t.gettext("Join link")


JOINING: Form[JoinLinkAnswers] = Form(
    name=callbacks.JOIN_LINK,
    command="joinlink",
    audience=APPROVERS,
    answers=JoinLinkAnswers,
    title=title,
    start=start,
    steps={
        CHOOSING_UNIT: Step(ask_unit, pressed={"unit": choose_unit}),
        AWAITING_CAP: Step(ask_cap, typed=take_cap, pressed={"cap": take_cap}),
        AWAITING_DAYS: Step(ask_days, typed=take_days, pressed={"days": take_days}),
        CHOOSING_ADMISSION: Step(ask_admission, pressed={"admit": choose_admission}),
    },
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [],
    out_of_scope=out_of_scope,
)


# --- using a link, and deciding on requests ------------------------------------------------


def refusal_text(t: Translator, reason: JoinRefused) -> str:
    """Why a join link let no one in, for the reasons only a join link has."""
    if reason is JoinRefused.FULL:
        return t.gettext(
            "This link has already been used as many times as it allows. Ask the person who "
            "shared it for a new one."
        )
    if reason is JoinRefused.WAITING:
        return t.gettext(
            "You have already asked to join: you will hear from me as soon as someone decides."
        )
    return t.gettext(
        "Your request to join through this link was not approved. If you think this is a "
        "mistake, please talk to your organisation's Kaikukortti contact person."
    )


def _request_text(t: Translator, name: str, unit: Unit, organisation: Organisation) -> str:
    return t.gettext(
        "{name} asks to join {unit} ({organisation}) as card issuer through a join link. Approve?"
    ).format(name=name, unit=unit.name, organisation=organisation.name)


def decision_buttons(t: Translator, request_id: int) -> list[list[tuple[str, str]]]:
    """An approver's Approve and Decline, for the outbox."""
    return [
        [
            (t.gettext("Approve"), callbacks.data(callbacks.JOIN_REQUEST, APPROVE, request_id)),
            (t.gettext("Decline"), callbacks.data(callbacks.JOIN_REQUEST, DECLINE, request_id)),
        ]
    ]


async def use_link(
    update: Update, context: BotContext, code: str
) -> tuple[RedemptionRefused, datetime | None] | None:
    """Admit the sender, or make their request and tell the approvers; or say why not. The
    reasons a join code shares with an invitation code (and until when a person is locked
    out) are returned, for the redemption path to explain as it explains invitations."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return None
    session = context.session
    display_name = " ".join(filter(None, [user.first_name, user.last_name])) or str(user.id)
    try:
        joined = await join_links.use(
            session,
            code,
            telegram_id=user.id,
            display_name=display_name,
            telegram_language=user.language_code,
        )
    except JoinError as refused:
        until = await invitations.locked_out_until(session, user.id)
        # A wrong code is counted even though nothing else changes.
        await context.commit()
        if isinstance(refused.reason, RedemptionRefused):
            return refused.reason, until
        await message.reply_text(refusal_text(context.t, refused.reason))
        return None
    if joined.person is not None:
        outbox.enqueue(session, user.id, "", kind=outbox.COMMANDS)
        await context.commit()
        kick_outbox(context)
        context.person = joined.person
        t = context.t
        welcome = t.gettext("Welcome, {name}! You are now card issuer at {unit} ({organisation}).")
        text = welcome.format(
            name=joined.person.display_name,
            unit=joined.unit.name,
            organisation=joined.organisation.name,
        )
        await message.reply_text(f"{text}\n\n{help_text(context)}")
        return None
    assert joined.request is not None
    for approver in await join_links.approvers(session, joined.organisation):
        told = reader(context, approver)
        outbox.enqueue(
            session,
            approver.telegram_id,
            _request_text(told, joined.request.display_name, joined.unit, joined.organisation),
            buttons=[
                [
                    (
                        told.gettext("Approve"),
                        callbacks.data(callbacks.JOIN_REQUEST, APPROVE, joined.request.id),
                    ),
                    (
                        told.gettext("Decline"),
                        callbacks.data(callbacks.JOIN_REQUEST, DECLINE, joined.request.id),
                    ),
                ]
            ],
        )
    await context.commit()
    kick_outbox(context)
    t = context.t
    await message.reply_text(
        t.gettext(
            "Thank you! I asked the Kaikukortti contact persons of {organisation} and the "
            "coordinators to approve you as card issuer at {unit}. I will tell you as soon as "
            "one of them has decided."
        ).format(organisation=joined.organisation.name, unit=joined.unit.name)
    )
    return None


@handles(APPROVERS, writes=True)
async def decide(update: Update, context: BotContext) -> None:
    """Approve or decline a join request: the first tap decides, a later one sees who did."""
    query, person, t = update.callback_query, context.person, context.t
    if query is None or person is None:
        return
    parts = callbacks.parts(callbacks.JOIN_REQUEST, query.data or "")
    action = parts[0] if parts else ""
    found = await join_links.request_with_scope(
        context.session, identifier(parts[1]) if len(parts) > 1 else 0
    )
    if (
        found is None
        or action not in {APPROVE, DECLINE}
        or not join_links.may_decide(person, found[2])
    ):
        await context.rollback()
        await query.answer(t.gettext("This button has expired."), show_alert=True)
        return
    request, unit, organisation = found
    decided = await join_links.decide(
        context.session, request, unit, approve=action == APPROVE, decider=person
    )
    decider = decided.decider.display_name if decided.decider else "?"
    approved = decided.request.state == join_links.APPROVED
    if decided.decided_now:
        told = translator(
            choose_language(None, request.telegram_language, context.settings.default_language)
        )
        if approved:
            outbox.enqueue(
                context.session,
                request.telegram_id,
                told.gettext(
                    "Welcome! You are now card issuer at {unit} ({organisation}). /help shows "
                    "what you can do."
                ).format(unit=unit.name, organisation=organisation.name),
            )
            outbox.enqueue(context.session, request.telegram_id, "", kind=outbox.COMMANDS)
        else:
            outbox.enqueue(
                context.session,
                request.telegram_id,
                told.gettext(
                    "Thank you for your interest. Your request to join {unit} ({organisation}) "
                    "as card issuer was not approved this time. If you think this is a "
                    "mistake, please talk to your organisation's Kaikukortti contact person."
                ).format(unit=unit.name, organisation=organisation.name),
            )
    await context.commit()
    kick_outbox(context)
    if approved:
        outcome = t.gettext("{name} was approved by {decider}.")
    else:
        outcome = t.gettext("{name} was declined by {decider}.")
    text = _request_text(t, request.display_name, unit, organisation)
    await query.answer()
    await edit_pressed(
        query, f"{text}\n\n{outcome.format(name=request.display_name, decider=decider)}"
    )


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The approvers' buttons (the /joinlink form is registered with the other forms)."""
    return [CallbackQueryHandler(decide, pattern=callbacks.pattern(callbacks.JOIN_REQUEST))]
