"""The engine keeps concurrent writers safe and moments in UTC, on every backend."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import OperationalError

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


async def test_a_write_transaction_holds_sqlites_write_lock_from_its_first_read(
    sqlite_database: Database, sqlite_url: str
) -> None:
    other = sqlite3.connect(make_url(sqlite_url).database or "", timeout=0)
    try:
        async with sqlite_database.write() as session:
            await session.execute(select(Draft))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            await session.commit()
        other.execute("BEGIN IMMEDIATE")  # free again after COMMIT
        other.rollback()
    finally:
        other.close()


async def test_a_begin_that_meets_a_locked_database_fails_and_frees_the_next_writer(
    sqlite_url: str,
) -> None:
    database = Database.from_url(sqlite_url, lock_timeout_ms=50)
    other = sqlite3.connect(make_url(sqlite_url).database or "", timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing, e.g. the command line
        with pytest.raises(OperationalError, match="locked"):
            async with database.write() as session:
                await drafts.save(session, "counter", 1, 1, step="A", answers={})
        other.rollback()

        async with database.write() as session:  # the writer lock was given back
            await drafts.save(session, "counter", 1, 1, step="B", answers={})
            await session.commit()
        async with database.read() as session:
            assert await session.scalar(select(Draft.step)) == "B"
    finally:
        other.close()
        await database.dispose()


async def test_a_draft_row_that_went_meanwhile_is_stored_again(database: Database) -> None:
    async with database.write() as session:
        await drafts.save(session, "counter", 1, 1, step="A", answers={"n": 1})
        await session.commit()
    async with database.read() as session:
        draft = await drafts.get(session, "counter", 1, 1)
    assert draft is not None
    async with database.write() as session:
        await drafts.discard(session, "counter", 1, 1)  # e.g. the expiry job, on PostgreSQL
        await drafts.save(session, "counter", 1, 1, step="B", answers={"n": 2}, existing=draft)
        await session.commit()

    async with database.read() as session:
        again = await drafts.get(session, "counter", 1, 1)
    assert again is not None
    assert (again.step, again.answers) == ("B", {"n": 2})


async def test_a_draft_is_updated_by_its_key_and_keeps_other_drafts(database: Database) -> None:
    async with database.write() as session:
        await drafts.save(session, "counter", 1, 1, step="A", answers={"n": 1})
        await drafts.save(session, "counter", 2, 2, step="A", answers={"n": 1})
        await session.commit()
    async with database.write() as session:
        draft = await drafts.get(session, "counter", 1, 1)
        await drafts.save(session, "counter", 1, 1, step="B", answers={"n": 2}, existing=draft)
        await session.commit()

    async with database.read() as session:
        stored = {(d.chat_id, d.step, d.answers["n"]) for d in await session.scalars(select(Draft))}
    assert stored == {(1, "B", 2), (2, "A", 1)}


async def test_a_draft_of_another_conversation_is_never_overwritten(database: Database) -> None:
    async with database.write() as session:
        await drafts.save(session, "survey", 1, 1, step="A", answers={"n": 1})
        await session.commit()
    async with database.write() as session:
        survey = await drafts.get(session, "survey", 1, 1)
        await drafts.save(session, "counter", 1, 1, step="B", answers={"n": 2}, existing=survey)
        await session.commit()

    async with database.read() as session:
        stored = {(d.conversation, d.step) for d in await session.scalars(select(Draft))}
    assert stored == {("survey", "A"), ("counter", "B")}
