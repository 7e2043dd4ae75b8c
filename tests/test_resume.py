"""A conversation survives an abandoned application: its state lives in a draft row."""

from __future__ import annotations

import enum

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot import drafting
from bot.access import handles
from bot.app import build_application, start_up
from bot.audience import PEOPLE
from bot.context import BotContext, KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from storage import drafts
from storage.models import Role
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import add_person, build_network
from tests.support.simulator import TelegramSimulator

SURVEY = "survey"


class Step(enum.StrEnum):
    AWAITING_COLOUR = "AWAITING_COLOUR"
    AWAITING_ANIMAL = "AWAITING_ANIMAL"


@handles(PEOPLE, writes=True)
async def begin(update: Update, context: BotContext) -> Step:
    """Ask for a colour."""
    await drafting.save_step(update, context, SURVEY, Step.AWAITING_COLOUR, {})
    await context.commit()
    assert update.effective_message
    await update.effective_message.reply_text("Colour?")
    return Step.AWAITING_COLOUR


@handles(PEOPLE, writes=True)
async def store_colour(update: Update, context: BotContext) -> Step:
    """Store the colour and ask for an animal."""
    assert update.effective_message
    answers = {"colour": update.effective_message.text}
    await drafting.save_step(update, context, SURVEY, Step.AWAITING_ANIMAL, answers)
    await context.commit()
    await update.effective_message.reply_text("Animal?")
    return Step.AWAITING_ANIMAL


@handles(PEOPLE, writes=True)
async def store_animal(update: Update, context: BotContext) -> int:
    """Finish with both answers."""
    assert update.effective_message
    draft = await drafting.load(update, context, SURVEY)
    assert draft is not None
    colour = draft.answers["colour"]
    ended = await drafting.end(update, context, SURVEY)
    await context.commit()
    await update.effective_message.reply_text(f"A {colour} {update.effective_message.text}!")
    return ended


def survey() -> ConversationHandler[BotContext]:
    return ConversationHandler(
        entry_points=[CommandHandler("survey", begin)],
        states={
            Step.AWAITING_COLOUR: [MessageHandler(filters.TEXT & ~filters.COMMAND, store_colour)],
            Step.AWAITING_ANIMAL: [MessageHandler(filters.TEXT & ~filters.COMMAND, store_animal)],
        },
        fallbacks=[],
        name=SURVEY,
        persistent=True,
    )


async def started(settings: Settings, telegram: TelegramModel) -> KaikuApplication:
    application = build_application(settings, request=FakeTelegramRequest(telegram))
    # Like the real conversations, the survey must come before the catch-all in group 0.
    application.handlers[0].insert(0, survey())
    await application.initialize()
    await start_up(application)
    return application


async def test_a_new_application_continues_where_the_abandoned_one_stopped(
    settings: Settings, telegram: TelegramModel
) -> None:
    first = await started(settings, telegram)
    network = await build_network(first.services.database)
    person = await TelegramSimulator(telegram, first).user("Olli", language_code="en")
    await add_person(
        first.services.database, person.id, "Olli", (Role.ISSUER, network.units["family"])
    )
    await person.send("/survey")
    await person.send("blue")
    assert person.last_reply().text == "Animal?"
    # The first application is abandoned as a crash would leave it: no shutdown, no flush.

    second = await started(settings, telegram)
    person.simulator = TelegramSimulator(telegram, second)
    await person.send("cat")

    assert person.last_reply().text == "A blue cat!"
    async with second.services.database.read() as session:
        assert await drafts.steps(session, SURVEY) == {}
    await second.shutdown()
    await first.services.database.dispose()
    await second.services.database.dispose()
