"""Scheduled summaries: sent at the chosen hour through the outbox, once after downtime."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.context import KaikuApplication
from bot.sandbox import demo
from bot.sandbox.telegram_model import TelegramModel
from bot.summaries import delivery
from storage import people, summary_schedules
from storage.db import Database
from storage.models import OutboxMessage, Role, SummaryFrequency, SummarySchedule
from tests.summaries.fixture import Seeded, seed

HELSINKI = ZoneInfo("Europe/Helsinki")


def helsinki(*args: int) -> datetime:
    return datetime(*args, tzinfo=HELSINKI)  # type: ignore[misc]


async def choose(
    database: Database,
    seeded: Seeded,
    frequency: SummaryFrequency,
    *,
    hour: int = 8,
    weekday: int | None = None,
    day_of_month: int | None = None,
    since: datetime | None = None,
) -> int:
    """A coordinator's schedule, as if chosen at `since` (20 November)."""
    async with database.write() as session:
        person = await people.by_id(session, seeded.coordinator_id)
        assert person is not None
        schedule = await summary_schedules.choose(
            session,
            person,
            frequency,
            hour=hour,
            weekday=weekday,
            day_of_month=day_of_month,
            actor=None,
        )
        assert schedule is not None
        await session.execute(
            update(SummarySchedule)
            .where(SummarySchedule.id == schedule.id)
            .values(starts_at=(since or helsinki(2026, 11, 20)).astimezone(UTC))
        )
        await session.commit()
        return schedule.id


@pytest.fixture
async def seeded(app: KaikuApplication, telegram: TelegramModel) -> Seeded:
    """The hand-counted Espoo, whose coordinator Kaisa reads English."""
    kaisa = telegram.add_user("Kaisa", language_code="en")
    return await seed(
        app.services.database, coordinator_telegram_id=kaisa, coordinator_language="en"
    )


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Let the jobs see this moment as now (they are triggered directly, never waited for)."""
    monkeypatch.setattr(delivery, "utcnow", lambda: moment.astimezone(UTC))


async def start(app: KaikuApplication) -> None:
    """What the bot does as it starts: the schedules' sync job (registers, catches up)."""
    (sync,) = app.job_queue.get_jobs_by_name(delivery.SYNC_JOB) if app.job_queue else ()
    await sync.run(app)


def summaries_received(telegram: TelegramModel, seeded: Seeded) -> list[str]:
    return [
        m.text
        for m in telegram.bot_messages(seeded.coordinator_telegram_id)
        if m.text.startswith("Kaikukortti summary")
    ]


