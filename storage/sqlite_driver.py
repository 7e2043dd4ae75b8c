"""SQLite through aiosqlite in one thread hop per statement (see the comment below)."""

from __future__ import annotations

import collections
import sqlite3
from dataclasses import dataclass
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

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
# transaction, which sqlite3 itself would skip, is skipped without the hop. A transaction's
# last statement may carry its COMMIT too (storage.db.commit_with): a form's step then costs
# two hops in all, its read with BEGIN and its write with COMMIT.
#
# This uses aiosqlite's private `Connection._execute` (run a function on the connection's
# thread) and `Connection._connection` (its sqlite3 connection); tests/storage/test_db.py
# pins both and the number of hops, so an upgrade that changes them fails there.


@dataclass(frozen=True)
class Commit:
    """A COMMIT sent with a statement: always, or only if the statement changed `rows` rows."""

    rows: int | None = None


def _run_statement(
    connection: aiosqlite.Connection,
    begin: str | None,
    operation: str,
    parameters: Any,
    many: bool,
    commit: Commit | None,
) -> tuple[Any, int, int | None, list[Any] | None, bool]:
    """On the connection's thread: run the statement; return what its cursor knew, its rows,
    and whether it committed."""
    cursor = connection._connection.cursor()  # type: ignore[union-attr]
    try:
        if begin is not None:
            cursor.execute(begin)
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else None
        description, rowcount, lastrowid = cursor.description, cursor.rowcount, cursor.lastrowid
        # Only once the statement has succeeded (a failed one commits nothing), and only if it
        # changed the rows it had to (a guarded write that found its guard changed does not).
        committed = commit is not None and commit.rows in (None, rowcount)
        if committed:
            cursor.execute("COMMIT")
        return description, rowcount, lastrowid, rows, committed
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose every statement is one call on the connection's thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: OneHopConnection) -> None:
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
        assert isinstance(adapted, OneHopConnection)
        async with adapted._execute_mutex:
            connection = self._connection
            found = await connection._execute(
                _run_statement,
                connection,
                adapted.take_begin(),
                operation,
                parameters,
                many,
                adapted.take_commit(),
            )
        self._description, self._rowcount, self._lastrowid, rows, committed = found
        self._rows = collections.deque(rows or ())
        adapted.note_committed(committed)

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver's cursor closed with its statement."""


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection, with one-hop statements and no idle hops."""

    __slots__ = ("_begin", "_commit", "_committed")
    # Server-side cursors too: every statement must be able to carry the BEGIN.
    _cursor_cls = OneHopCursor  # type: ignore[assignment]
    _ss_cursor_cls = OneHopCursor  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: AsyncIODBAPIConnection) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None
        # Whether the next statement ends the transaction with COMMIT, and whether one did.
        self._commit: Commit | None = None
        self._committed = False

    def begin_with_next_statement(self, begin: str) -> None:
        """Send this BEGIN in the same call as the transaction's first statement."""
        self._begin = begin

    def take_begin(self) -> str | None:
        """The BEGIN the next statement must send first, if the transaction has not begun."""
        if self._committed:
            # Without its BEGIN it would run on its own, outside the transaction it is part of.
            raise RuntimeError("a statement after the one that committed the transaction")
        begin, self._begin = self._begin, None
        return begin

    def commit_with_next_statement(self, *, rows: int | None = None) -> None:
        """Send COMMIT in the same call as the next statement, once that statement succeeds
        (and, with `rows`, only if it changed exactly that many rows)."""
        self._commit = Commit(rows)

    def take_commit(self) -> Commit | None:
        """Whether (and when) the next statement commits."""
        commit, self._commit = self._commit, None
        return commit

    def note_committed(self, committed: bool) -> None:
        """Remember that a statement committed: the transaction is over."""
        self._committed = self._committed or committed

    def _in_transaction(self) -> bool:
        # sqlite3 lets any thread read this flag (no statement runs on it meanwhile).
        driver: sqlite3.Connection | None = self._connection._connection
        return driver is not None and driver.in_transaction

    def rollback(self) -> None:
        self._begin = None  # a transaction that sent no statement never began
        self._commit, self._committed = None, False
        if self._in_transaction():
            super().rollback()

    def commit(self) -> None:
        self._begin = None
        self._commit, self._committed = None, False
        if self._in_transaction():
            super().commit()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI module, handing out OneHopConnection."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


def one_hop_module() -> OneHopDBAPI:
    """The DBAPI module to hand create_async_engine for SQLite."""
    return OneHopDBAPI(aiosqlite, sqlite3)
