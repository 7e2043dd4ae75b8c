"""The async engine, per-dialect connection setup, and read/write sessions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
from sqlalchemy.orm import Session
from sqlalchemy.util import await_only

from storage.sqlite_driver import OneHopConnection, one_hop_module

log = logging.getLogger(__name__)

# A writer waits this long for SQLite's lock before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "kaikubot_write"
HOLDS_WRITER = "kaikubot_holds_writer"
# SQLite connections are cheap; many updates may be under way at once (see bot.updates). A
# writer waiting for its turn holds its connection, so under load there is one per waiting
# writer: the pool keeps that many open rather than closing and reopening them (each opening
# starts a thread and sets the PRAGMAs; with 20 issuers at once it cost ~15% of the issuing
# benchmark's throughput).
SQLITE_POOL = {"pool_size": 50, "max_overflow": 50}


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Make SQLite safe for concurrent writers (see pitfalls: legacy transactions lose updates).

    Writers of this process also queue for an asyncio lock before BEGIN IMMEDIATE: SQLite's
    own busy handler waits by sleeping (1, 2, 5 … 100 ms), which is slow and unfair, while the
    lock hands over at once. Other processes (the command line) still meet busy_timeout.
    """
    writer = asyncio.Lock()

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so our BEGIN is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock up front: a deferred transaction that upgrades from read to
        # write fails at once in WAL mode instead of waiting for busy_timeout.
        if connection.get_execution_options().get(WRITE_OPTION):
            await_only(writer.acquire())  # this runs inside SQLAlchemy's greenlet
            connection.info[HOLDS_WRITER] = True
            _begin(connection, "BEGIN IMMEDIATE")
        else:
            _begin(connection, "BEGIN")

    def _begin(connection: Connection, statement: str) -> None:
        # Sent with the transaction's first statement (a BEGIN that fails fails that statement,
        # and the writer lock goes back with the connection, at checkin).
        driver = connection.connection.dbapi_connection
        assert isinstance(driver, OneHopConnection)  # create_engine passes their module
        driver.begin_with_next_statement(statement)

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # A session hands its connection back right after COMMIT or ROLLBACK has run (and
        # whenever it is closed), so the next writer may begin.
        if record.info.pop(HOLDS_WRITER, False):
            writer.release()


def create_engine(url: str) -> AsyncEngine:
    """Create the engine for a SQLite or PostgreSQL URL, with its dialect's setup."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            module=one_hop_module(),
            hide_parameters=True,
            **SQLITE_POOL,
        )
        _configure_sqlite(engine)
        return engine
    # asyncpg takes the schema as a server setting, not as a URL parameter.
    search_path = parsed.query.get("search_path")
    connect_args: dict[str, Any] = {}
    if isinstance(search_path, str):
        parsed = parsed.difference_update_query(["search_path"])
        connect_args["server_settings"] = {"search_path": search_path}
    return create_async_engine(
        parsed, hide_parameters=True, pool_pre_ping=True, connect_args=connect_args
    )


async def commit_with(
    session: AsyncSession,
    statement: Any,
    parameters: dict[str, Any],
    *,
    rows: int | None = None,
) -> Any:
    """Run the transaction's last statement and commit; on SQLite both in one thread hop.

    With `rows`, commit only if the statement changed exactly that many rows; otherwise the
    transaction stays open for the caller to roll back. Pending ORM changes are flushed first:
    nothing may run between the statement and COMMIT.
    """
    # One greenlet for the whole ending (each awaited session call would start its own).
    return await session.run_sync(_commit_with, statement, parameters, rows)


def _commit_with(
    session: Session, statement: Any, parameters: dict[str, Any], rows: int | None
) -> Any:
    if session.new or session.dirty or session.deleted:
        session.flush()
    driver = session.connection().connection.dbapi_connection
    if isinstance(driver, OneHopConnection):
        driver.commit_with_next_statement(rows=rows)
    result = session.execute(statement, parameters)
    if rows is None or getattr(result, "rowcount", None) == rows:
        session.commit()  # on SQLite only the session's own bookkeeping is left
    return result


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

    @classmethod
    def from_url(cls, url: str) -> Database:
        """Open a database by URL."""
        return cls(create_engine(url))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; whatever it changed is rolled back."""
        async with self._read() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session that holds the write lock from its first statement; the caller commits."""
        async with self._write() as session:
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
