"""An in-memory Telegram seen from a bot: people, private chats, messages, buttons and files.

One model, two doors: the Bot API emulator serves it over HTTP and tests reach it through a
fake PTB transport. Both hand `handle` a method name and its parameters the way they arrive over
HTTP (strings, objects as JSON) and get back the `result` Telegram would send, or a BotApiError.
People act through the `user_*` methods, which queue the updates the bot will receive.
"""

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import BotApiError, RefusedByTelegram, check_user_text
from bot.sandbox.files import FileStore, StoredFile
from bot.sandbox.html_text import bot_command_entities, trim
from bot.sandbox.json_copy import copy_json
from bot.sandbox.markup import Markup, inline_buttons
from bot.sandbox.messaging import MAX_CAPTION, MAX_TEXT, Files, Messaging
from bot.sandbox.objects import ApiCall, CallbackAnswer, CallbackQueryState, ChatMessage, SimUser
from bot.sandbox.params import normalise
from bot.sandbox.profile import BotProfile, scope_key
from bot.sandbox.updates import UpdateQueue

__all__ = [
    "ApiCall",
    "BotApiError",
    "CallbackAnswer",
    "CallbackQueryState",
    "ChatMessage",
    "SimUser",
    "StoredFile",
    "TelegramModel",
]

_LOG = logging.getLogger(__name__)

_Handler = Callable[[dict[str, Any], Files], Any]


@dataclass
class _Fault:
    method: str | None
    error: BotApiError
    remaining: int


