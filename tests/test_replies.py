"""Replies sent without reading Telegram's answer back: the same requests as PTB's own."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.context import KaikuApplication
from bot.replies import Button, keyboard_json
from bot.sandbox.telegram_model import TelegramModel

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="y"),
            InlineKeyboardButton("No", callback_data="n"),
        ],
        [InlineKeyboardButton("Guideline", url="https://example.org/guideline")],
    ]
)


def test_the_keyboard_is_what_ptb_itself_would_send() -> None:
    assert keyboard_json(KEYBOARD) == KEYBOARD.to_dict()
    assert keyboard_json(None) is None


def test_plain_button_rows_make_the_keyboard_ptb_would_send_for_them() -> None:
    rows = [[Button("Yes", "y"), Button("No", "n")], [Button("Skip", "s")]]
    same = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(button.text, callback_data=button.callback_data)
                for button in row
            ]
            for row in rows
        ]
    )
    assert keyboard_json(rows) == same.to_dict()
    assert keyboard_json([]) is None


async def test_a_message_is_sent_and_edited_and_loses_its_buttons(
    app: KaikuApplication, telegram: TelegramModel
) -> None:
    person = telegram.add_user("Ilona")
    await app.bot.send_and_forget(person, "Is it so?", KEYBOARD)
    [sent] = telegram.bot_messages(person)
    assert sent.text == "Is it so?"
    assert sent.button_labels() == ["Yes", "No", "Guideline"]
    assert sent.button("Guideline") == {"text": "Guideline", "url": "https://example.org/guideline"}

    await app.bot.edit_and_forget(person, sent.message_id, "It is so.\n\n→ Yes")

    [edited] = telegram.bot_messages(person)
    assert (edited.message_id, edited.text, edited.edited) == (
        sent.message_id,
        "It is so.\n\n→ Yes",
        True,
    )
    assert edited.button_labels() == []


async def test_telegrams_refusal_reaches_the_caller_as_ptbs_error(
    app: KaikuApplication, telegram: TelegramModel
) -> None:
    person = telegram.add_user("Ilona")
    with pytest.raises(BadRequest):
        await app.bot.edit_and_forget(person, 999_999, "There is no such message.")


async def test_a_button_press_is_answered_without_a_text(
    app: KaikuApplication, telegram: TelegramModel
) -> None:
    person = telegram.add_user("Ilona")
    await app.bot.send_and_forget(person, "Is it so?", [[Button("Yes", "y")]])
    [sent] = telegram.bot_messages(person)
    query_id = telegram.user_clicks(person, sent.message_id, "y")["callback_query"]["id"]

    await app.bot.answer_and_forget(query_id)

    assert telegram.unanswered_callback_queries() == []
    answer = telegram.callback_queries[query_id].answer
    assert answer is not None
    assert (answer.text, answer.show_alert) == (None, False)
