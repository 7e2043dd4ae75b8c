"""Which task holds a connection of the application's pool: a Telegram call made by a task
that holds one is a transaction left open across a network round trip."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class TalkWhileConnected(AssertionError):
    """A request reached Telegram while its task held a database connection."""


class ConnectionWatch:
    """Watches an engine's pool (its checkout and checkin events), connection by connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.sync_engine
        self._holders: dict[int, asyncio.Task[Any] | None] = {}
        # Telegram methods called while their task held a connection.
        self.violations: list[str] = []
        event.listen(self._engine, "checkout", self._checked_out)
        event.listen(self._engine, "checkin", self._checked_in)

    def _checked_out(self, _dbapi: Any, record: Any, _proxy: Any) -> None:
        self._holders[id(record)] = _current_task()

    def _checked_in(self, _dbapi: Any, record: Any) -> None:
        self._holders.pop(id(record), None)

    def held_here(self) -> bool:
        """Whether the running task holds a connection of the pool right now."""
        task = _current_task()
        return task is not None and any(holder is task for holder in self._holders.values())

    def before_telegram_call(self, method: str) -> None:
        """Note a Telegram call made while the calling task holds a connection."""
        if self.held_here():
            self.violations.append(method)

    def close(self) -> None:
        """Stop watching."""
        event.remove(self._engine, "checkout", self._checked_out)
        event.remove(self._engine, "checkin", self._checked_in)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop in this thread
        return None
