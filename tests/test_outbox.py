"""The outbox: stored first, delivered with retries, 429 waited out, 403 recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import build_application, start_up
from bot.context import KaikuApplication
from bot.sandbox.errors import BotApiError
from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from storage import outbox, people
from storage.models import OutboxMessage, OutboxStatus, Role, utcnow
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import Network, add_person


async def queue(app: KaikuApplication, chat_id: int, text: str) -> None:
    async with app.services.database.write() as session:
        outbox.enqueue(session, chat_id, text)
        await session.commit()


async def stored(app: KaikuApplication) -> list[OutboxMessage]:
    async with app.services.database.read() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def make_due(app: KaikuApplication) -> None:
    """Let time pass: every postponed message becomes due (no sleeping in tests)."""
    async with app.services.database.write() as session:
        for message in await session.scalars(select(OutboxMessage)):
            message.next_attempt_at = utcnow() - timedelta(seconds=1)
        await session.commit()


async def test_queued_messages_are_delivered_once(
    app: KaikuApplication, telegram: TelegramModel
) -> None:
    person = telegram.add_user("Outi")
    await queue(app, person, "first")
    await queue(app, person, "second")

    assert await app.services.courier.deliver_due(app.bot) == 2
    assert await app.services.courier.deliver_due(app.bot) == 0

    assert [m.text for m in telegram.bot_messages(person)] == ["first", "second"]
    assert {m.status for m in await stored(app)} == {OutboxStatus.SENT}


async def test_a_429_is_waited_out_and_retried(
    app: KaikuApplication, telegram: TelegramModel
) -> None:
    person = telegram.add_user("Outi")
    await queue(app, person, "patience")
    telegram.fail_next("sendMessage", BotApiError.too_many_requests(7))

    assert await app.services.courier.deliver_due(app.bot) == 0
    (message,) = await stored(app)
    assert message.status is OutboxStatus.PENDING
    assert message.next_attempt_at > utcnow() + timedelta(seconds=5)
    assert await app.services.courier.deliver_due(app.bot) == 0  # not due yet

    await make_due(app)
    assert await app.services.courier.deliver_due(app.bot) == 1
    assert [m.text for m in telegram.bot_messages(person)] == ["patience"]


async def test_a_server_error_is_retried_with_backoff(
    app: KaikuApplication, telegram: TelegramModel
) -> None:
    person = telegram.add_user("Outi")
    await queue(app, person, "eventually")
    telegram.fail_next("sendMessage", BotApiError(502, "Bad Gateway"), count=2)

    await app.services.courier.deliver_due(app.bot)
    await make_due(app)
    await app.services.courier.deliver_due(app.bot)
    (message,) = await stored(app)
    assert message.attempts == 2
    assert message.status is OutboxStatus.PENDING

    await make_due(app)
    assert await app.services.courier.deliver_due(app.bot) == 1


async def test_a_person_who_blocked_the_bot_is_recorded_and_not_retried(
    app: KaikuApplication, telegram: TelegramModel, espoo: Network
) -> None:
    person = telegram.add_user("Outi")
    await add_person(app.services.database, person, "Outi", (Role.ISSUER, espoo.units["family"]))
    telegram.block_bot(person)
    await queue(app, person, "hello?")

    await app.services.courier.deliver_due(app.bot)
    await make_due(app)
    await app.services.courier.deliver_due(app.bot)

    (message,) = await stored(app)
    assert message.status is OutboxStatus.BLOCKED
    assert message.attempts == 1
    async with app.services.database.read() as session:
        found = await people.by_telegram_id(session, person)
    assert found is not None
    assert found.blocked_bot_at is not None


async def test_pending_messages_survive_a_restart(
    settings: Settings, telegram: TelegramModel
) -> None:
    first = build_application(settings, request=FakeTelegramRequest(telegram))
    await first.initialize()
    person = telegram.add_user("Outi")
    await queue(first, person, "still here")
    # Abandoned without shutdown, as a crash would leave it.

    second = build_application(settings, request=FakeTelegramRequest(telegram))
    await second.initialize()
    await start_up(second)
    assert await second.services.courier.deliver_due(second.bot) == 1
    assert [m.text for m in telegram.bot_messages(person)] == ["still here"]
    await second.shutdown()
    for application in (first, second):
        await application.services.database.dispose()
