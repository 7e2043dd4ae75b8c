"""The engine keeps concurrent writers safe and moments in UTC, on every backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from storage import drafts, people
from storage.db import Database
from storage.models import AuditEvent, Draft


async def test_fifty_concurrent_read_modify_writes_all_land(database: Database) -> None:
    async with database.write() as session:
        await drafts.save(session, "counter", 1, 1, step="COUNTING", answers={"count": 0})
        await session.commit()

    async def increment() -> None:
        async with database.write() as session:
            draft = await drafts.get(session, "counter", 1, 1, lock=True)
            assert draft is not None
            draft.answers = {"count": draft.answers["count"] + 1}
            await session.commit()

    await asyncio.gather(*(increment() for _ in range(50)))

    async with database.read() as session:
        draft = await drafts.get(session, "counter", 1, 1)
    assert draft is not None
    assert draft.answers == {"count": 50}


async def test_moments_come_back_as_the_same_instant_in_utc(database: Database) -> None:
    helsinki_evening = datetime(2026, 6, 1, 23, 30, tzinfo=timezone(timedelta(hours=3)))
    async with database.write() as session:
        await drafts.save(session, "clock", 1, 1, step="A", answers={})
        await session.flush()
        draft = await drafts.get(session, "clock", 1, 1)
        assert draft is not None
        draft.updated_at = helsinki_evening
        await session.commit()

    async with database.read() as session:
        stored = await session.scalar(select(Draft.updated_at))
    assert stored == helsinki_evening
    assert stored is not None
    assert stored.tzinfo is not None
    assert stored.astimezone(UTC).hour == 20


async def test_a_read_session_never_keeps_what_it_changed(database: Database) -> None:
    async with database.read() as session:
        await people.add(session, telegram_id=42, display_name="Ghost")

    async with database.read() as session:
        assert await people.by_telegram_id(session, 42) is None


async def test_a_write_session_keeps_nothing_unless_committed(database: Database) -> None:
    async with database.write() as session:
        await people.add(session, telegram_id=42, display_name="Ghost")

    async with database.read() as session:
        assert await people.by_telegram_id(session, 42) is None
        assert list(await session.scalars(select(AuditEvent))) == []
