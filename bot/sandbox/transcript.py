"""What the sandbox console has shown of the chats, and the lines for whatever is new since.

Bot messages are printed with their inline buttons numbered per message (`[1] Yes  [2] No`,
one keyboard row a line); edits and deletions of earlier messages are printed again, marked.
Messages to a persona other than the current one name the recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.markup import inline_buttons, is_inline
from bot.sandbox.telegram_model import ChatMessage, TelegramModel


@dataclass(frozen=True)
class _Shown:
    """A message as it was last printed."""

    text: str
    rows: tuple[tuple[str, ...], ...]
    deleted: bool


class Transcript:
    """Remembers what was printed; `news` returns the lines for what changed since."""

    def __init__(self, model: TelegramModel, names: dict[int, str]) -> None:
        self.model = model
        self.names = names
        self._shown: dict[tuple[int, int], _Shown] = {}
        self._answered: set[str] = set()
        self._keyboards: dict[int, tuple[str, ...]] = {}

    def news(self, current_user: int) -> list[str]:
        """Lines for answers to button presses, new bot messages and changed ones, in order."""
        lines: list[str] = []
        for query in self.model.callback_queries.values():
            if query.answer is None or query.id in self._answered:
                continue
            self._answered.add(query.id)
            if query.answer.text:
                kind = "alert" if query.answer.show_alert else "notice"
                head = self._speaker(f"bot ({kind})", query.user_id, current_user)
                lines += _block(head, (), query.answer.text)
        for user_id in self._chat_order(current_user):
            for message in self.model.bot_messages(user_id):
                lines += self._changes(message, current_user)
            lines += self._keyboard_change(user_id, current_user)
        return lines

    def _keyboard_change(self, user_id: int, current_user: int) -> list[str]:
        """A line when the reply keyboard under the person's text field changed."""
        markup = self.model.reply_keyboard(user_id)
        labels = tuple(
            str(button["text"]) for row in (markup or {}).get("keyboard", []) for button in row
        )
        if labels == self._keyboards.get(user_id, ()):
            return []
        self._keyboards[user_id] = labels
        head = self._speaker("keyboard", user_id, current_user)
        return [head + (" | ".join(labels) if labels else "(removed)")]

    def _chat_order(self, current_user: int) -> list[int]:
        others = [user for user in self.model.users if user != current_user]
        return [current_user, *others]

    def _changes(self, message: ChatMessage, current_user: int) -> list[str]:
        key = (message.chat_id, message.message_id)
        shown = _Shown(_content(message), _rows(message), message.deleted)
        before = self._shown.get(key)
        if before == shown:
            return []
        self._shown[key] = shown
        if message.deleted:
            if before is None:
                return []  # sent and deleted between two looks: never seen
            head = self._speaker("bot (deleted)", message.chat_id, current_user)
            return [head + _first_line(before.text)]
        label = "bot" if before is None else "bot (edited)"
        return _block(self._speaker(label, message.chat_id, current_user), shown.rows, shown.text)

    def _speaker(self, label: str, user_id: int, current_user: int) -> str:
        if user_id == current_user:
            return f"{label}: "
        return f"{label} → {self.names.get(user_id, str(user_id))}: "

    def buttons(self, user_id: int) -> tuple[int, list[dict[str, Any]]] | None:
        """The latest visible bot message in a chat that has inline buttons, and its buttons."""
        for message in self.model.latest_bot_messages(user_id):
            buttons = inline_buttons(message.reply_markup)
            if buttons and not message.deleted:
                return message.message_id, buttons
        return None


def _block(head: str, rows: tuple[tuple[str, ...], ...], text: str) -> list[str]:
    """The text after the head, later lines indented under it, then the numbered buttons."""
    indent = " " * len(head)
    lines = [(head if index == 0 else indent) + line for index, line in enumerate(text.split("\n"))]
    number = 0
    for row in rows:
        labels = []
        for label in row:
            number += 1
            labels.append(f"[{number}] {label}")
        lines.append(indent + "  ".join(labels))
    return [line.rstrip() for line in lines]


def _content(message: ChatMessage) -> str:
    if message.photo:
        size = message.photo[-1]
        prefix = f"[photo {size.get('width', 0)}×{size.get('height', 0)}]"
    elif message.document is not None:
        name = message.document.get("file_name", "file")
        prefix = f"[file {name}, {message.document.get('file_size', 0)} bytes]"
    else:
        return message.text
    return f"{prefix} {message.text}".rstrip()


def _rows(message: ChatMessage) -> tuple[tuple[str, ...], ...]:
    if not is_inline(message.reply_markup):
        return ()
    assert message.reply_markup is not None
    keyboard = message.reply_markup["inline_keyboard"]
    return tuple(tuple(str(button["text"]) for button in row) for row in keyboard)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]
