"""The bot, with replies whose answer from Telegram is never read back into objects.

python-telegram-bot turns what every sendMessage and editMessageText returns into a Message
(its text, entities and whole keyboard), and turns a keyboard into JSON by reflection over
every button. For a step of the issuing form, which reads neither, that was about a fifth of
the step's cost. These methods send the same request (same method, same parameters, through
the same rate limiter and error mapping) and return nothing.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ExtBot

JSONDict = dict[str, Any]


class KaikuBot(ExtBot[Any]):
    """PTB's ExtBot plus send_and_forget and edit_and_forget."""

    async def send_and_forget(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
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
        markup: InlineKeyboardMarkup | None = None,
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


def keyboard_json(markup: InlineKeyboardMarkup | None) -> JSONDict | None:
    """The keyboard as the Bot API's JSON object."""
    if markup is None:
        return None
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
