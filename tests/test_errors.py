"""One error handler: it logs without secrets and tells the person in their language."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import MessageHandler, filters

from bot.access import handles
from bot.audience import PEOPLE
from bot.context import BotContext, KaikuApplication
from storage import people
from storage.models import Role
from tests.support.network import Network, add_person
from tests.support.simulator import TelegramSimulator

SECRET_TEXT = "boom 123456-789A"


@handles(PEOPLE, writes=True)
async def explode(update: Update, context: BotContext) -> None:
    """Change something, then fail before committing."""
    assert context.person is not None
    people.set_language(context.session, context.person, "sv")
    assert update.effective_message
    raise RuntimeError(f"failed while handling {update.effective_message.text}")


async def test_a_failing_handler_is_logged_without_secrets_and_the_person_is_told(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app.handlers[0].insert(0, MessageHandler(filters.Regex("^boom"), explode))
    person = await sim.user("Erkki", language_code="en")
    await add_person(
        app.services.database, person.id, "Erkki", (Role.ISSUER, espoo.units["family"])
    )

    with caplog.at_level(logging.ERROR):
        await person.send(SECRET_TEXT)

    assert person.last_reply().text.startswith("Sorry, something went wrong on my side.")
    logged = caplog.text
    assert "RuntimeError" in logged
    assert SECRET_TEXT not in logged
    assert app.bot.token not in logged
    async with app.services.database.read() as session:
        stored = await people.by_telegram_id(session, person.id)
    assert stored is not None
    assert stored.language is None  # the half-done change was rolled back

    await person.send("/help")
    assert person.last_reply().text.startswith("Here is what I can do for you:")


@handles(PEOPLE)
async def flooded(update: Update, context: BotContext) -> None:
    """Fail as a reply does when Telegram's flood limit refused it and every retry."""
    raise RetryAfter(timedelta(seconds=30))


async def test_a_reply_refused_by_the_flood_limit_is_logged_and_not_apologised_for(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app.handlers[0].insert(0, MessageHandler(filters.Regex("^flood"), flooded))
    person = await sim.user("Erkki", language_code="en")
    await add_person(
        app.services.database, person.id, "Erkki", (Role.ISSUER, espoo.units["family"])
    )

    with caplog.at_level(logging.ERROR):
        await person.send("flood")

    assert "RetryAfter" in caplog.text
    assert person.replies_since_last_action() == []
