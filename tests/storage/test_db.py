"""The engine keeps concurrent writers safe and moments in UTC, on every backend."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import OperationalError

import storage.db as storage_db
from storage import drafts, people
from storage.db import Database
from storage.models import AuditEvent, Draft
from storage.sqlite_driver import OneHopConnection


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


# SQLite through aiosqlite in fewer thread hops (storage.db): what it relies on, and what it
# must keep doing.


async def test_aiosqlite_still_offers_the_private_calls_storage_db_uses(tmp_path: Path) -> None:
    # storage.db runs each statement as one function on the connection's own thread, through
    # aiosqlite's private Connection._execute, on the sqlite3 connection in ._connection.
    async with aiosqlite.connect(tmp_path / "pin.db") as connection:
        driver = connection._connection
        assert isinstance(driver, sqlite3.Connection)

        def on_its_thread(value: int) -> tuple[int, int]:
            assert driver is not None
            return threading.get_ident(), driver.execute("SELECT ?", (value,)).fetchone()[0]

        thread, value = await connection._execute(on_its_thread, 42)
    assert value == 42
    assert thread != threading.get_ident()


async def test_a_write_transaction_costs_one_thread_hop_per_statement(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with sqlite_database.write() as session:  # a connection in the pool already
        await session.execute(select(Draft))
        await session.commit()
    hops: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with sqlite_database.write() as session:
        # BEGIN IMMEDIATE and the SELECT, then the upsert, then COMMIT: three hops, and none
        # when the pool takes the connection back (there is nothing to roll back).
        await people.with_draft(session, 42, chat_id=42, conversation="counter")
        await drafts.save(session, "counter", 42, 42, step="COUNTING", answers={})
        await session.commit()

    assert hops == ["_run_statement", "_run_statement", "commit"]

    # A form's step: its read carries BEGIN and its write carries COMMIT, two hops in all.
    hops.clear()
    async with sqlite_database.write() as session:
        _person, draft = await people.with_draft(session, 42, chat_id=42, conversation="counter")
        await drafts.save(
            session, "counter", 42, 42, step="COUNTED", answers={}, existing=draft, commit=True
        )
    assert hops == ["_run_statement", "_run_statement"]
    async with sqlite_database.read() as session:
        assert (await drafts.get(session, "counter", 42, 42)).step == "COUNTED"  # type: ignore[union-attr]


async def test_nothing_may_run_after_the_statement_that_committed(
    sqlite_database: Database,
) -> None:
    async with sqlite_database.write() as session:
        connection = await session.connection()
        driver = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
        assert isinstance(driver, OneHopConnection)
        driver.commit_with_next_statement()
        await session.execute(text("SELECT 1"))
        # It would run on its own, outside the transaction it belongs to: refused instead.
        with pytest.raises(RuntimeError, match="after the one that committed"):
            await session.execute(text("SELECT 2"))


async def test_writers_waiting_their_turn_keep_their_connections_open_for_next_time(
    sqlite_database: Database,
) -> None:
    opened: list[object] = []
    event.listen(sqlite_database.engine.sync_engine, "connect", lambda *_: opened.append(1))

    async def write(index: int) -> None:
        async with sqlite_database.write() as session:
            await drafts.save(session, "queue", index, index, step="A", answers={})
            await session.commit()

    await asyncio.gather(*(write(index) for index in range(20)))
    first = len(opened)
    await asyncio.gather(*(write(index) for index in range(20)))

    assert first > 1  # the writers did wait for each other, each with a connection
    assert len(opened) == first  # and the second time round no connection was opened again


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
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    database = Database.from_url(sqlite_url)
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
        assert draft is not None
        assert (draft.step, draft.answers) == ("B", {"n": 2})  # the object follows its row
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
