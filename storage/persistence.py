"""PTB persistence that restores conversations from their drafts.

A draft row is the one source of truth of a conversation's state: each step writes it before
the bot replies. This class only reads drafts back when the application starts; it stores
nothing itself, so the two can never disagree.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage import drafts
from storage.db import Database

# What PTB passes for conversations and callback data (its own aliases are private).
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

# PTB calls update_persistence() this often; there is nothing for it to flush, so rarely.
FLUSH_INTERVAL_SECONDS = 3600.0


class DraftPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Conversations restored from drafts; PTB's user, chat and bot data are not kept."""

    def __init__(self, database: Database) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=FLUSH_INTERVAL_SECONDS,
        )
        self._database = database

    async def get_conversations(self, name: str) -> ConversationDict:
        """Load every unfinished conversation of this name from its drafts."""
        async with self._database.read() as session:
            found = await drafts.steps(session, name)
        conversations: ConversationDict = {}
        for key, step in found.items():
            conversations[key] = step
        return conversations

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Nothing to do: the handler already stored the draft before replying."""

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        """Not kept."""
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        """Not kept."""
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        """Not kept."""
        return {}

    async def get_callback_data(self) -> CDCData | None:
        """Not kept."""
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        """Not kept."""

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """Not kept."""

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Not kept."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Not kept."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Not kept."""

    async def drop_user_data(self, user_id: int) -> None:
        """Not kept."""

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Not kept."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Not kept."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Not kept."""

    async def flush(self) -> None:
        """Nothing is buffered."""