class TelegramModel:
    """Telegram's Bot API for one bot, with simulated people on the other side."""

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        bot_username: str = "kaikubot_sandbox_bot",
        bot_first_name: str = "Kaikubot",
        token: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.token = token
        self.clock = clock
        self.files = FileStore()
        self.messaging = Messaging(bot_sender=self._bot_sender(), files=self.files, clock=clock)
        # The same dicts as the messaging side's, for tests to look into.
        self.users = self.messaging.users
        self.callback_queries = self.messaging.callback_queries
        self.profile = BotProfile(bot_first_name, self.messaging.is_private_chat)
        self.updates = UpdateQueue()
        self.calls: list[ApiCall] = []
        self.unknown_methods: list[str] = []
        self._faults: list[_Fault] = []
        self._next_user_id = 100001
        self._handlers: dict[str, _Handler] = {
            "getMe": lambda p, f: self.bot_user(),
            "logOut": lambda p, f: True,
            "close": lambda p, f: True,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self.messaging.send_message,
            "editMessageText": self.messaging.edit_message_text,
            "editMessageReplyMarkup": self.messaging.edit_message_reply_markup,
            "deleteMessage": self.messaging.delete_message,
            "answerCallbackQuery": self.messaging.answer_callback_query,
            "sendPhoto": self.messaging.send_photo,
            "sendDocument": self.messaging.send_document,
            "getFile": self.messaging.get_file,
            "sendChatAction": self.messaging.send_chat_action,
            "setMyCommands": lambda p, f: self.profile.set_commands(p),
            "getMyCommands": lambda p, f: self.profile.get_commands(p),
            "deleteMyCommands": lambda p, f: self.profile.delete_commands(p),
            "setMyName": lambda p, f: self.profile.set_text("name", p),
            "getMyName": lambda p, f: self.profile.get_text("name", p),
            "setMyDescription": lambda p, f: self.profile.set_text("description", p),
            "getMyDescription": lambda p, f: self.profile.get_text("description", p),
            "setMyShortDescription": lambda p, f: self.profile.set_text("short_description", p),
            "getMyShortDescription": lambda p, f: self.profile.get_text("short_description", p),
            "setChatMenuButton": lambda p, f: self.profile.set_menu_button(p),
            "getChatMenuButton": lambda p, f: self.profile.get_menu_button(p),
        }
        self._canonical = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

    # -- the bot's door ------------------------------------------------------------------------

    def check_token(self, token: str) -> None:
        """Refuse a token other than the model's, when the model has one."""
        if self.token is not None and token != self.token:
            raise BotApiError(401, "Unauthorized")

    def handle(self, method: str, params: Mapping[str, Any], files: Files | None = None) -> Any:
        """Run one Bot API method and return its result; getUpdates never waits here."""
        name, call = self._begin(method, params)
        try:
            if name == "getUpdates":
                return self.updates.take(call.params)
            return self._handlers[name](call.params, files or {})
        except BotApiError as error:
            call.error = error
            raise

    async def handle_async(
        self, method: str, params: Mapping[str, Any], files: Files | None = None
    ) -> Any:
        """Run one Bot API method as over the network: getUpdates long-polls."""
        if self._canonical.get(method.lower()) != "getUpdates":
            return self.handle(method, params, files)
        _, call = self._begin(method, params)
        try:
            return await self.updates.wait_and_take(call.params)
        except BotApiError as error:
            call.error = error
            raise

    async def get_updates(
        self,
        *,
        offset: int | None,
        limit: int = 100,
        timeout: float = 0,  # noqa: ASYNC109 (getUpdates' own long-poll parameter)
        allowed_updates: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Confirm updates below offset and return pending ones, waiting up to timeout seconds."""
        params: dict[str, Any] = {"offset": offset, "limit": limit, "timeout": timeout}
        if allowed_updates is not None:
            params["allowed_updates"] = allowed_updates
        return await self.updates.wait_and_take(params)

    def _begin(self, method: str, params: Mapping[str, Any]) -> tuple[str, ApiCall]:
        """Record the call, then apply injected faults, unknown methods and parameter parsing."""
        known = self._canonical.get(method.lower())
        name = known or method
        call = ApiCall(method=name, params=dict(params), time=self.clock())
        self.calls.append(call)
        fault = self._take_fault(name)
        if fault is not None:
            # Parsed like any other call, so that tests find a failed call by its parameters.
            with contextlib.suppress(BotApiError):
                call.params = normalise(params)
            call.error = fault
            raise fault
        if known is None:
            # Loud on purpose: a method the model lacks must not pass unnoticed in tests.
            self.unknown_methods.append(name)
            _LOG.error("The Telegram model does not implement %s; answering 404", name)
            call.error = BotApiError(404, "Not Found")
            raise call.error
        try:
            call.params = normalise(params)
        except BotApiError as error:
            call.error = error
            raise
        return name, call

    def fail_next(self, method: str | None, error: BotApiError, count: int = 1) -> None:
        """Make the next `count` calls of method (of any method when None) fail with error."""
        canonical = None if method is None else self._canonical.get(method.lower(), method)
        self._faults.append(_Fault(canonical, error, count))

    def _take_fault(self, name: str) -> BotApiError | None:
        for fault in self._faults:
            if fault.method in (None, name):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault.error.copy()
        return None

    def bot_user(self) -> dict[str, Any]:
        """Return the bot's User object, as getMe answers."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _bot_sender(self) -> dict[str, Any]:
        """Return the bot as the `from` of its messages, without getMe's capability fields."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # -- methods -------------------------------------------------------------------------------

    def _delete_webhook(self, p: dict[str, Any], files: Files) -> bool:
        if p.get("drop_pending_updates"):
            self.updates.drop_pending()
        return True

    def _get_webhook_info(self, p: dict[str, Any], files: Files) -> dict[str, Any]:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates.pending),
        }

    # -- people --------------------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        language_code: str | None = "fi",
        username: str | None = None,
        user_id: int | None = None,
        last_name: str | None = None,
        started: bool = True,
    ) -> int:
        """Add a person; started=False is one who never opened the bot. Return the user id."""
        if user_id is None:
            while self._next_user_id in self.users:
                self._next_user_id += 1
            user_id = self._next_user_id
        if user_id in self.users:
            raise ValueError(f"user {user_id} exists already")
        self.users[user_id] = SimUser(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            started=started,
        )
        self.messaging.chats[user_id] = []
        return user_id

    def _acting(self, user_id: int) -> SimUser:
        """Return the person acting; writing to the bot opens and unblocks the chat."""
        user = self.users.get(user_id)
        if user is None:
            raise ValueError(f"no user {user_id}; add_user first")
        user.started, user.blocked = True, False
        return user

    def user_sends_text(self, user_id: int, text: str) -> dict[str, Any]:
        """Queue a text message (a /command gets its bot_command entity) and return the update."""
        text, _ = trim(text, [])
        check_user_text(text, MAX_TEXT)
        user = self._acting(user_id)
        keyboard = user.reply_keyboard
        if keyboard is not None and keyboard.get("one_time_keyboard"):
            labels = {button["text"] for row in keyboard["keyboard"] for button in row}
            if text in labels:
                user.reply_keyboard = None  # the client hides a one-time keyboard once used
        message = self.messaging.append(
            user, from_bot=False, text=text, html=text, entities=bot_command_entities(text)
        )
        return self.updates.push({"message": self.messaging.message_json(message)})

    def user_sends_photo(
        self, user_id: int, image: bytes, caption: str | None = None
    ) -> dict[str, Any]:
        """Queue a photo with an optional caption and return the update."""
        text, entities = self._user_caption(caption)
        user = self._acting(user_id)
        stored = self.files.add_photo(image, strict=False)
        message = self.messaging.append(
            user, from_bot=False, text=text, html=caption or "", entities=entities,
            photo=[stored.photo_size()],
        )  # fmt: skip
        return self.updates.push({"message": self.messaging.message_json(message)})

    def user_sends_document(
        self, user_id: int, data: bytes, filename: str, mime_type: str
    ) -> dict[str, Any]:
        """Queue a document and return the update."""
        user = self._acting(user_id)
        stored = self.files.add_document(data, filename, mime_type)
        message = self.messaging.append(
            user, from_bot=False, text="", html="", entities=[], document=stored.document()
        )
        return self.updates.push({"message": self.messaging.message_json(message)})

    def _user_caption(self, caption: str | None) -> tuple[str, list[dict[str, Any]]]:
        text, _ = trim(caption or "", [])
        check_user_text(text, MAX_CAPTION, what="message caption")
        return text, bot_command_entities(text)

    def user_clicks(self, user_id: int, message_id: int, callback_data: str) -> dict[str, Any]:
        """Queue the callback query of pressing a button and return the update."""
        message = self._visible_bot_message(user_id, message_id)
        offered = {b.get("callback_data") for b in inline_buttons(message.reply_markup)} - {None}
        if callback_data not in offered:
            raise RefusedByTelegram(
                f"message {message_id} has no button with callback_data {callback_data!r}; "
                f"it has {sorted(map(str, offered))}"
            )
        return self._callback_query(user_id, message, callback_data)

    def user_clicks_data(self, user_id: int, message_id: int, callback_data: str) -> dict[str, Any]:
        """Queue a callback query with any data, as a modified client could forge it."""
        return self._callback_query(
            user_id, self._visible_bot_message(user_id, message_id), callback_data
        )

    def _visible_bot_message(self, user_id: int, message_id: int) -> ChatMessage:
        chat = self.messaging.chats[self._existing(user_id).id]
        message = chat[message_id - 1] if 1 <= message_id <= len(chat) else None
        if message is None or message.deleted or not message.from_bot:
            raise RefusedByTelegram(f"user {user_id} sees no bot message {message_id}")
        return message

    def _callback_query(self, user_id: int, message: ChatMessage, data: str) -> dict[str, Any]:
        user = self._acting(user_id)
        query_id = str(4_100_000_000_000_000 + len(self.callback_queries) + 1)
        self.callback_queries[query_id] = CallbackQueryState(
            id=query_id, user_id=user.id, message_id=message.message_id, data=data
        )
        return self.updates.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_json(),
                    "message": self.messaging.message_json(message),
                    "chat_instance": str(-(8_000_000_000_000 + user.id)),
                    "data": data,
                }
            }
        )

    def block_bot(self, user_id: int) -> None:
        """Let the person block the bot: sending to them fails with 403 from now on."""
        self._existing(user_id).blocked = True

    def unblock_bot(self, user_id: int) -> None:
        """Let the person unblock the bot."""
        self._existing(user_id).blocked = False

    def _existing(self, user_id: int) -> SimUser:
        if user_id not in self.users:
            raise ValueError(f"no user {user_id}; add_user first")
        return self.users[user_id]

    # -- what tests look at --------------------------------------------------------------------

    @property
    def blocked(self) -> set[int]:
        """Return the ids of people who blocked the bot."""
        return {user.id for user in self.users.values() if user.blocked}

    def chat(self, user_id: int) -> list[ChatMessage]:
        """Return the private chat with a person, both sides in order, deleted ones flagged."""
        return list(self._chat(user_id))

    def chat_length(self, user_id: int) -> int:
        """Return how many messages the chat with a person holds, deleted ones included."""
        return len(self._chat(user_id))

    def chat_since(self, user_id: int, start: int) -> list[ChatMessage]:
        """Return the chat with a person from its start-th message (0-based) on."""
        return self._chat(user_id)[start:]

    def bot_messages(self, user_id: int) -> list[ChatMessage]:
        """Return the bot's messages in the chat with a person, deleted ones flagged."""
        return [message for message in self._chat(user_id) if message.from_bot]

    def latest_bot_messages(self, user_id: int) -> Iterator[ChatMessage]:
        """Yield the bot's messages in the chat with a person newest first, deleted ones flagged."""
        # Lazily from the end: callers want the last few of a history that only grows.
        return (message for message in reversed(self._chat(user_id)) if message.from_bot)

    def _chat(self, user_id: int) -> list[ChatMessage]:
        """Return the model's own list of a chat's messages, not a copy."""
        self._existing(user_id)
        return self.messaging.chats[user_id]

    def commands_for(
        self, scope: dict[str, Any] | None = None, language_code: str | None = None
    ) -> list[dict[str, str]]:
        """Return the command list set for exactly this scope and language."""
        return [
            dict(c) for c in self.profile.commands.get((scope_key(scope), language_code or ""), [])
        ]

    def commands_seen_by(self, user_id: int) -> list[dict[str, str]]:
        """Return the command list a person's client shows, resolved as Telegram resolves it."""
        user = self._existing(user_id)
        scopes: list[dict[str, Any] | None] = [
            {"type": "chat", "chat_id": user.id},
            {"type": "all_private_chats"},
            None,
        ]
        for scope in scopes:
            for language in (user.language_code or "", ""):
                commands = self.commands_for(scope, language)
                if commands:
                    return commands
        return []

    def reply_keyboard(self, user_id: int) -> Markup | None:
        """Return the reply keyboard the person's client currently shows, if any."""
        return copy_json(self._existing(user_id).reply_keyboard)

    def unanswered_callback_queries(self) -> list[CallbackQueryState]:
        """Return button presses the bot never answered (the client shows a spinner)."""
        return [query for query in self.callback_queries.values() if query.answer is None]

    def file(self, file_id: str) -> StoredFile:
        """Return a stored file by file_id."""
        return self.files.get(file_id)

    def file_bytes(self, file_path: str) -> bytes:
        """Return the bytes behind a file_path from getFile, as the file server does."""
        return self.files.by_path(file_path).data
