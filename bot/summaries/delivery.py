"""Summaries on schedule: each schedule's job, registered at start, and the catch-up.

Schedules live in the database (storage.summary_schedules); PTB's jobs are not persisted, so
every start registers one job per schedule under a stable name, and a periodic job picks up
schedules changed from the command line. A summary whose time passed while the bot was down
is sent once when it is back: only the latest slot is owed, never one per missed slot.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import JobQueue

from bot.context import BotContext
from bot.i18n import choose_language, translator
from bot.summaries.periods import scheduled_period
from bot.summaries.render import render, split
from storage import outbox, people, scopes, summaries, summary_schedules
from storage.db import Database
from storage.models import SummaryFrequency, SummarySchedule, utcnow
from storage.summaries import Period

log = logging.getLogger(__name__)

JOB_PREFIX = "summary-schedule:"
SYNC_JOB = "summary-schedules"
SYNC_INTERVAL_SECONDS = 10 * 60


def job_name(schedule_id: int) -> str:
    """The stable name of a schedule's job."""
    return f"{JOB_PREFIX}{schedule_id}"


def ptb_day(weekday: int) -> int:
    """PTB's run_daily counts 0 = Sunday; datetime.weekday() (and our table) 0 = Monday."""
    return (weekday + 1) % 7


def latest_slot(schedule: SummarySchedule, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The latest moment at or before `now` when the schedule was due, if it started by then."""
    local = now.astimezone(zone)
    for back in range(32):
        day = local.date() - timedelta(days=back)
        if not _is_slot_day(schedule, day):
            continue
        slot = datetime.combine(day, time(schedule.hour), tzinfo=zone)
        if slot <= local:
            return slot if slot >= schedule.starts_at else None
    return None


def next_slot(schedule: SummarySchedule, now: datetime, zone: ZoneInfo) -> datetime:
    """The first moment after `now` when the schedule is due (what a new schedule starts with)."""
    local = now.astimezone(zone)
    for ahead in range(32):
        day = local.date() + timedelta(days=ahead)
        slot = datetime.combine(day, time(schedule.hour), tzinfo=zone)
        if _is_slot_day(schedule, day) and slot > local:
            return slot
    raise ValueError("a schedule is due at least once a month")


def _is_slot_day(schedule: SummarySchedule, day: date) -> bool:
    if schedule.frequency is SummaryFrequency.WEEKLY:
        return day.weekday() == schedule.weekday
    if schedule.frequency is SummaryFrequency.MONTHLY:
        return day.day == schedule.day_of_month
    return True


async def send_due(
    database: Database,
    *,
    zone: ZoneInfo,
    default_language: str,
    schedule_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Queue every owed summary (or one schedule's) in the outbox; returns how many were."""
    moment = now or utcnow()
    async with database.read() as session:
        schedules = await summary_schedules.every(session)
    queued = 0
    for schedule in schedules:
        if schedule_id is not None and schedule.id != schedule_id:
            continue
        slot = latest_slot(schedule, moment, zone)
        if slot is None:
            continue
        period = scheduled_period(schedule.frequency, slot.date())
        if schedule.last_period_end is not None and schedule.last_period_end >= period.end:
            continue  # sent already
        try:
            if await _send_one(database, schedule, period, slot.date(), zone, default_language):
                queued += 1
        except Exception:
            # One coordinator's summary failing must not keep the others' from going out;
            # it is tried again at the next sync, as it is still owed.
            log.exception("the summary of schedule %s failed", schedule.id)
    return queued


async def _send_one(
    database: Database,
    schedule: SummarySchedule,
    period: Period,
    today: date,
    zone: ZoneInfo,
    default_language: str,
) -> bool:
    # Counting may take a while on a long history: it reads, never holding the writer.
    async with database.read() as session:
        person = await people.by_id(session, schedule.person_id)
        locality_id = scopes.coordinated_locality(person) if person and person.active else None
        if person is None or locality_id is None:
            return False  # no longer a coordinator: nothing is sent, the schedule stays
        figures = await summaries.compute(session, locality_id, period, today=today, zone=zone)
    t = translator(choose_language(person.language, person.telegram_language, default_language))
    messages = split(render(figures, t))
    async with database.write() as session:
        if not await summary_schedules.mark_sent(session, schedule.id, period.start, period.end):
            return False  # another run sent it meanwhile
        for message in messages:
            outbox.enqueue(session, person.telegram_id, message)
        await session.commit()
    return True


async def send_scheduled(context: BotContext) -> None:
    """One schedule's job: queue its summary if it is owed, and deliver it."""
    job = context.job
    if job is None or not isinstance(job.data, tuple):
        return
    await _send_and_deliver(context, job.data[0])


async def sync_schedules(context: BotContext) -> None:
    """Register a job for every stored schedule, drop the rest, and catch up on owed ones."""
    async with context.db.read() as session:
        schedules = await summary_schedules.every(session)
    register(context.jobs, schedules, context.settings.zone)
    await _send_and_deliver(context, None)


async def _send_and_deliver(context: BotContext, schedule_id: int | None) -> None:
    queued = await send_due(
        context.db,
        zone=context.settings.zone,
        default_language=context.settings.default_language,
        schedule_id=schedule_id,
    )
    if queued:
        await context.services.courier.deliver_due(context.bot)


def _signature(schedule: SummarySchedule) -> tuple[Any, ...]:
    """What a schedule's job is registered for (its data): the schedule id first."""
    return (schedule.id, schedule.frequency, schedule.weekday, schedule.day_of_month, schedule.hour)


def register(queue: JobQueue[Any], schedules: list[SummarySchedule], zone: ZoneInfo) -> None:
    """One job per schedule under its stable name; changed schedules get a new one."""
    wanted = {job_name(schedule.id): schedule for schedule in schedules}
    for job in queue.jobs():
        if job.name and job.name.startswith(JOB_PREFIX):
            schedule = wanted.get(job.name)
            if schedule is not None and job.data == _signature(schedule):
                del wanted[job.name]  # registered as it is
            else:
                job.schedule_removal()
    for name, schedule in wanted.items():
        at = time(schedule.hour, tzinfo=zone)
        data = _signature(schedule)
        if schedule.frequency is SummaryFrequency.MONTHLY and schedule.day_of_month:
            queue.run_monthly(send_scheduled, at, schedule.day_of_month, name=name, data=data)
        elif schedule.frequency is SummaryFrequency.WEEKLY and schedule.weekday is not None:
            days = (ptb_day(schedule.weekday),)
            queue.run_daily(send_scheduled, at, days=days, name=name, data=data)
        else:
            queue.run_daily(send_scheduled, at, name=name, data=data)


def schedule_jobs(queue: JobQueue[Any]) -> None:
    """At start and then every few minutes: register the schedules' jobs, catch up."""
    queue.run_repeating(
        sync_schedules,
        interval=SYNC_INTERVAL_SECONDS,
        first=2,
        name=SYNC_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
