"""The async engine, per-dialect connection setup, and read/write sessions."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# How long a statement waits for another process's lock before giving up, so that a person
# gets an apology within seconds instead of silence (milliseconds).
LOCK_TIMEOUT_MS = 5_000
# PostgreSQL: no statement of the bot runs longer than this (milliseconds).
STATEMENT_TIMEOUT_MS = 15_000
# SQLite connections are cheap; many updates may be under way at once (see bot.updates), and
# the pool keeps that many open rather than closing and reopening them.
SQLITE_POOL = {"pool_size": 20, "max_overflow": 30}


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """Make SQLite safe for concurrent writers: the recipe of shared/pitfalls.md.

    The sqlite3 module's own transaction control emits no BEGIN before a SELECT, so two
    read-modify-writes can both read the old value. We send BEGIN ourselves; a writer's is
    BEGIN IMMEDIATE, which takes the write lock up front (a deferred transaction that upgrades
    from read to write fails at once in WAL mode instead of waiting for busy_timeout).
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no BEGIN from the driver: ours only
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


WRITE_OPTION = "kaikubot_write"


def create_engine(url: str, *, lock_timeout_ms: int = LOCK_TIMEOUT_MS) -> AsyncEngine:
    """Create the engine for a SQLite or PostgreSQL URL, with its dialect's setup."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, hide_parameters=True, **SQLITE_POOL)
        _configure_sqlite(engine, busy_timeout_ms=lock_timeout_ms)
        return engine
    server_settings = {
        # A row or table locked elsewhere (the command line, a long report) makes a statement
        # fail after this long, rather than every update waiting as long as the lock is held.
        "lock_timeout": str(lock_timeout_ms),
        "statement_timeout": str(max(STATEMENT_TIMEOUT_MS, lock_timeout_ms)),
        "idle_in_transaction_session_timeout": str(STATEMENT_TIMEOUT_MS * 2),
    }
    # asyncpg takes the schema as a server setting, not as a URL parameter.
    search_path = parsed.query.get("search_path")
    if isinstance(search_path, str):
        parsed = parsed.difference_update_query(["search_path"])
        server_settings["search_path"] = search_path
    return create_async_engine(
        parsed,
        hide_parameters=True,
        pool_pre_ping=True,
        connect_args={"server_settings": server_settings},
    )


class Database:
    """The engine and the two kinds of session the bot uses: read-only and writing."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._read = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self._write = async_sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}),
            expire_on_commit=False,
            autoflush=False,
        )
        # SQLite has one writer at a time. This process's writers take turns here, first come
        # first served, instead of in SQLite's busy handler, which waits by sleeping and holds
        # a pooled connection per waiting writer. Other processes still meet busy_timeout.
        self._writer_turn: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )

    @classmethod
    def from_url(cls, url: str, *, lock_timeout_ms: int = LOCK_TIMEOUT_MS) -> Database:
        """Open a database by URL."""
        return cls(create_engine(url, lock_timeout_ms=lock_timeout_ms))

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; whatever it changed is rolled back."""
        async with self._read() as session:
            yield session

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session that holds the write lock from its first statement; the caller commits.

        Leave the block as soon as the transaction is over: on SQLite this process's next
        writer waits until then.
        """
        async with self._writer_turn or contextlib.nullcontext(), self._write() as session:
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
