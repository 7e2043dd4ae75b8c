"""Simulated people who drive the real Application through the in-memory Telegram model.

Each action queues the update Telegram would send, runs it through the Application exactly as
its own update fetcher does (respecting the update processor, so concurrent people are
serialised when the bot processes one update at a time), waits for the tasks PTB started for it,
and confirms the update. The caller initialises the Application; nothing polls.
"""

import asyncio
import logging
import struct
import zlib
from collections.abc import Iterator
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.sandbox.telegram_model import CallbackAnswer, ChatMessage, TelegramModel

_LOG = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class TelegramSimulator:
    """People talking to one real Application over the model."""

    def __init__(self, model: TelegramModel, application: AnyApplication) -> None:
        self.model = model
        self.application = application
        # Exceptions that reached the error handlers, for tests that want none.
        self.errors: list[BaseException] = []
        application.add_error_handler(self._record_error)

    async def _record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep the exception a handler raised; the bot's own error handlers still run."""
        if context.error is not None:
            # Not logged here: the bot's own error handler logs it, without secrets.
            self.errors.append(context.error)

    async def user(
        self, first_name: str, *, language_code: str | None = "fi", user_id: int | None = None
    ) -> "SimulatedUser":
        """Add a person to Telegram and return them."""
        new_id = self.model.add_user(first_name, language_code=language_code, user_id=user_id)
        return SimulatedUser(self, new_id, first_name)

    async def process(self, update_data: dict[str, Any]) -> None:
        """Run one queued update through the Application and confirm it."""
        update = Update.de_json(update_data, self.application.bot)
        app = self.application
        before = asyncio.all_tasks()
        try:
            await app.update_processor.process_update(update, app.process_update(update))
            await _settle(before)
        finally:
            self.model.updates.confirm(update_data["update_id"])


async def _settle(before: set[asyncio.Task[Any]]) -> None:
    """Wait for the tasks PTB started while processing (block=False handlers, create_task)."""
    current = asyncio.current_task()
    while True:
        started = [
            task
            for task in asyncio.all_tasks() - before
            if task is not current and not task.done() and _started_by_ptb(task)
        ]
        if not started:
            return
        await asyncio.wait(started)


def _started_by_ptb(task: asyncio.Task[Any]) -> bool:
    # Application.create_task wraps every coroutine in this method; long-lived tasks (polling,
    # the job queue, other people's gather branches) are not wrapped and are left alone.
    return getattr(task.get_coro(), "__qualname__", "").endswith("__create_task_callback")


class SimulatedUser:
    """One person: types, presses buttons, sends files, and reads what the bot answered."""

    def __init__(self, simulator: TelegramSimulator, user_id: int, first_name: str) -> None:
        self.simulator = simulator
        self.model = simulator.model
        self.id = user_id
        self.first_name = first_name
        self._seen = 0
        self._last_query_id: str | None = None

    async def _act(self, update: dict[str, Any]) -> None:
        # The person's own message counts as seen; replies are what comes after it.
        self._seen = self.model.chat_length(self.id)
        await self.simulator.process(update)

    async def send(self, text: str) -> None:
        """Type text (or a /command) and wait until the bot is done with it."""
        await self._act(self.model.user_sends_text(self.id, text))

    async def send_photo(self, image: bytes, caption: str | None = None) -> None:
        """Send a photo and wait until the bot is done with it."""
        await self._act(self.model.user_sends_photo(self.id, image, caption))

    async def send_document(self, data: bytes, filename: str, mime_type: str) -> None:
        """Send a file and wait until the bot is done with it."""
        await self._act(self.model.user_sends_document(self.id, data, filename, mime_type))

    async def click(self, label: str) -> None:
        """Press the button with this label on the latest bot message that shows one."""
        message, button = self._latest_button(label)
        if "callback_data" not in button:
            raise AssertionError(f"button {label!r} opens {button}, it sends no callback")
        update = self.model.user_clicks(self.id, message.message_id, button["callback_data"])
        self._last_query_id = update["callback_query"]["id"]
        await self._act(update)

    def _latest_button(self, label: str) -> tuple[ChatMessage, dict[str, Any]]:
        """Return the latest visible bot message with a button so labelled, and the button."""
        for message in self._visible_newest_first():
            button = message.button(label)
            if button is not None:
                return message, button
        offered = [m.button_labels() for m in self._visible_bot_messages() if m.button_labels()]
        raise AssertionError(f"no button {label!r} in the chat; buttons shown: {offered}")

    async def click_on(self, message_id: int, label: str) -> None:
        """Press the button with this label on one particular (perhaps old) bot message."""
        message = next(m for m in self._visible_newest_first() if m.message_id == message_id)
        button = message.button(label)
        if button is None or "callback_data" not in button:
            raise AssertionError(f"message {message_id} has no button {label!r}")
        update = self.model.user_clicks(self.id, message_id, button["callback_data"])
        self._last_query_id = update["callback_query"]["id"]
        await self._act(update)

    def block_bot(self) -> None:
        """Block the bot, as a person does from the chat's menu."""
        self.model.block_bot(self.id)

    def _visible_bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.model.bot_messages(self.id) if not m.deleted]

    def _visible_newest_first(self) -> Iterator[ChatMessage]:
        # From the end of the chat: the whole history is long, what people look at is recent.
        return (m for m in self.model.latest_bot_messages(self.id) if not m.deleted)

    def last_reply(self) -> ChatMessage:
        """Return the latest bot message still in the chat, in its current (edited) state."""
        message = next(self._visible_newest_first(), None)
        if message is None:
            raise AssertionError(f"the bot has not written to {self.first_name}")
        return message

    def replies_since_last_action(self) -> list[ChatMessage]:
        """Return the bot messages that arrived after the person's last action."""
        return [
            m for m in self.model.chat_since(self.id, self._seen) if m.from_bot and not m.deleted
        ]

    def buttons(self) -> list[str]:
        """Return the labels of the inline buttons on the latest bot message."""
        message = next(self._visible_newest_first(), None)
        return message.button_labels() if message is not None else []

    def keyboard(self) -> list[str]:
        """Return the labels of the reply keyboard the client shows, if any."""
        markup = self.model.reply_keyboard(self.id)
        if markup is None:
            return []
        return [str(button["text"]) for row in markup["keyboard"] for button in row]

    def last_callback_answer(self) -> CallbackAnswer | None:
        """Return what the bot answered the last button press with, or None if it did not."""
        if self._last_query_id is None:
            return None
        return self.model.callback_queries[self._last_query_id].answer

    def callback_answers(self) -> list[CallbackAnswer]:
        """Return every answer the bot gave to this person's button presses, in order."""
        return [
            query.answer
            for query in self.model.callback_queries.values()
            if query.user_id == self.id and query.answer is not None
        ]


def png_image(width: int = 64, height: int = 48) -> bytes:
    """Return a valid, all-black PNG of the given size: a photo a person could send."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = (b"\x00" + b"\x00\x00\x00" * width) * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
