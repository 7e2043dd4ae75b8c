"""A question refused for identifying a client is deleted from the chat, and the asker told so."""

from __future__ import annotations

import pytest

from bot.sandbox.telegram_model import TelegramModel
from tests.support.simulator import SimulatedUser

DELETED = "I deleted your message from this chat so that it is not kept here."


@pytest.mark.parametrize(
    "question",
    [
        "/ask may I write 131052-308T on the form?",
        "/ask can I send the card to anna.virtanen@example.com?",
        "her number is 040 123 4567, can she get a card?",
    ],
)
async def test_a_refused_question_is_deleted_from_the_chat(
    ian: SimulatedUser, telegram: TelegramModel, question: str
) -> None:
    await ian.send(question)

    assert ian.last_reply().text.endswith(DELETED)
    sent = [m for m in telegram.chat(ian.id) if not m.from_bot and m.text == question]
    assert [m.deleted for m in sent] == [True]


async def test_an_ordinary_question_stays_in_the_chat(
    ian: SimulatedUser, telegram: TelegramModel
) -> None:
    await ian.send("/ask who can get a card?")

    assert DELETED not in ian.last_reply().text
    sent = [m for m in telegram.chat(ian.id) if not m.from_bot]
    assert [m.deleted for m in sent] == [False]
