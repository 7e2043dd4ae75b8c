"""The private chats: who is in them, what was said, and the Bot API methods that write there."""

from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.errors import BotApiError, bad_request
from bot.sandbox.files import MAX_DOWNLOAD_BYTES, FileStore, StoredFile
from bot.sandbox.html_text import format_text
from bot.sandbox.markup import Markup, is_inline, parse_reply_markup, require_inline
from bot.sandbox.objects import CallbackAnswer, CallbackQueryState, ChatMessage, SimUser
from bot.sandbox.params import optional_str

Files = Mapping[str, tuple[str, bytes]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


class Messaging:
    """People's private chats with the bot and the methods that send, edit and delete there."""

    def __init__(
        self, *, bot_sender: dict[str, Any], files: FileStore, clock: Callable[[], float]
    ) -> None:
        self.bot_sender = bot_sender
        self.files = files
        self.clock = clock
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, list[ChatMessage]] = {}
        self.callback_queries: dict[str, CallbackQueryState] = {}

    def send_message(self, p: dict[str, Any], files: Files) -> dict[str, Any]:
        """Answer sendMessage: parse, check and deliver a text."""
        markup = parse_reply_markup(p.get("reply_markup"))
        raw = optional_str(p, "text") or ""
        text, entities = format_text(raw, optional_str(p, "parse_mode"), p.get("entities"))
        _check_text(text)
        user = self._recipient(p)
        message = self._post(user, text=text, html=raw, entities=entities, markup=markup, p=p)
        return self.message_json(message)

    def send_photo(self, p: dict[str, Any], files: Files) -> dict[str, Any]:
        """Answer sendPhoto: deliver an uploaded or known photo with its caption."""
        markup = parse_reply_markup(p.get("reply_markup"))
        raw, text, entities = self._caption(p)
        user = self._recipient(p)
        stored = self._input_file(p, files, "photo")
        message = self._post(
            user, text=text, html=raw, entities=entities, markup=markup, p=p,
            photo=[stored.photo_size()],
        )  # fmt: skip
        return self.message_json(message)

    def send_document(self, p: dict[str, Any], files: Files) -> dict[str, Any]:
        """Answer sendDocument: deliver an uploaded or known file with its caption."""
        markup = parse_reply_markup(p.get("reply_markup"))
        raw, text, entities = self._caption(p)
        user = self._recipient(p)
        stored = self._input_file(p, files, "document")
        message = self._post(
            user, text=text, html=raw, entities=entities, markup=markup, p=p,
            document=stored.document(),
        )  # fmt: skip
        return self.message_json(message)

    def edit_message_text(self, p: dict[str, Any], files: Files) -> dict[str, Any]:
        """Answer editMessageText: replace a bot message's text and keyboard in place."""
        markup = require_inline(parse_reply_markup(p.get("reply_markup")))
        raw = optional_str(p, "text") or ""
        text, entities = format_text(raw, optional_str(p, "parse_mode"), p.get("entities"))
        _check_text(text)
        message = self._editable(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        if (text, entities, markup) == (message.text, message.entities, _inline_of(message)):
            raise bad_request(NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.html, message.entities = text, raw, entities
        return self._mark_edited(message, markup)

    def edit_message_reply_markup(self, p: dict[str, Any], files: Files) -> dict[str, Any]:
        """Answer editMessageReplyMarkup: replace or remove a message's keyboard."""
        markup = require_inline(parse_reply_markup(p.get("reply_markup")))
        message = self._editable(p)
        if markup == _inline_of(message):
            raise bad_request(NOT_MODIFIED)
        return self._mark_edited(message, markup)

    def _mark_edited(self, message: ChatMessage, markup: Markup | None) -> dict[str, Any]:
        # Leaving reply_markup out of an edit removes the keyboard, as in Telegram.
        message.reply_markup = markup
        message.edited = True
        message.edit_date = int(self.clock())
        return self.message_json(message)

    def delete_message(self, p: dict[str, Any], files: Files) -> bool:
        """Answer deleteMessage: remove a message from the chat."""
        chat = self._chat_messages(p)
        message = self._find(chat, p, "message to delete not found")
        message.deleted = True
        return True

    def answer_callback_query(self, p: dict[str, Any], files: Files) -> bool:
        """Answer answerCallbackQuery: record what the button press showed."""
        query = self.callback_queries.get(optional_str(p, "callback_query_id") or "")
        if query is None or query.answer is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = optional_str(p, "text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = CallbackAnswer(
            callback_query_id=query.id,
            text=text,
            show_alert=bool(p.get("show_alert", False)),
            url=optional_str(p, "url"),
            cache_time=int(p.get("cache_time", 0)),
        )
        return True

    def get_file(self, p: dict[str, Any], files: Files) -> dict[str, Any]:
        """Answer getFile: the File object with the path to download from."""
        file_id = optional_str(p, "file_id")
        if not file_id:
            raise bad_request("file_id not specified")
        try:
            stored = self.files.get(file_id)
        except BotApiError:
            raise bad_request("invalid file_id") from None
        if stored.file_size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return stored.file_object()

    def send_chat_action(self, p: dict[str, Any], files: Files) -> bool:
        """Answer sendChatAction: check the action and the chat."""
        action = (optional_str(p, "action") or "").strip().lower()
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self._recipient(p)
        return True

    # -- helpers ---------------------------------------------------------------------------------

    def is_private_chat(self, chat_id: object) -> bool:
        """Tell whether chat_id is a known person's private chat."""
        return isinstance(chat_id, int) and chat_id in self.users

    def chat_user(self, p: Mapping[str, Any]) -> SimUser:
        """Return the person whose private chat chat_id names."""
        chat_id = p.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int) or chat_id not in self.users:
            raise bad_request("chat not found")
        return self.users[chat_id]

    def _recipient(self, p: Mapping[str, Any]) -> SimUser:
        """Return the person a message goes to, refusing the ones Telegram refuses."""
        user = self.chat_user(p)
        if user.blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        if not user.started:
            raise BotApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return user

    def _chat_messages(self, p: Mapping[str, Any]) -> list[ChatMessage]:
        return self.chats[self.chat_user(p).id]

    def _find(self, chat: list[ChatMessage], p: Mapping[str, Any], missing: str) -> ChatMessage:
        message_id = p.get("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        if not isinstance(message_id, int) or not 1 <= message_id <= len(chat):
            raise bad_request(missing)
        message = chat[message_id - 1]
        if message.deleted:
            raise bad_request(missing)
        return message

    def _editable(self, p: Mapping[str, Any]) -> ChatMessage:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not modelled
        message = self._find(self._chat_messages(p), p, "message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _caption(self, p: Mapping[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
        raw = optional_str(p, "caption") or ""
        text, entities = format_text(raw, optional_str(p, "parse_mode"), p.get("caption_entities"))
        if len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return raw, text, entities

    def _input_file(self, p: Mapping[str, Any], files: Files, field: str) -> StoredFile:
        """Resolve an upload, an attach:// reference or a file_id into a stored file."""
        value = p.get(field)
        if isinstance(value, str) and value.strip() and not value.startswith("attach://"):
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")  # no fetching in the sandbox
            stored = self.files.get(value)
            if stored.kind != field:
                raise bad_request("type of file mismatch")
            return stored
        part = value[len("attach://") :] if isinstance(value, str) and value else field
        upload = files.get(part)
        if upload is None:
            raise bad_request(f"there is no {field} in the request")
        filename, data = upload
        if field == "photo":
            return self.files.add_photo(data, strict=True)
        return self.files.add_document(data, filename or "file", None)

    def _post(
        self,
        user: SimUser,
        *,
        text: str,
        html: str,
        entities: list[dict[str, Any]],
        markup: Markup | None,
        p: Mapping[str, Any],
        photo: list[dict[str, Any]] | None = None,
        document: dict[str, Any] | None = None,
    ) -> ChatMessage:
        """Append a message from the bot, with the reply it answers and its keyboard."""
        reply_to = self._reply_target(user, p)
        message = self.append(
            user, from_bot=True, text=text, html=html, entities=entities, markup=markup,
            photo=photo, document=document, reply_to=reply_to,
        )  # fmt: skip
        if markup is not None and "keyboard" in markup:
            user.reply_keyboard = markup
        elif markup is not None and "remove_keyboard" in markup:
            user.reply_keyboard = None
        return message

    def _reply_target(self, user: SimUser, p: Mapping[str, Any]) -> int | None:
        reply = p.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, allow = reply.get("message_id"), reply.get("allow_sending_without_reply")
        else:
            message_id, allow = p.get("reply_to_message_id"), p.get("allow_sending_without_reply")
        if message_id is None:
            return None
        chat = self.chats[user.id]
        if (
            isinstance(message_id, int)
            and 0 < message_id <= len(chat)
            and not chat[message_id - 1].deleted
        ):
            return message_id
        if allow:
            return None
        raise bad_request("message to be replied not found")

    def append(
        self,
        user: SimUser,
        *,
        from_bot: bool,
        text: str,
        html: str,
        entities: list[dict[str, Any]],
        markup: Markup | None = None,
        photo: list[dict[str, Any]] | None = None,
        document: dict[str, Any] | None = None,
        reply_to: int | None = None,
    ) -> ChatMessage:
        """Append a message from either side to a private chat."""
        chat = self.chats[user.id]
        message = ChatMessage(
            message_id=len(chat) + 1,
            chat_id=user.id,
            from_bot=from_bot,
            date=int(self.clock()),
            sender=dict(self.bot_sender) if from_bot else user.to_json(),
            chat=user.chat_json(),
            text=text,
            html=html,
            entities=entities,
            reply_markup=markup,
            photo=photo,
            document=document,
            reply_to_message_id=reply_to,
        )
        chat.append(message)
        return message

    def message_json(self, message: ChatMessage) -> dict[str, Any]:
        """Return the Message object for a message, with the one it replies to."""
        reply_to = None
        if message.reply_to_message_id is not None:
            reply_to = self.chats[message.chat_id][message.reply_to_message_id - 1]
        return message.to_json(reply_to)


def _check_text(text: str) -> None:
    if not text:
        raise bad_request("message text is empty")
    if len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def _inline_of(message: ChatMessage) -> Markup | None:
    # A reply keyboard sent along is not part of the message; edits compare inline ones only.
    return message.reply_markup if is_inline(message.reply_markup) else None
