"""`kaikubot summary schedule` before the chat form exists, and the sandbox's demo schedule."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot import logs
from bot.cli import EXIT_CONFIG, main
from bot.sandbox import demo
from storage import people, summary_schedules
from storage.db import Database
from storage.models import AuditEvent, Role, SummaryFrequency
from tests.support.network import add_person, build_network


@pytest.fixture
def url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_url: str) -> str:
    """A migrated database with Espoo, a coordinator (#1) and an issuer (#2); no stray .env."""
    for key in list(os.environ):
        if key.startswith("KAIKUBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(logs, "configure", lambda level, secrets: None)
    monkeypatch.setenv("KAIKUBOT_DATABASE_URL", sqlite_url)

    async def prepare() -> None:
        database = Database.from_url(sqlite_url)
        built = await build_network(database)
        await add_person(database, 501, "Kaisa", (Role.COORDINATOR, built.localities["espoo"]))
        await add_person(database, 502, "Iris", (Role.ISSUER, built.units["family"]))
        await database.dispose()

    asyncio.run(prepare())
    return sqlite_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    capsys.readouterr()
    status = main(list(argv))
    printed = capsys.readouterr()
    return status, printed.out.splitlines(), printed.err.splitlines()


def stored(url: str) -> tuple[object, ...] | None:
    async def read() -> tuple[object, ...] | None:
        database = Database.from_url(url)
        async with database.read() as session:
            schedule = await summary_schedules.of_person(session, 1)
            events = await session.scalars(
                AuditEvent.__table__.select().where(AuditEvent.action == "schedule_summary")
            )
            assert list(events), "a schedule change is audited"
        await database.dispose()
        if schedule is None:
            return None
        return (schedule.frequency, schedule.weekday, schedule.day_of_month, schedule.hour)

    return asyncio.run(read())


def test_a_coordinators_schedule_is_set_listed_and_ended(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys,
        *("summary", "schedule", "1", "weekly", "--weekday", "friday", "--hour", "9"),
        *("--locality", "Espoo"),
    )
    assert status == 0
    assert out == ["#1 Kaisa: weekly on Fridays at 09:00 (the 7 days before)."]
    assert stored(url) == (SummaryFrequency.WEEKLY, 4, None, 9)

    run(capsys, "summary", "schedule", "1", "monthly", "--day", "1", "--locality", "Espoo")
    assert stored(url) == (SummaryFrequency.MONTHLY, None, 1, 8)
    _, out, _ = run(capsys, "summary", "list", "--locality", "Espoo")
    assert out == [
        "Scheduled summaries in Espoo:",
        "  #1 Kaisa: monthly on day 1 at 08:00 (the calendar month before)",
    ]

    _, out, _ = run(capsys, "summary", "schedule", "1", "none", "--locality", "Espoo")
    assert out == ["#1 Kaisa: no scheduled summary."]
    assert stored(url) is None


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["2", "daily"], "no coordinator #2 in Espoo"),
        (["1", "weekly"], "needs --weekday"),
        (["1", "monthly"], "needs --day"),
        (["1", "monthly", "--day", "31"], "between 1 and 28"),
        (["1", "daily", "--hour", "24"], "between 0 and 23"),
    ],
)
def test_a_schedule_that_cannot_be_is_refused_with_the_reason(
    url: str, capsys: pytest.CaptureFixture[str], argv: list[str], reason: str
) -> None:
    status, out, err = run(capsys, "summary", "schedule", *argv, "--locality", "Espoo")

    assert status == EXIT_CONFIG
    assert out == []
    assert len(err) == 1
    assert reason in err[0]


async def test_the_sandboxs_demo_coordinator_has_a_weekly_summary(
    sqlite_database: Database,
) -> None:
    await demo.seed(sqlite_database)
    await demo.seed(sqlite_database)  # seeding again changes nothing

    coordinator = next(p for p in demo.PERSONAS if p.role is Role.COORDINATOR)
    async with sqlite_database.read() as session:
        person = await people.by_telegram_id(session, coordinator.telegram_id)
        assert person is not None
        schedule = await summary_schedules.of_person(session, person.id)
    assert schedule is not None
    assert (schedule.frequency, schedule.weekday, schedule.hour) == (
        SummaryFrequency.WEEKLY,
        demo.SUMMARY_WEEKDAY,
        demo.SUMMARY_HOUR,
    )
