"""Voiding an issuance made by mistake: a reason (a button, or typed and checked for client
data), a summary of what voiding does, and Confirm."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from bot.audience import only
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from bot.rules.privacy import IdentifyingKind, find_identifying, looks_like_birth_date
from handlers import callbacks
from handlers.correcting import changeable, issuance_of, not_changeable
from handlers.issuing.questions import kind_label
from storage import audit, issuances
from storage.models import Card, IssuanceKind, Role

# A typed reason is a short note, not a story.
REASON_LENGTH = 200


class At(enum.StrEnum):
    """What the form waits for; stored in the draft, so the values never change."""

    CHOOSING_REASON = "CHOOSING_REASON"
    AWAITING_REASON = "AWAITING_REASON"


class Reason(enum.StrEnum):
    """The usual mistakes, as buttons; anything else is typed."""

    WRONG_NUMBER = "wrong_number"
    WRONG_KIND = "wrong_kind"
    TWICE = "twice"
    NOT_HANDED_OUT = "not_handed_out"
    OTHER = "other"


@dataclass
class VoidAnswers(FormAnswers):
    """The issuance to void and why."""

    issuance_id: int = 0
    number: str = ""
    kind: str = ""
    issued_on: str = ""  # ISO date
    lost_number: str | None = None
    reason: str | None = None
    typed_reason: str | None = None


VoidTurn = Turn[VoidAnswers]


def title(t: Translator) -> str:
    """The form's name as people read it."""
    return t.gettext("Voiding")


def reason_label(t: Translator, reason: str | None) -> str:
    """A reason's button."""
    labels = {
        Reason.WRONG_NUMBER: t.gettext("Wrong card number"),
        Reason.WRONG_KIND: t.gettext("Wrong kind of issuance"),
        Reason.TWICE: t.gettext("Recorded twice"),
        Reason.NOT_HANDED_OUT: t.gettext("The card was not handed out"),
        Reason.OTHER: t.gettext("Other (type it)"),
    }
    return labels[Reason(reason)] if reason in set(Reason) else ""


async def start(turn: VoidTurn) -> Outcome:
    """Load the issuance and ask why it is voided."""
    found = await changeable(turn, issuance_of(turn.argument))
    if found is None:
        return Finished(not_changeable(turn.t))
    issuance, answers = found.issuance, turn.answers
    answers.issuance_id, answers.number, answers.kind = issuance.id, found.number, issuance.kind
    answers.issued_on = issuance.issued_on.isoformat()
    if issuance.replaces_card_id is not None:
        lost = await turn.context.session.get(Card, issuance.replaces_card_id)
        answers.lost_number = lost.number if lost else None
    return At.CHOOSING_REASON


async def ask_reason(turn: VoidTurn) -> Question:
    """Why the issuance is voided."""
    t = turn.t
    return Question(
        t.gettext("Why is the issuance of card {number} voided?").format(
            number=turn.answers.number
        ),
        [[Choice(reason_label(t, reason), "reason", reason)] for reason in Reason],
    )


async def choose_reason(turn: VoidTurn, value: str) -> Outcome:
    """Take a reason's button; "Other" asks for it typed."""
    if value not in set(Reason):
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    if value == Reason.OTHER:
        return turn.go(At.AWAITING_REASON)
    turn.answers.reason, turn.answers.typed_reason = value, None
    return turn.go(CONFIRMING)


async def ask_typed_reason(turn: VoidTurn) -> Question:
    """The reason in the person's own words."""
    return Question(
        turn.t.gettext(
            "Type the reason in a few words. Never write anything about the client: no name, "
            "identity code, birth date or contact details."
        )
    )


def identifying_reason(t: Translator, kind: IdentifyingKind) -> str:
    """Why typed text that identifies a client is refused."""
    if kind is IdentifyingKind.PERSONAL_IDENTITY_CODE:
        return t.gettext(
            "That looks like a personal identity code. I never store those: please type only "
            "what was asked."
        )
    if kind is IdentifyingKind.PHONE_NUMBER:
        return t.gettext(
            "That looks like a phone number. I never store clients' contact details: please "
            "type only what was asked."
        )
    return t.gettext(
        "That looks like an e-mail address. I never store clients' contact details: please "
        "type only what was asked."
    )


