"""/schedule: a coordinator chooses when the summary comes unasked, from the stored choice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.context import KaikuApplication
from bot.settings import Settings
from bot.summaries import delivery
from storage import people, summary_schedules
from storage.models import AuditEvent, Draft, SummaryFrequency, SummarySchedule, utcnow
from tests.conftest import make_settings
from tests.summaries.fixture import Seeded, seed
from tests.support.simulator import SimulatedUser, TelegramSimulator

# Babel writes English times with a narrow no-break space before AM/PM.


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The application on each backend."""
    return make_settings(database_url)


async def coordinator(
    sim: TelegramSimulator, app: KaikuApplication, language: str = "en"
) -> tuple[SimulatedUser, Seeded]:
    kaisa = await sim.user("Kaisa", language_code=language)
    seeded = await seed(app.services.database, coordinator_telegram_id=kaisa.id)
    return kaisa, seeded


async def stored(app: KaikuApplication) -> list[SummarySchedule]:
    async with app.services.database.read() as session:
        return list(await session.scalars(select(SummarySchedule)))


def newest_question(user: SimulatedUser) -> str:
    """The question at the end of the latest message (pressed questions stack up in one)."""
    return user.last_reply().text.rsplit("\n\n", 1)[-1]


def jobs_of(app: KaikuApplication) -> list[str]:
    assert app.job_queue is not None
    return sorted(
        job.name for job in app.job_queue.jobs() if (job.name or "").startswith("summary-schedule:")
    )


async def test_a_weekly_schedule_is_stored_registered_and_sent_at_the_chosen_hour(
    sim: TelegramSimulator,
    app: KaikuApplication,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kaisa, seeded = await coordinator(sim, app)
    await kaisa.send("/schedule")
    assert kaisa.last_reply().text.startswith(
        "Now: No scheduled summaries: you get one when you ask with /summary."
    )
    assert kaisa.buttons() == ["Daily", "Weekly", "Monthly", "✓ Only when I ask", "Cancel"]
    await kaisa.click("Weekly")
    assert newest_question(kaisa) == "On which day of the week?"
    await kaisa.click("Monday")
    assert newest_question(kaisa) == "At what time?"
    await kaisa.click("✓ 8:00\u202fAM")  # the hour offered first
    summary = kaisa.last_reply().text
    assert summary.startswith("Every Monday at 8:00\u202fAM, with the seven days before.\n")
    assert "The first one comes on " in summary
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text.startswith(
        "Saved. Every Monday at 8:00\u202fAM, with the seven days before."
    )
    (schedule,) = await stored(app)
    assert (schedule.frequency, schedule.weekday, schedule.hour) == (SummaryFrequency.WEEKLY, 0, 8)
    async with app.services.database.read() as session:
        (event,) = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "schedule_summary")
        )
        assert event.actor_person_id == seeded.coordinator_id
        assert event.after == {"frequency": "weekly", "weekday": 0, "day_of_month": None, "hour": 8}
        assert list(await session.scalars(select(Draft))) == []
    # Registered at once, not at the next sync; the test triggers the job at its hour.
    assert jobs_of(app) == [delivery.job_name(schedule.id)]
    zone = app.services.settings.zone
    monday = delivery.next_slot(schedule, utcnow(), zone)
    monkeypatch.setattr(delivery, "utcnow", lambda: monday.astimezone(UTC))
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name(delivery.job_name(schedule.id))
    await job.run(app)

    received = [
        m.text for m in kaisa.replies_since_last_action() if m.text.startswith("Kaikukortti")
    ]
    assert len(received) == 1
    assert received[0].startswith("Kaikukortti summary: Espoo")
    assert not sim.errors


async def test_the_form_starts_from_the_stored_schedule_and_none_ends_it(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    kaisa, seeded = await coordinator(sim, app)
    database = app.services.database
    async with database.write() as session:
        person = await people.by_id(session, seeded.coordinator_id)
        assert person is not None
        await summary_schedules.choose(
            session, person, SummaryFrequency.MONTHLY, day_of_month=1, hour=9, actor=None
        )
        await session.commit()
        delivery.register(
            app.job_queue,  # type: ignore[arg-type]
            await summary_schedules.every(session),
            app.services.settings.zone,
        )
    assert len(jobs_of(app)) == 1

    await kaisa.send("/summary")
    await kaisa.click("Schedule…")
    assert kaisa.last_reply().text.startswith(
        "Now: Every month on day 1 at 9:00\u202fAM, with the month before."
    )
    assert "✓ Monthly" in kaisa.buttons()
    await kaisa.click("Only when I ask")
    assert kaisa.last_reply().text == (
        "No scheduled summaries: you get one when you ask with /summary."
    )
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text == "Done: no more scheduled summaries."
    assert await stored(app) == []
    assert jobs_of(app) == []


async def test_an_answer_is_changed_from_the_summary(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    kaisa, _ = await coordinator(sim, app)
    await kaisa.send("/schedule")
    await kaisa.click("Monthly")
    assert newest_question(kaisa) == "On which day of the month? (1–28: every month has them)"
    assert len(kaisa.buttons()) == 28 + 2  # the days, « Back and Cancel
    await kaisa.click("15")
    await kaisa.click("✓ 8:00\u202fAM")
    await kaisa.click("Edit an answer")
    await kaisa.click("Time")
    await kaisa.click("7:00\u202fAM")
    assert kaisa.last_reply().text.startswith("Every month on day 15 at 7:00\u202fAM")
    await kaisa.click("Confirm")

    (schedule,) = await stored(app)
    assert (schedule.frequency, schedule.day_of_month, schedule.hour) == (
        SummaryFrequency.MONTHLY,
        15,
        7,
    )


@pytest.mark.parametrize(
    ("language", "weekly", "monday", "hour", "summary"),
    [
        ("fi", "Viikoittain", "Maanantai", "✓ 8.00", "Joka maanantai klo 8.00"),
        ("sv", "Varje vecka", "Måndag", "✓ 08:00", "Varje måndag kl. 08:00"),
    ],
)
async def test_the_schedule_is_chosen_in_the_readers_language(
    sim: TelegramSimulator,
    app: KaikuApplication,
    language: str,
    weekly: str,
    monday: str,
    hour: str,
    summary: str,
) -> None:
    kaisa, _ = await coordinator(sim, app, language)
    await kaisa.send("/schedule")
    await kaisa.click(weekly)
    await kaisa.click(monday)
    await kaisa.click(hour)

    assert kaisa.last_reply().text.startswith(summary)
    assert datetime.now(UTC).year >= 2026  # the first date is Babel's, in the reader's words


async def test_a_changed_schedule_replaces_its_job_at_once(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    kaisa, _ = await coordinator(sim, app)
    await kaisa.send("/schedule")
    await kaisa.click("Daily")
    await kaisa.click("✓ 8:00\u202fAM")
    await kaisa.click("Confirm")
    (schedule,) = await stored(app)
    assert app.job_queue is not None
    (daily,) = app.job_queue.get_jobs_by_name(delivery.job_name(schedule.id))

    await kaisa.send("/schedule")
    assert "✓ Daily" in kaisa.buttons()
    await kaisa.click("Monthly")
    await kaisa.click("1")
    await kaisa.click("✓ 8:00\u202fAM")
    await kaisa.click("Confirm")

    (monthly,) = app.job_queue.get_jobs_by_name(delivery.job_name(schedule.id))
    assert monthly is not daily
    assert monthly.data == (schedule.id, SummaryFrequency.MONTHLY, None, 1, 8)
