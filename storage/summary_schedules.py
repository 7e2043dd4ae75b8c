"""Coordinators' summary schedules: choosing one, listing them, and marking a period sent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Person, SummaryFrequency, SummarySchedule, utcnow


def _described(schedule: SummarySchedule | None) -> dict[str, object] | None:
    if schedule is None:
        return None
    return {
        "frequency": schedule.frequency.value,
        "weekday": schedule.weekday,
        "day_of_month": schedule.day_of_month,
        "hour": schedule.hour,
    }


async def of_person(session: AsyncSession, person_id: int) -> SummarySchedule | None:
    """A coordinator's schedule, if they chose one."""
    return await session.scalar(
        select(SummarySchedule).where(SummarySchedule.person_id == person_id)
    )


async def every(session: AsyncSession) -> list[SummarySchedule]:
    """Every schedule, oldest first."""
    return list(await session.scalars(select(SummarySchedule).order_by(SummarySchedule.id)))


async def choose(
    session: AsyncSession,
    person: Person,
    frequency: SummaryFrequency | None,
    *,
    hour: int = 8,
    weekday: int | None = None,
    day_of_month: int | None = None,
    actor: Person | None,
) -> SummarySchedule | None:
    """Set (or, with no frequency, end) a coordinator's schedule; it starts with its next slot."""
    if not 0 <= hour <= 23:
        raise ValueError("the hour is 0–23")
    if frequency is SummaryFrequency.WEEKLY and (weekday is None or not 0 <= weekday <= 6):
        raise ValueError("a weekly summary needs a weekday 0–6 (0 = Monday)")
    if frequency is SummaryFrequency.MONTHLY and (
        day_of_month is None or not 1 <= day_of_month <= 28
    ):
        raise ValueError("a monthly summary needs a day of the month 1–28")
    existing = await of_person(session, person.id)
    before = _described(existing)
    if frequency is None:
        if existing is not None:
            await session.execute(delete(SummarySchedule).where(SummarySchedule.id == existing.id))
        schedule = None
    else:
        schedule = existing or SummarySchedule(person_id=person.id)
        schedule.frequency = frequency
        schedule.hour = hour
        schedule.weekday = weekday if frequency is SummaryFrequency.WEEKLY else None
        schedule.day_of_month = day_of_month if frequency is SummaryFrequency.MONTHLY else None
        schedule.starts_at = utcnow()
        session.add(schedule)
        await session.flush()
    audit.record(
        session,
        actor=actor,
        action="schedule_summary",
        entity="person",
        entity_id=person.id,
        before=before,
        after=_described(schedule),
    )
    return schedule


async def mark_sent(session: AsyncSession, schedule_id: int, start: date, end: date) -> bool:
    """Record a period as sent, only if no period ending as late was sent already.

    True: the caller sends it, in this same transaction. False: someone else did (a
    catch-up and the schedule's own job met, or the schedule changed meanwhile).
    """
    result = await session.execute(
        update(SummarySchedule)
        .where(
            SummarySchedule.id == schedule_id,
            or_(SummarySchedule.last_period_end.is_(None), SummarySchedule.last_period_end < end),
        )
        .values(last_period_start=start, last_period_end=end)
    )
    return getattr(result, "rowcount", 0) == 1