async def store_typed_reason(turn: VoidTurn, text: str) -> Outcome:
    """Take a typed reason: client data is refused before anything else is done with it."""
    t = turn.t
    kind = find_identifying(text)
    if kind is not None:
        raise Refusal(identifying_reason(t, kind))
    if looks_like_birth_date(text):
        raise Refusal(
            t.gettext(
                "That looks like a date of birth. I never store those: please type only what "
                "was asked."
            )
        )
    reason = " ".join(text.split())
    if not reason:
        raise Refusal(t.gettext("Type the reason in a few words."))
    if len(reason) > REASON_LENGTH:
        raise Refusal(
            t.gettext("Please keep the reason under {count} characters.").format(
                count=REASON_LENGTH
            )
        )
    turn.answers.reason, turn.answers.typed_reason = Reason.OTHER, reason
    return turn.go(CONFIRMING)


def consequence(t: Translator, answers: VoidAnswers) -> str:
    """What voiding this issuance does to the card."""
    if answers.kind == IssuanceKind.RENEWAL:
        return t.gettext("The card's validity goes back to what it was before this renewal.")
    if answers.kind == IssuanceKind.REPLACEMENT and answers.lost_number:
        return t.gettext(
            "The lost card {lost} is in use again, and number {number} can be issued anew."
        ).format(lost=answers.lost_number, number=answers.number)
    return t.gettext("Number {number} can be issued anew.").format(number=answers.number)


async def summary(turn: VoidTurn) -> str:
    """What is voided, why, and what it does."""
    t, answers = turn.t, turn.answers
    reason = answers.typed_reason or reason_label(t, answers.reason)
    return "\n".join(
        [
            t.gettext("Void this issuance?"),
            "",
            t.gettext("Card number: {number}").format(number=answers.number),
            t.gettext("Type: {kind}").format(kind=kind_label(t, answers.kind)),
            t.gettext("Issued on: {date}").format(
                date=t.date(date.fromisoformat(answers.issued_on))
            ),
            t.gettext("Reason: {reason}").format(reason=reason),
            "",
            consequence(t, answers),
            t.gettext("A voided issuance is left out of the statistics and the exports."),
        ]
    )


def editable(turn: VoidTurn) -> list[tuple[str, str]]:
    """Only the reason can be changed."""
    return [(turn.t.gettext("Reason"), At.CHOOSING_REASON)]


async def confirm(turn: VoidTurn) -> Outcome:
    """Void the issuance and record who did it and why."""
    t, answers = turn.t, turn.answers
    found = await changeable(turn, answers.issuance_id)
    if found is None:
        return Finished(not_changeable(t))
    try:
        voided = await issuances.void(turn.context.session, found.issuance)
    except issuances.NotLatest:
        return Finished(
            t.gettext(
                "Card {number} has a later issuance. Void that one first, if it too was a mistake."
            ).format(number=found.number)
        )
    audit.record(
        turn.context.session,
        actor=turn.person,
        action="void",
        entity="issuance",
        entity_id=found.issuance.id,
        # The typed reason passed the privacy check: it holds nothing about the client.
        after={
            "reason": answers.reason,
            "typed_reason": answers.typed_reason,
            "freed": voided.freed,
            "restored": voided.restored,
        },
    )
    lines = [t.gettext("The issuance of card {number} is voided.").format(number=found.number)]
    if voided.restored:
        lines.append(
            t.gettext("Lost card {number} is in use again.").format(number=voided.restored)
        )
    if voided.freed:
        lines.append(t.gettext("Number {number} is free again.").format(number=voided.freed))
    elif voided.valid_until is not None:
        lines.append(
            t.gettext("Card {number} is valid until {date}.").format(
                number=found.number, date=t.date(voided.valid_until)
            )
        )
    lines.append(
        t.gettext("Remember to make the same change in the national Kaikukortti register.")
    )
    return Finished("\n".join(lines))


VOIDING: Form[VoidAnswers] = Form(
    name=callbacks.VOID,
    command="void",
    entry_buttons=(callbacks.VOID_START,),
    audience=only(Role.ISSUER, Role.COORDINATOR),
    answers=VoidAnswers,
    title=title,
    start=start,
    steps={
        At.CHOOSING_REASON: Step(ask_reason, pressed={"reason": choose_reason}),
        At.AWAITING_REASON: Step(ask_typed_reason, typed=store_typed_reason),
    },
    summary=summary,
    confirm=confirm,
    editable=editable,
)
