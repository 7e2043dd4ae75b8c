"""The async engine, per-dialect connection setup, and read/write sessions."""

from __future__ import annotations

import asyncio
import collections
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import EMPTY_DICT, await_only

log = logging.getLogger(__name__)

# A writer waits this long for SQLite's lock before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "kaikubot_write"
HOLDS_WRITER = "kaikubot_holds_writer"
# SQLite connections are cheap; many updates may be under way at once (see bot.updates).
SQLITE_POOL = {"pool_size": 10, "max_overflow": 40}


# SQLite through aiosqlite, in fewer thread hops.
#
# aiosqlite runs every call on the connection's own thread and wakes the event loop for each.
# SQLAlchemy's adapter makes four such calls per SELECT (cursor, execute, fetchall, close) and
# three per other statement; BEGIN is one more statement, and the pool ends every checkout
# with a ROLLBACK, needed or not. A hop costs the event loop tens of microseconds (a future, a
# wake-up through its self-pipe, a greenlet switch), more than SQLite needs to run a small
# statement, and the bot's throughput is the event loop's time. So here a statement is one
# call on the connection's thread: the transaction's BEGIN (if it is the first statement),
# the statement, all its rows, and closing the cursor; and a COMMIT or ROLLBACK outside a
# transaction, which sqlite3 itself would skip, is skipped without the hop.
#
# This uses aiosqlite's private `Connection._execute` (run a function on the connection's
# thread) and `Connection._connection` (its sqlite3 connection); tests/storage/test_db.py
# pins both and the number of hops, so an upgrade that changes them fails there.


def _run_statement(
    connection: aiosqlite.Connection,
    begin: str | None,
    operation: str,
    parameters: Any,
    many: bool,
) -> tuple[Any, int, int | None, list[Any] | None]:
    """On the connection's thread: run the statement; return what its cursor knew, and rows."""
    cursor = connection._connection.cursor()  # type: ignore[union-attr]
    try:
        if begin is not None:
            cursor.execute(begin)
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class _OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose every statement is one call on the connection's thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: _OneHopConnection) -> None:
        # No driver cursor here: _run_statement opens and closes its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._run(operation, seq_of_parameters, many=True)

    async def _run(self, operation: str, parameters: Any, *, many: bool) -> None:
        adapted = self._adapt_connection
        assert isinstance(adapted, _OneHopConnection)
        async with adapted._execute_mutex:
            connection = self._connection
            found = await connection._execute(
                _run_statement, connection, adapted.take_begin(), operation, parameters, many
            )
        self._description, self._rowcount, self._lastrowid, rows = found
        self._rows = collections.deque(rows or ())

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver's cursor closed with its statement."""


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection, with one-hop statements and no idle hops."""

    __slots__ = ("_begin",)
    # Server-side cursors too: every statement must be able to carry the BEGIN.
    _cursor_cls = _OneHopCursor  # type: ignore[assignment]
    _ss_cursor_cls = _OneHopCursor  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: AsyncIODBAPIConnection) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None

    def begin_with_next_statement(self, begin: str) -> None:
        """Send this BEGIN in the same call as the transaction's first statement."""
        self._begin = begin

    def take_begin(self) -> str | None:
        """The BEGIN the next statement must send first, if the transaction has not begun."""
        begin, self._begin = self._begin, None
        return begin

    def _in_transaction(self) -> bool:
        # sqlite3 lets any thread read this flag (no statement runs on it meanwhile).
        driver: sqlite3.Connection | None = self._connection._connection
        return driver is not None and driver.in_transaction

    def rollback(self) -> None:
        self._begin = None  # a transaction that sent no statement never began
        if self._in_transaction():
            super().rollback()

    def commit(self) -> None:
        self._begin = None
        if self._in_transaction():
            super().commit()


class _OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI module, handing out _OneHopConnection."""

    def connect(self, *arg: Any, **kw: Any) -> _OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return _OneHopConnection(self, adapted._connection)


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
        assert isinstance(driver, _OneHopConnection)  # create_engine passes their module
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
            module=_OneHopDBAPI(aiosqlite, sqlite3),
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


def is_sqlite(engine: AsyncEngine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


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
