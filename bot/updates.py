"""Updates from different chats run side by side; each chat's updates run one at a time.

With real Telegram, every reply is a network round trip: handling all updates strictly one
after another would make each person wait for everybody else's round trips. Conversations
need their own updates in order, one at a time, and that is all they need: so updates are
serialised per chat (a private chat is one person), not globally.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# How many updates may be under way at once (across different chats).
MAX_CONCURRENT_UPDATES = 256


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs each chat's updates in arrival order, different chats concurrently."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates, then handle this one."""
        key = chat_key(update)
        # Tasks reach this point in the order the updates arrived, and asyncio.Lock wakes
        # waiters first come, first served: each chat's order is kept.
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def chat_key(update: object) -> int:
    """The chat an update belongs to (0 for updates without one, which then queue together)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0
