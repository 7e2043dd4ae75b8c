"""The issue's own check, on the sandbox's demo data: Kalle (the demo contact person) changes
his phone number and hands the role over to Iida, who accepts; Kaisa (the coordinator) gets
each notice once, in her language, across a restart and Telegram errors."""

from __future__ import annotations

from sqlalchemy import update

from bot.app import build_application, start_up
from bot.context import KaikuApplication
from bot.i18n import translator
from bot.sandbox import demo
from bot.sandbox.telegram_model import BotApiError, TelegramModel
from bot.settings import Settings
from storage.models import OutboxMessage, utcnow
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.simulator import SimulatedUser, TelegramSimulator

KAISA, KALLE, IIDA = (persona.telegram_id for persona in demo.PERSONAS[:3])


async def make_due(application: KaikuApplication) -> None:
    """Retries wait with backoff; the test does not."""
    async with application.services.database.write() as session:
        await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        await session.commit()


async def test_kalle_changes_his_phone_and_hands_over_to_iida_and_kaisa_hears_each_once(
    app: KaikuApplication, sim: TelegramSimulator, telegram: TelegramModel, settings: Settings
) -> None:
    demo.add_personas(telegram)
    await demo.seed(app.services.database)
    kaisa = SimulatedUser(sim, KAISA, "Kaisa")
    kalle = SimulatedUser(sim, KALLE, "Kalle")
    iida = SimulatedUser(sim, IIDA, "Iida")
    # Kaisa reads the bot in English (Kalle in Finnish, the default; Iida in Swedish).
    await kaisa.send("/language")
    await kaisa.click("English")
    before = len(telegram.bot_messages(KAISA))
    fi, sv = translator("fi"), translator("sv")

    await kalle.send("/contact phone")
    await kalle.send("040 12")  # too short: a reason and a second chance
    assert kalle.last_reply().text.startswith("Tämä ei ole kelvollinen puhelinnumero:")
    await kalle.send("040 123 4567")
    await kalle.click(fi.gettext("Confirm"))
    # Telegram fails the first attempts; the notice waits in the outbox.
    for _ in range(2):
        telegram.fail_next("sendMessage", BotApiError(502, "Bad Gateway"))
        await make_due(app)
        await app.services.courier.deliver_due(app.bot)
    assert len(telegram.bot_messages(KAISA)) == before

    await kalle.send("/handover")
    await kalle.click("Demo issuer Iida")
    await kalle.click(fi.gettext("Confirm"))
    await make_due(app)
    await app.services.courier.deliver_due(app.bot)
    await make_due(app)
    await app.services.courier.deliver_due(app.bot)
    await iida.send("/takeover")
    await iida.click(sv.gettext("Accept"))
    assert iida.last_reply().text == (
        "Du är nu kontaktperson för Demo social services (sandbox) och tar över efter "
        "Demo contact person Kalle."
    )

    # The bot restarts before the handover's notices went out.
    second = build_application(settings, request=FakeTelegramRequest(telegram))
    await second.initialize()
    await start_up(second)
    try:
        for _ in range(3):
            await make_due(second)
            await second.services.courier.deliver_due(second.bot)
    finally:
        await second.shutdown()
        await second.services.database.dispose()

    notices = [m.text for m in telegram.bot_messages(KAISA)][before:]
    assert notices == [
        "Demo contact person Kalle, contact person of Demo social services (sandbox), changed "
        "their details:\nPhone: +358 40 1234567",
        "Demo contact person Kalle handed the contact person role of Demo social services "
        "(sandbox) over to Demo issuer Iida.",
    ]
    thanked = (
        "Demo issuer Iida hyväksyi ja on nyt sinun sijastasi organisaation Demo social services "
        "(sandbox) yhteyshenkilö. Kiitos työstäsi!"
    )
    assert [m.text for m in telegram.bot_messages(KALLE)].count(thanked) == 1
    assert sim.errors == []