async def test_a_monthly_summary_arrives_at_the_chosen_hour_with_last_months_figures(
    app: KaikuApplication,
    telegram: TelegramModel,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schedule_id = await choose(
        app.services.database, seeded, SummaryFrequency.MONTHLY, day_of_month=1, hour=9
    )
    at(monkeypatch, helsinki(2026, 11, 30, 12))
    await start(app)
    assert summaries_received(telegram, seeded) == []  # nothing owed yet
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name(delivery.job_name(schedule_id))

    at(monkeypatch, helsinki(2026, 12, 1, 9))
    await job.run(app)

    (summary,) = summaries_received(telegram, seeded)
    assert "Cards issued: 16 (+6, +60% on the previous period)" in summary.splitlines()
    assert "Nov 1\u2009–\u200930, 2026" in summary


async def test_a_summary_missed_while_the_bot_was_down_is_sent_once(
    app: KaikuApplication,
    telegram: TelegramModel,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = app.services.database
    schedule_id = await choose(database, seeded, SummaryFrequency.DAILY, hour=8)
    at(monkeypatch, helsinki(2026, 11, 27, 8))
    await start(app)
    assert len(summaries_received(telegram, seeded)) == 1  # for 26 November

    # Down from 27 November to 1 December 10:00: the slots of 28, 29, 30 Nov and 1 Dec passed.
    at(monkeypatch, helsinki(2026, 12, 1, 10))
    await start(app)
    await start(app)  # the periodic sync finds nothing more
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name(delivery.job_name(schedule_id))
    await job.run(app)

    received = summaries_received(telegram, seeded)
    assert len(received) == 2
    assert "Nov 30, 2026, compared with Nov 29, 2026" in received[1]
    async with database.read() as session:
        schedule = await session.get(SummarySchedule, schedule_id)
    assert schedule is not None
    assert schedule.last_period_end is not None
    assert schedule.last_period_end.isoformat() == "2026-11-30"

    at(monkeypatch, helsinki(2026, 12, 2, 8))
    await job.run(app)
    assert len(summaries_received(telegram, seeded)) == 3


async def test_a_weekly_schedule_runs_on_its_weekday_as_ptb_counts_days(
    app: KaikuApplication, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule_id = await choose(
        app.services.database, seeded, SummaryFrequency.WEEKLY, weekday=0, hour=7
    )
    at(monkeypatch, helsinki(2026, 11, 30, 6))
    await start(app)

    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name(delivery.job_name(schedule_id))
    # Monday is 0 in our table and datetime.weekday(), 1 in PTB's run_daily (0 = Sunday).
    assert delivery.ptb_day(0) == 1
    assert delivery.ptb_day(6) == 0
    assert "day_of_week='mon'" in str(job.job.trigger)
    assert "hour='7'" in str(job.job.trigger)


async def test_a_schedule_changed_meanwhile_gets_a_new_job_and_an_ended_one_none(
    app: KaikuApplication, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = app.services.database
    schedule_id = await choose(database, seeded, SummaryFrequency.WEEKLY, weekday=2)
    at(monkeypatch, helsinki(2026, 11, 30, 6))
    await start(app)
    assert app.job_queue is not None

    await choose(database, seeded, SummaryFrequency.MONTHLY, day_of_month=15, hour=10)
    await start(app)
    jobs = [job for job in app.job_queue.jobs() if job.name == delivery.job_name(schedule_id)]
    assert len(jobs) == 1
    assert "day='15'" in str(jobs[0].job.trigger)

    async with database.write() as session:
        person = await people.by_id(session, seeded.coordinator_id)
        assert person is not None
        await summary_schedules.choose(session, person, None, actor=None)
        await session.commit()
    await start(app)
    assert not [job for job in app.job_queue.jobs() if job.name == delivery.job_name(schedule_id)]


async def test_a_long_summary_comes_in_several_messages_in_order(
    app: KaikuApplication,
    telegram: TelegramModel,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storage import network
    from storage.models import Organisation

    database = app.services.database
    async with database.write() as session:
        red_cross = await session.get(Organisation, seeded.network.organisations["red_cross"])
        assert red_cross is not None
        for index in range(150):
            await network.add_unit(
                session, organisation=red_cross, name=f"Neighbourhood help point number {index:03}"
            )
        await session.commit()
    await choose(database, seeded, SummaryFrequency.MONTHLY, day_of_month=1)

    at(monkeypatch, helsinki(2026, 12, 1, 8, 30))
    await start(app)

    async with database.read() as session:
        queued = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    texts = [
        m.text for m in queued if m.chat_id == seeded.coordinator_telegram_id and m.text != "notice"
    ]
    assert len(texts) >= 2
    assert all(len(text) <= 4096 for text in texts)
    received = [m.text for m in telegram.bot_messages(seeded.coordinator_telegram_id)]
    assert received == texts
    lines = "\n".join(texts).splitlines()
    assert "• Neighbourhood help point number 149: 0" in lines
    assert lines[-1].startswith("< 5 and ≥ 5")


async def test_no_summary_for_someone_who_is_no_longer_a_coordinator(
    app: KaikuApplication,
    telegram: TelegramModel,
    seeded: Seeded,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database = app.services.database
    await choose(database, seeded, SummaryFrequency.DAILY)
    async with database.write() as session:
        person = await people.by_id(session, seeded.coordinator_id)
        assert person is not None
        people.set_active(session, person, active=False, actor=None)
        await session.commit()

    at(monkeypatch, helsinki(2026, 12, 1, 9))
    await start(app)

    assert summaries_received(telegram, seeded) == []


async def test_the_sandboxs_coordinator_gets_her_monday_summary_at_eight(
    app: KaikuApplication, telegram: TelegramModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = app.services.database
    demo.add_personas(telegram)
    # The sandbox started for the first time early on Monday 30 November.
    monkeypatch.setattr(summary_schedules, "utcnow", lambda: helsinki(2026, 11, 30, 6))
    await demo.seed(database)
    kaisa = next(p for p in demo.PERSONAS if p.role is Role.COORDINATOR)

    at(monkeypatch, helsinki(2026, 11, 30, 7, 59))  # a Monday, a minute early
    await start(app)
    assert telegram.bot_messages(kaisa.telegram_id) == []
    assert app.job_queue is not None
    (job,) = [j for j in app.job_queue.jobs() if (j.name or "").startswith(delivery.JOB_PREFIX)]

    at(monkeypatch, helsinki(2026, 11, 30, 8))
    await job.run(app)

    (summary,) = [m.text for m in telegram.bot_messages(kaisa.telegram_id)]
    # She has not written to the bot yet, so it speaks the deployment's language.
    assert summary.startswith(f"Kaikukortti-yhteenveto: {demo.LOCALITY}\n23.–29. marraskuuta 2026")
