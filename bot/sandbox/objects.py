"""People, their private chats with the bot, and the messages in them as both sides see them."""

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.json_copy import copy_json
from bot.sandbox.markup import Markup, inline_buttons, is_inline


@dataclass
class SimUser:
    """A person who talks to the bot in a private chat."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False
    # False until the person opens the chat; Telegram refuses to let a bot write first.
    started: bool = True
    reply_keyboard: Markup | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name) is not None:
                user[name] = getattr(self, name)
        return user

    def chat_json(self) -> dict[str, Any]:
        """Return the Chat object of this person's private chat with the bot."""
        chat: dict[str, Any] = {"id": self.id, "first_name": self.first_name}
        for name in ("last_name", "username"):
            if getattr(self, name) is not None:
                chat[name] = getattr(self, name)
        chat["type"] = "private"
        return chat


@dataclass
class ChatMessage:
    """One message in a private chat, in its current state.

    `text` is what the person reads (the plain text, or a photo's or document's caption);
    `html` is the text exactly as it was sent, markup and all.
    """

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    sender: dict[str, Any] = field(repr=False)
    chat: dict[str, Any] = field(repr=False)
    text: str = ""
    html: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: Markup | None = None
    photo: list[dict[str, Any]] | None = None
    document: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    deleted: bool = False
    edited: bool = False
    edit_date: int | None = None
    history: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """Return "photo", "document" or "text"."""
        if self.photo is not None:
            return "photo"
        return "document" if self.document is not None else "text"

    @property
    def file_id(self) -> str | None:
        """Return the file_id of the largest photo size or of the document, if any."""
        if self.photo:
            return str(self.photo[-1]["file_id"])
        return None if self.document is None else str(self.document["file_id"])

    def button_labels(self) -> list[str]:
        """Return the labels of the inline buttons, row by row."""
        return [str(button["text"]) for button in inline_buttons(self.reply_markup)]

    def button(self, label: str) -> dict[str, Any] | None:
        """Return the inline button with this label, or None."""
        for button in inline_buttons(self.reply_markup):
            if button["text"] == label:
                return button
        return None

    def to_json(self, reply_to: "ChatMessage | None" = None) -> dict[str, Any]:
        """Return the Message object Telegram sends for this message."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": dict(self.sender),
            "chat": dict(self.chat),
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if reply_to is not None:
            message["reply_to_message"] = reply_to.to_json()
        if self.kind == "text":
            message["text"] = self.text
            if self.entities:
                message["entities"] = copy_json(self.entities)
        else:
            if self.photo is not None:
                message["photo"] = copy_json(self.photo)
            if self.document is not None:
                message["document"] = dict(self.document)
            if self.text:
                message["caption"] = self.text
            if self.entities:
                message["caption_entities"] = copy_json(self.entities)
        # A Message carries only an inline keyboard back; reply keyboards stay in the client.
        if is_inline(self.reply_markup):
            message["reply_markup"] = copy_json(self.reply_markup)
        return message


@dataclass
class ApiCall:
    """One Bot API call the bot made, with its parameters parsed."""

    method: str
    params: dict[str, Any]
    time: float
    error: Exception | None = None


@dataclass
class CallbackAnswer:
    """What answerCallbackQuery showed the person who pressed a button."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class CallbackQueryState:
    """A button press waiting for, or having had, its answer."""

    id: str
    user_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None
