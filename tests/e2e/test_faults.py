"""Telegram and the network misbehaving under the real `kaikubot` process: 429, 5xx, a dropped
connection and a person who blocked the bot."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.sandbox.errors import BotApiError
from bot.sandbox.objects import ApiCall
from storage import outbox, people
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, Role
from tests.e2e.conftest import WAIT, BotProcess, Person
from tests.support.network import add_person, build_network

pytestmark = pytest.mark.e2e

HELP_START = "Here is what I can do for you:"
# The outbox is delivered by a job every few seconds; a retry waits for a later run.
OUTBOX_WAIT = 40.0


@pytest.fixture
async def aino(kaikubot: BotProcess, bot_database: Database) -> Person:
    """A coordinator who reads English, with the bot running."""
    espoo = await build_network(bot_database)
    user_id = kaikubot.server.model.add_user("Aino", language_code="en")
    await add_person(
        bot_database, user_id, "Aino", (Role.COORDINATOR, espoo.localities["espoo"]), language="en"
    )
    await kaikubot.start()
    return Person(kaikubot, user_id)


async def enqueue(database: Database, chat_id: int, text: str) -> None:
    """Put a message in the outbox, as a handler's transaction would."""
    async with database.write() as session:
        outbox.enqueue(session, chat_id, text)
        await session.commit()


async def stored(database: Database, text: str) -> OutboxMessage:
    """The outbox message with this text, as the bot last recorded it."""
    async with database.read() as session:
        message = await session.scalar(select(OutboxMessage).where(OutboxMessage.text == text))
    assert message is not None
    return message


def sends(person: Person, text: str | None = None) -> list[ApiCall]:
    """The bot's sendMessage calls to a person (with this text), failed ones included."""
    return [
        call
        for call in person.model.calls
        if call.method == "sendMessage"
        and call.params.get("chat_id") == person.id
        and (text is None or call.params.get("text") == text)
    ]


def error_code(call: ApiCall) -> int | None:
    return call.error.error_code if isinstance(call.error, BotApiError) else None


async def test_a_reply_refused_with_429_waits_out_retry_after_and_arrives(aino: Person) -> None:
    aino.model.fail_next("sendMessage", BotApiError.too_many_requests(1))

    reply = await aino.send("/help")

    assert reply.text.startswith(HELP_START)
    refused, accepted = sends(aino)
    assert (error_code(refused), error_code(accepted)) == (429, None)
    assert accepted.time - refused.time >= 1  # retry_after was respected
    assert accepted.params == refused.params


async def test_a_reply_refused_past_its_retries_is_given_up_without_an_apology(
    aino: Person,
) -> None:
    aino.model.fail_next("sendMessage", BotApiError.too_many_requests(1), count=3)

    aino.model.user_sends_text(aino.id, "/help")
    await aino.bot.wait_for(lambda: len(sends(aino)) == 3, WAIT, "the reply to be tried 3 times")

    # An apology would meet the same flood limit: the next message is simply answered.
    reply = await aino.send("/help")
    assert reply.text.startswith(HELP_START)
    assert [error_code(call) for call in sends(aino)] == [429, 429, 429, None]
    assert aino.messages() == [reply]


async def test_an_outbox_message_waits_out_a_429_and_arrives(
    aino: Person, bot_database: Database
) -> None:
    text = "The outbox keeps this until Telegram takes it."
    aino.model.fail_next("sendMessage", BotApiError.too_many_requests(1))

    await enqueue(bot_database, aino.id, text)

    await aino.bot.wait_for(
        lambda: any(m.text == text for m in aino.messages()), OUTBOX_WAIT, "the outbox message"
    )
    refused, accepted = sends(aino, text)
    assert (error_code(refused), error_code(accepted)) == (429, None)
    assert accepted.time - refused.time >= 1  # retry_after was respected
    await aino.bot.wait_for(
        lambda: _status_is(bot_database, text, OutboxStatus.SENT), WAIT, "the delivery recorded"
    )
    assert (await stored(bot_database, text)).attempts == 2


async def _status_is(database: Database, text: str, status: OutboxStatus) -> bool:
    return (await stored(database, text)).status is status


async def test_a_bad_gateway_while_polling_does_not_stop_the_bot(aino: Person) -> None:
    model = aino.model
    model.fail_next("getUpdates", BotApiError(502, "Bad Gateway"))

    # The waiting long poll returns with this message; the next getUpdates meets the 502.
    await aino.send("/help")
    await aino.bot.wait_for(
        lambda: any(c.method == "getUpdates" and error_code(c) == 502 for c in model.calls),
        WAIT,
        "getUpdates to meet the 502",
    )

    reply = await aino.send("/help")
    assert reply.text.startswith(HELP_START)


async def test_a_dropped_connection_while_polling_does_not_stop_the_bot(aino: Person) -> None:
    server = aino.bot.server
    server.drop_next(1, method="getUpdates")

    await aino.send("/help")
    await aino.bot.wait_for(lambda: server.dropped == 1, WAIT, "a getUpdates to be dropped")

    reply = await aino.send("/help")
    assert reply.text.startswith(HELP_START)


async def test_a_person_who_blocked_the_bot_is_recorded_and_not_retried(
    aino: Person, bot_database: Database
) -> None:
    model = aino.model
    text = "A reminder Aino will never see."
    model.block_bot(aino.id)

    await enqueue(bot_database, aino.id, text)

    await aino.bot.wait_for(
        lambda: _status_is(bot_database, text, OutboxStatus.BLOCKED), OUTBOX_WAIT, "BLOCKED"
    )
    async with bot_database.read() as session:
        person = await people.by_telegram_id(session, aino.id)
    assert person is not None
    assert person.blocked_bot_at is not None
    # Were the message retried, it would now get through: Aino unblocks the bot.
    model.unblock_bot(aino.id)
    bertta = Person(aino.bot, model.add_user("Bertta", language_code="en"))
    await enqueue(bot_database, bertta.id, "For Bertta, sent after Aino's was given up.")
    await aino.bot.wait_for(lambda: bool(bertta.messages()), OUTBOX_WAIT, "a later outbox delivery")
    assert [error_code(call) for call in sends(aino, text)] == [403]
    assert not any(message.text == text for message in aino.messages())
    assert (await stored(bot_database, text)).attempts == 1
