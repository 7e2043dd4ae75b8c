"""Delivering the outbox: retries with backoff, Telegram's flood limits, 429 and 403."""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta

from aiolimiter import AsyncLimiter
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.flood import caller_retries
from bot.menu import set_person_menu
from storage import outbox, people
from storage.db import Database
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# Telegram allows about 30 messages a second to different chats; stay below it.
MESSAGES_PER_SECOND = 25


def retry_after(error: RetryAfter) -> timedelta:
    """How long Telegram asked us to wait (PTB 22 warns while it moves to timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))


class OutboxCourier:
    """Sends due outbox messages one at a time, recording each outcome as it happens."""

    def __init__(self, database: Database, default_language: str) -> None:
        self._database = database
        self._default_language = default_language
        self._limiter = AsyncLimiter(MESSAGES_PER_SECOND, 1)
        # One delivery at a time: a second run would send the same messages again.
        self._lock = asyncio.Lock()

    async def deliver_due(self, bot: ExtBot[None]) -> int:
        """Send every due message; returns how many Telegram accepted."""
        async with self._lock:
            async with self._database.read() as session:
                batch = await outbox.due(session)
            sent = 0
            for message in batch:
                # A 429 comes back here at once: the message records it and waits in the table.
                async with self._limiter:
                    with caller_retries():
                        outcome = await self._send(bot, message)
                if outcome is True:
                    sent += 1
                elif isinstance(outcome, RetryAfter):
                    break  # Telegram asked the whole bot to wait
            return sent

    async def _send(self, bot: ExtBot[None], message: OutboxMessage) -> bool | RetryAfter:
        try:
            await self._perform(bot, message)
        except RetryAfter as error:
            wait = retry_after(error)
            await self._record(message.id, "postpone", f"retry after {wait}", wait)
            return error
        except Forbidden:
            await self._record(message.id, "blocked")
            return False
        except BadRequest as error:
            # Telegram refuses this message for good (chat not found, bad text): retrying
            # cannot help, but the backoff ends in FAILED so it is visible.
            await self._record(message.id, "postpone", f"bad request: {error.message}")
            return False
        except TelegramError as error:
            await self._record(message.id, "postpone", f"{type(error).__name__}: {error.message}")
            return False
        # If the bot dies right here, Telegram has the message but we have not recorded it:
        # it will be sent once more after the restart (the only case of a duplicate).
        await self._record(message.id, "sent")
        return True

    async def _perform(self, bot: ExtBot[None], message: OutboxMessage) -> None:
        if message.kind == outbox.COMMANDS:
            async with self._database.read() as session:
                person = await people.by_telegram_id(session, message.chat_id)
            await set_person_menu(bot, message.chat_id, person, self._default_language)
        else:
            await bot.send_message(message.chat_id, message.text, reply_markup=markup(message))

    async def _record(
        self, message_id: int, outcome: str, error: str = "", wait: timedelta | None = None
    ) -> None:
        async with self._database.write() as session:
            message = await outbox.get(session, message_id)
            if message is None:
                return
            if outcome == "sent":
                outbox.mark_sent(message)
            elif outcome == "blocked":
                outbox.mark_blocked(message)
                person = await people.by_telegram_id(session, message.chat_id)
                if person is not None:
                    people.mark_blocked(person, blocked=True)
            else:
                outbox.postpone(message, error, wait=wait)
            await session.commit()
        if outcome != "sent":
            log.warning("outbox message %s: %s %s", message_id, outcome, error)


def markup(message: OutboxMessage) -> InlineKeyboardMarkup | None:
    """The message's stored buttons as Telegram's inline keyboard, if it has any."""
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in message.buttons
        ]
    )
