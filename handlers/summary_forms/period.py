"""A summary of a typed period: "Custom range…" on /summary, or `/range FIRST–LAST`.

The period is read the way the reader writes dates (bot.summaries.ranges); a period that
cannot be summarised is refused with the reason and an example in the reader's format. The
summary is counted after the form has ended and its transaction is over, in a read-only
session of its own: a long period never holds the writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.audience import only
from bot.forms import Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.i18n import Translator
from bot.rules import privacy
from bot.summaries.ranges import RangeRefused, besides_dates, example, parse_period, reason
from bot.summaries.render import period_text
from handlers import callbacks
from handlers.summaries import count_and_send
from storage import scopes
from storage.models import Role
from storage.summaries import Period


@dataclass
class RangeAnswers(FormAnswers):
    """The coordinator's locality (the period itself is never stored: it ends the form)."""

    locality_id: int | None = None


RangeTurn = Turn[RangeAnswers]

TYPING_PERIOD = "TYPING_PERIOD"


async def start(turn: RangeTurn) -> Outcome:
    """The coordinator's own locality; a period typed after /range is taken at once."""
    turn.answers.locality_id = scopes.coordinated_locality(turn.person)
    if not turn.argument:
        return TYPING_PERIOD
    try:
        return await take_period(turn, turn.argument)
    except Refusal as refusal:
        turn.notes.append(refusal.reason)
        return TYPING_PERIOD


def out_of_scope(turn: RangeTurn) -> str | None:
    """The coordinator must still coordinate the locality, at every step."""
    if turn.answers.locality_id == scopes.coordinated_locality(turn.person):
        return None
    return turn.t.gettext("You no longer coordinate this network.")


async def ask_period(turn: RangeTurn) -> Question:
    """Which days to summarise."""
    return Question(
        turn.t.gettext("Type the first and last day of the period, for example {example}").format(
            example=example(turn.t, turn.today())
        )
    )


async def take_period(turn: RangeTurn, text: str) -> Outcome:
    """Take the period; the summary comes once the form has ended."""
    t, today = turn.t, turn.today()
    if privacy.find_identifying(besides_dates(text, t.language)) is not None:
        raise Refusal(t.gettext("Type only the dates, nothing else."))
    try:
        period = parse_period(text, t.language, today)
    except RangeRefused as refused:
        raise Refusal(reason(t, refused.problem)) from None
    return Finished(
        t.gettext("Counting the summary of {period}…").format(period=period_text(t, period)),
        then=lambda: _send(turn, period),
    )


async def _send(turn: RangeTurn, period: Period) -> None:
    update, locality_id = turn.update, turn.answers.locality_id
    chat = update.effective_chat
    if chat is not None and locality_id is not None:
        await count_and_send(turn.context, chat.id, locality_id, period)


async def summary(turn: RangeTurn) -> str:
    """Never reached (the form ends with the period): the question, should it ever be."""
    return (await ask_period(turn)).text


async def confirm(turn: RangeTurn) -> Outcome:
    """Never reached (the form ends with the period): ask for it again."""
    return TYPING_PERIOD


def title(t: Translator) -> str:
    """The form's name as coordinators read it."""
    return t.gettext("Summary of a period")


RANGE: Form[RangeAnswers] = Form(
    name=callbacks.RANGE,
    command="range",
    entry_buttons=(callbacks.SUMMARY_RANGE,),
    audience=only(Role.COORDINATOR),
    answers=RangeAnswers,
    title=title,
    start=start,
    steps={TYPING_PERIOD: Step(ask_period, typed=take_period)},
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [],
    out_of_scope=out_of_scope,
)
