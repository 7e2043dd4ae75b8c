"""The queue of updates waiting for the bot, with getUpdates' offset and long-polling rules."""

import asyncio
from collections.abc import Mapping
from typing import Any

from bot.sandbox.errors import BotApiError
from bot.sandbox.json_copy import copy_json

Update = dict[str, Any]

_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class UpdateQueue:
    """Pending updates in update_id order; lives on the event loop of the bot, no threads."""

    def __init__(self) -> None:
        self.pending: list[Update] = []
        self._next_id = 1
        self._allowed: list[str] = []
        self._waiters: set[asyncio.Future[None]] = set()
        self._generation = 0

    def push(self, payload: Update) -> Update:
        """Queue an update with the next update_id, wake a long poll, and return a copy."""
        update = {"update_id": self._next_id, **payload}
        self._next_id += 1
        self.pending.append(update)
        self._wake()
        return copy_json(update)

    def confirm(self, update_id: int) -> None:
        """Forget one update, as if the bot had confirmed it."""
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def drop_pending(self) -> None:
        """Forget every pending update (deleteWebhook with drop_pending_updates)."""
        self.pending.clear()

    def take(self, params: Mapping[str, Any]) -> list[Update]:
        """Answer getUpdates at once: confirm below offset, return what is pending."""
        self._new_poll()
        self._confirm(params)
        return self._collect(params)

    async def wait_and_take(self, params: Mapping[str, Any]) -> list[Update]:
        """Answer getUpdates as Telegram does, waiting up to `timeout` seconds for an update."""
        generation = self._new_poll()
        self._confirm(params)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(float(params.get("timeout") or 0), 0.0)
        while True:
            if generation != self._generation:
                raise BotApiError(409, _CONFLICT)
            updates = self._collect(params)
            remaining = deadline - loop.time()
            if updates or remaining <= 0:
                return updates
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait([waiter], timeout=remaining)
            finally:
                self._waiters.discard(waiter)
                waiter.cancel()

    def _new_poll(self) -> int:
        # A second getUpdates ends the one still waiting, which gets 409 Conflict.
        self._generation += 1
        self._wake()
        return self._generation

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _confirm(self, params: Mapping[str, Any]) -> None:
        offset = params.get("offset")
        if isinstance(offset, int) and offset < 0:
            # A negative offset keeps the last -offset updates and forgets the rest.
            self.pending = self.pending[offset:]
        elif isinstance(offset, int):
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            # Telegram remembers allowed_updates; an empty list means the default set.
            self._allowed = [str(kind) for kind in allowed]

    def _collect(self, params: Mapping[str, Any]) -> list[Update]:
        if self._allowed:
            # Updates of a kind the bot does not want are never delivered.
            self.pending = [u for u in self.pending if _kind(u) in self._allowed]
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        return copy_json(self.pending[:limit])


def _kind(update: Update) -> str:
    return next(key for key in update if key != "update_id")
