"""Editing a message the bot sent, as Telegram allows it."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import BadRequest


async def edit(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    """Change a message; False when Telegram refuses (the message changed or went).

    An edit that changes nothing (a double tap on a button) is no failure: Telegram answers
    "Message is not modified", and the message already says what it should.
    """
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as error:
        return "not modified" in error.message.lower()
    return True


async def edit_pressed(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Change the message whose button was pressed (False if it is out of the bot's reach)."""
    message = query.message
    return isinstance(message, Message) and await edit(message, text, markup)
