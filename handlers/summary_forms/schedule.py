"""/schedule (and "Schedule…" on /summary): when a coordinator receives the summary unasked.

It starts from the stored schedule: how often (daily, weekly, monthly or none), then the
weekday or the day of the month, then the hour; the summary says what that means and when the
first one comes. Confirm stores it (audited, storage.summary_schedules) and registers its job
at once (bot.summaries.delivery); "None" ends the scheduled summaries, confirmed too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from babel.dates import format_time

from bot.audience import only
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from bot.summaries import delivery
from handlers import callbacks
from storage import scopes, summary_schedules
from storage.models import Role, SummaryFrequency, SummarySchedule, utcnow

NONE = "none"
FREQUENCIES = (*(frequency.value for frequency in SummaryFrequency), NONE)
DEFAULT_HOUR = 8
# Days 29–31 are missing from some months: a monthly summary comes on day 1–28.
LAST_DAY = 28


@dataclass
class ScheduleAnswers(FormAnswers):
    """The schedule being chosen (from the stored one)."""

    locality_id: int | None = None
    frequency: str | None = None
    weekday: int | None = None  # 0 = Monday
    day_of_month: int | None = None
    hour: int = DEFAULT_HOUR


ScheduleTurn = Turn[ScheduleAnswers]

CHOOSING_FREQUENCY = "CHOOSING_FREQUENCY"
CHOOSING_WEEKDAY = "CHOOSING_WEEKDAY"
CHOOSING_DAY = "CHOOSING_DAY"
CHOOSING_HOUR = "CHOOSING_HOUR"


def chosen(label: str, is_chosen: bool) -> str:
    """A button's label, marked when it is the answer given so far."""
    return f"✓ {label}" if is_chosen else label


def weekday_name(t: Translator, weekday: int) -> str:
    """A weekday as it stands alone, as a sentence writes it ("Monday", "maanantai")."""
    return str(t.locale.days["stand-alone"]["wide"][weekday])


def hour_text(t: Translator, hour: int) -> str:
    """An hour as the reader writes a time of day."""
    return format_time(time(hour), format="short", locale=t.locale)


def as_schedule(answers: ScheduleAnswers) -> SummarySchedule | None:
    """The answers as a schedule (not stored), or None for no scheduled summaries."""
    if answers.frequency in (None, NONE):
        return None
    return SummarySchedule(
        frequency=SummaryFrequency(answers.frequency),
        weekday=answers.weekday,
        day_of_month=answers.day_of_month,
        hour=answers.hour,
    )


def describe(t: Translator, schedule: SummarySchedule | None) -> str:
    """When the summaries come and what each covers."""
    if schedule is None:
        return t.gettext("No scheduled summaries: you get one when you ask with /summary.")
    at = hour_text(t, schedule.hour)
    if schedule.frequency is SummaryFrequency.WEEKLY and schedule.weekday is not None:
        return t.gettext("Every {weekday} at {time}, with the seven days before.").format(
            weekday=weekday_name(t, schedule.weekday), time=at
        )
    if schedule.frequency is SummaryFrequency.MONTHLY and schedule.day_of_month is not None:
        return t.gettext("Every month on day {day} at {time}, with the month before.").format(
            day=t.number(schedule.day_of_month), time=at
        )
    return t.gettext("Every day at {time}, with the day before.").format(time=at)


def first_on(turn: ScheduleTurn, schedule: SummarySchedule, now: datetime) -> str:
    """When the first summary of a schedule chosen now comes."""
    zone = turn.context.settings.zone
    slot = delivery.next_slot(schedule, now, zone)
    return turn.t.gettext("The first one comes on {date}.").format(date=turn.t.date(slot.date()))


async def start(turn: ScheduleTurn) -> Outcome:
    """From the coordinator's stored schedule, if any."""
    answers, person = turn.answers, turn.person
    answers.locality_id = scopes.coordinated_locality(person)
    stored = await summary_schedules.of_person(turn.context.session, person.id) if person else None
    if stored is not None:
        answers.frequency = stored.frequency.value
        answers.weekday = stored.weekday
        answers.day_of_month = stored.day_of_month
        answers.hour = stored.hour
    return CHOOSING_FREQUENCY


def out_of_scope(turn: ScheduleTurn) -> str | None:
    """The coordinator must still coordinate the locality, at every step."""
    if turn.answers.locality_id == scopes.coordinated_locality(turn.person):
        return None
    return turn.t.gettext("You no longer coordinate this network, so nothing was changed.")


async def ask_frequency(turn: ScheduleTurn) -> Question:
    """How often, the stored schedule said first."""
    t, answers = turn.t, turn.answers
    person = turn.person
    stored = await summary_schedules.of_person(turn.context.session, person.id) if person else None
    labels = {
        SummaryFrequency.DAILY.value: t.gettext("Daily"),
        SummaryFrequency.WEEKLY.value: t.gettext("Weekly"),
        SummaryFrequency.MONTHLY.value: t.gettext("Monthly"),
        NONE: t.gettext("Only when I ask"),
    }
    current = answers.frequency or NONE
    text = "\n\n".join(
        [
            t.gettext("Now: {schedule}").format(schedule=describe(t, stored)),
            t.gettext("How often do you want the summary of your network without asking?"),
        ]
    )
    return Question(
        text,
        [
            [Choice(chosen(labels[value], value == current), "often", value)]
            for value in FREQUENCIES
        ],
    )


