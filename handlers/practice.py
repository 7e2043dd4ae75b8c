"""/practice: the whole issuing form for training, with a banner on every message; nothing is
stored as a card, nothing reaches the statistics, numbers are not checked against real cards.

The issuing form's own steps (handlers/issuing) are reused; only the card-number steps (which
look numbers up) and Confirm (which stores) are the practice form's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.audience import PEOPLE
from bot.barcodes import decode_card_code
from bot.forms import Finished, Form, Outcome, Question, Refusal, Step, Turn
from bot.i18n import Translator
from bot.rules.card_numbers import MOBILE_ONLY
from handlers import callbacks
from handlers.issuing import ISSUING
from handlers.issuing import steps as issuing
from handlers.issuing.form import IssueAnswers, validity_end
from handlers.issuing.form import Step as At
from handlers.issuing.summary import recorded, show_summary
from storage import scopes
from storage.models import IssuanceKind

PracticeTurn = Turn[IssueAnswers]
Ask = Callable[[PracticeTurn], Awaitable[Question]]


def banner(t: Translator) -> str:
    """The line that starts every practice message."""
    return t.gettext("🎓 PRACTICE — nothing is stored")


def with_banner(ask: Ask) -> Ask:
    """A question of the issuing form, under the practice banner."""

    async def asked(turn: PracticeTurn) -> Question:
        question = await ask(turn)
        return Question(f"{banner(turn.t)}\n\n{question.text}", question.rows)

    return asked


def title(t: Translator) -> str:
    """The form's name as people read it."""
    return t.gettext("Practice card form")


async def start(turn: PracticeTurn) -> Outcome:
    """The issuer's own units; anyone else practises on a pretend unit."""
    if await scopes.issuing_units(turn.context.session, issuing.unit_ids(turn)):
        return await issuing.start(turn)
    answers = turn.answers
    answers.unit_id, answers.unit_name = 0, turn.t.gettext("Practice unit")
    return At.CHECKING_ELIGIBILITY


async def store_old_number(turn: PracticeTurn, text: str) -> Outcome:
    """Take the lost card's number as typed: no real card is looked up."""
    number = issuing.card_number(turn, text)
    if number == MOBILE_ONLY:
        raise Refusal(
            turn.t.gettext(
                "A mobile-only card has no number to replace. Type the lost card's number."
            )
        )
    turn.answers.old_number, turn.answers.carried_over = number, False
    return turn.go(At.AWAITING_NUMBER)


async def store_number(turn: PracticeTurn, text: str) -> Outcome:
    """Take the card number in the right shape: no real card is looked up."""
    number = issuing.card_number(turn, text)
    form = turn.answers
    if number == MOBILE_ONLY and form.kind == IssuanceKind.RENEWAL:
        raise Refusal(
            turn.t.gettext(
                "A mobile-only card cannot be looked up. Type the number of the card to renew."
            )
        )
    if number != MOBILE_ONLY and number == form.old_number:
        raise Refusal(turn.t.gettext("The new card needs a number of its own."))
    form.number = number
    if turn.editing:
        return turn.go(At.CONFIRMING)
    return turn.go(At.AWAITING_BIRTH_YEAR)


async def choose_mobile_only(turn: PracticeTurn, _value: str) -> Outcome:
    """The client wants only a mobile card: the number is X."""
    return await store_number(turn, MOBILE_ONLY)


async def summary(turn: PracticeTurn) -> str:
    """The issuing form's summary, under the banner."""
    return f"{banner(turn.t)}\n\n{await show_summary(turn)}"


async def confirm(turn: PracticeTurn) -> Outcome:
    """Show what a real card would say, and store nothing."""
    t, form = turn.t, turn.answers
    until = validity_end(form, turn.today())
    return Finished(
        "\n\n".join(
            [
                banner(t),
                recorded(t, form.number or MOBILE_ONLY, until),
                t.gettext("This was practice: no card was recorded. /practice starts again."),
            ]
        )
    )


def practice_steps() -> dict[str, Step[IssueAnswers]]:
    """The issuing form's steps under the banner, numbers taken without looking them up."""
    own = {
        At.AWAITING_OLD_NUMBER: {"typed": store_old_number, "photo": store_old_number},
        At.AWAITING_NUMBER: {
            "typed": store_number,
            "photo": store_number,
            "pressed": {"mobile_only": choose_mobile_only},
        },
    }
    return {
        name: replace(step, ask=with_banner(step.ask), **own.get(At(name), {}))  # type: ignore[arg-type]
        for name, step in ISSUING.steps.items()
        if name != At.OFFERING_RENEWAL  # only a real expired card leads there
    }


PRACTICE: Form[IssueAnswers] = Form(
    name=callbacks.PRACTICE,
    command="practice",
    read_photo=decode_card_code,
    audience=PEOPLE,
    answers=IssueAnswers,
    title=title,
    start=start,
    steps=practice_steps(),
    summary=summary,
    confirm=confirm,
    editable=ISSUING.editable,
)
