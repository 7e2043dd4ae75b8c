"""The bot, with replies whose answer from Telegram is never read back into objects.

python-telegram-bot turns what every sendMessage and editMessageText returns into a Message
(its text, entities and whole keyboard), and turns a keyboard into JSON by reflection over
every button. For a step of the issuing form, which reads neither, that was about a fifth of
the step's cost. These methods send the same request (same method, same parameters, through
the same rate limiter and error mapping) and return nothing.

A keyboard of callback buttons can be given as plain `Button` rows (`Keyboard`): building
PTB's frozen InlineKeyboardButton objects cost a form's question more than its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ExtBot

JSONDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Button:
    """A callback button: its label and the data Telegram sends back when it is pressed."""

    text: str
    callback_data: str


# Rows of buttons, as a reply's keyboard.
Keyboard = list[list[Button]]
Markup = InlineKeyboardMarkup | Keyboard


class KaikuBot(ExtBot[Any]):
    """PTB's ExtBot plus send_and_forget and edit_and_forget."""

    async def send_and_forget(self, chat_id: int, text: str, markup: Markup | None = None) -> None:
        """sendMessage, not reading the sent message back."""
        await self._post(
            "sendMessage",
            {"chat_id": chat_id, "text": text, "reply_markup": keyboard_json(markup)},
        )

    async def edit_and_forget(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        markup: Markup | None = None,
    ) -> None:
        """editMessageText, not reading the edited message back; no markup removes the buttons."""
        await self._post(
            "editMessageText",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "reply_markup": keyboard_json(markup),
            },
        )

    async def answer_and_forget(self, callback_query_id: str) -> None:
        """answerCallbackQuery with nothing to show: the button stops spinning."""
        await self._post("answerCallbackQuery", {"callback_query_id": callback_query_id})


def keyboard_json(markup: Markup | None) -> JSONDict | None:
    """The keyboard as the Bot API's JSON object (no keyboard, or an empty one: None)."""
    if not markup:
        return None
    if isinstance(markup, list):
        return {
            "inline_keyboard": [
                [{"text": button.text, "callback_data": button.callback_data} for button in row]
                for row in markup
            ]
        }
    return {
        "inline_keyboard": [
            [_button_json(button) for button in row] for row in markup.inline_keyboard
        ]
    }


def _button_json(button: InlineKeyboardButton) -> JSONDict:
    # A button has its label and exactly one action; a callback button's JSON is just the two.
    # Any other kind goes through PTB's own (slower) to_dict.
    if isinstance(button.callback_data, str):
        return {"text": button.text, "callback_data": button.callback_data}
    return button.to_dict()