async def take_frequency(turn: ScheduleTurn, value: str) -> Outcome:
    """Take how often; a weekly or monthly summary asks its day next."""
    if value not in FREQUENCIES:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    answers = turn.answers
    answers.frequency = value
    if value == NONE:
        return turn.go(CONFIRMING)
    if value == SummaryFrequency.WEEKLY.value and (answers.weekday is None or not turn.editing):
        return turn.go(CHOOSING_WEEKDAY)
    if value == SummaryFrequency.MONTHLY.value and (
        answers.day_of_month is None or not turn.editing
    ):
        return turn.go(CHOOSING_DAY)
    return turn.go(CONFIRMING if turn.editing else CHOOSING_HOUR)


async def ask_weekday(turn: ScheduleTurn) -> Question:
    """Which weekday."""
    t, current = turn.t, turn.answers.weekday
    return Question(
        t.gettext("On which day of the week?"),
        [
            [Choice(chosen(weekday_name(t, day).capitalize(), day == current), "weekday", day)]
            for day in range(7)
        ],
    )


async def take_weekday(turn: ScheduleTurn, value: str) -> Outcome:
    """Take the weekday."""
    if value not in {str(day) for day in range(7)}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.weekday = int(value)
    return turn.go(CONFIRMING if turn.editing else CHOOSING_HOUR)


async def ask_day(turn: ScheduleTurn) -> Question:
    """Which day of the month (1–28: every month has them)."""
    t, current = turn.t, turn.answers.day_of_month
    days = [
        Choice(chosen(t.number(day), day == current), "day", day) for day in range(1, LAST_DAY + 1)
    ]
    return Question(
        t.gettext("On which day of the month? (1–28: every month has them)"),
        [days[row : row + 7] for row in range(0, LAST_DAY, 7)],
    )


async def take_day(turn: ScheduleTurn, value: str) -> Outcome:
    """Take the day of the month."""
    if value not in {str(day) for day in range(1, LAST_DAY + 1)}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.day_of_month = int(value)
    return turn.go(CONFIRMING if turn.editing else CHOOSING_HOUR)


async def ask_hour(turn: ScheduleTurn) -> Question:
    """At what hour (in the bot's time zone)."""
    t, current = turn.t, turn.answers.hour
    hours = [
        Choice(chosen(hour_text(t, hour), hour == current), "hour", hour) for hour in range(24)
    ]
    return Question(t.gettext("At what time?"), [hours[row : row + 4] for row in range(0, 24, 4)])


async def take_hour(turn: ScheduleTurn, value: str) -> Outcome:
    """Take the hour."""
    if value not in {str(hour) for hour in range(24)}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.hour = int(value)
    return turn.go(CONFIRMING)


async def summary(turn: ScheduleTurn) -> str:
    """The schedule as chosen, and when its first summary comes."""
    schedule = as_schedule(turn.answers)
    lines = [describe(turn.t, schedule)]
    if schedule is not None:
        lines.append(first_on(turn, schedule, utcnow()))
    return "\n".join(lines)


async def confirm(turn: ScheduleTurn) -> Outcome:
    """Store the schedule (audited) and register its job at once."""
    t, session, person, answers = turn.t, turn.context.session, turn.person, turn.answers
    if person is None:
        raise Refusal(t.gettext("Please choose one of the buttons."))
    chosen_schedule = as_schedule(answers)
    stored = await summary_schedules.choose(
        session,
        person,
        chosen_schedule.frequency if chosen_schedule is not None else None,
        hour=answers.hour,
        weekday=answers.weekday,
        day_of_month=answers.day_of_month,
        actor=person,
    )
    # The jobs follow the schedules as this transaction leaves them; should the commit fail,
    # the periodic sync puts them back as stored within minutes.
    context = turn.context
    delivery.register(context.jobs, await summary_schedules.every(session), context.settings.zone)
    if stored is None:
        return Finished(t.gettext("Done: no more scheduled summaries."))
    lines = [
        t.gettext("Saved. {schedule}").format(schedule=describe(t, stored)),
        first_on(turn, stored, stored.starts_at),
    ]
    return Finished("\n".join(lines))


def editable(turn: ScheduleTurn) -> list[tuple[str, str]]:
    """How often, the day (when there is one) and the hour can be changed."""
    t, frequency = turn.t, turn.answers.frequency
    if frequency in (None, NONE):
        return [(t.gettext("How often"), CHOOSING_FREQUENCY)]
    found = [(t.gettext("How often"), CHOOSING_FREQUENCY)]
    if frequency == SummaryFrequency.WEEKLY.value:
        found.append((t.gettext("Day of the week"), CHOOSING_WEEKDAY))
    if frequency == SummaryFrequency.MONTHLY.value:
        found.append((t.gettext("Day of the month"), CHOOSING_DAY))
    found.append((t.gettext("Time"), CHOOSING_HOUR))
    return found


def title(t: Translator) -> str:
    """The form's name as coordinators read it."""
    return t.gettext("Summary schedule")


SCHEDULING: Form[ScheduleAnswers] = Form(
    name=callbacks.SCHEDULE,
    command="schedule",
    entry_buttons=(callbacks.SUMMARY_SCHEDULE,),
    audience=only(Role.COORDINATOR),
    answers=ScheduleAnswers,
    title=title,
    start=start,
    steps={
        CHOOSING_FREQUENCY: Step(ask_frequency, pressed={"often": take_frequency}),
        CHOOSING_WEEKDAY: Step(ask_weekday, pressed={"weekday": take_weekday}),
        CHOOSING_DAY: Step(ask_day, pressed={"day": take_day}),
        CHOOSING_HOUR: Step(ask_hour, pressed={"hour": take_hour}),
    },
    summary=summary,
    confirm=confirm,
    editable=editable,
    out_of_scope=out_of_scope,
)
