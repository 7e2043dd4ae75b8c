"""Handing the contact person role over: it moves only when the successor accepts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from bot.app import build_application, start_up
from bot.context import KaikuApplication
from bot.sandbox.telegram_model import BotApiError, TelegramModel
from bot.settings import Settings
from storage.models import OutboxMessage, Person, Role, RoleAssignment, utcnow
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

CODE = re.compile(r"/start (\S+)")


async def someone(
    sim: TelegramSimulator, app: KaikuApplication, name: str, role: Role, scope: int
) -> SimulatedUser:
    user = await sim.user(name, language_code="en")
    await add_person(app.services.database, user.id, name, (role, scope), language="en")
    return user


@pytest.fixture
async def kaisa(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    return await someone(sim, app, "Kaisa", Role.COORDINATOR, espoo.localities["espoo"])


@pytest.fixture
async def kalle(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    return await someone(sim, app, "Kalle", Role.CONTACT, espoo.organisations["social"])


@pytest.fixture
async def iida(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    return await someone(sim, app, "Iida", Role.ISSUER, espoo.units["family"])


async def contacts_of(app: KaikuApplication, organisation_id: int) -> list[str]:
    async with app.services.database.read() as session:
        return list(
            await session.scalars(
                select(Person.display_name)
                .join(RoleAssignment, RoleAssignment.person_id == Person.id)
                .where(
                    RoleAssignment.role == Role.CONTACT,
                    RoleAssignment.organisation_id == organisation_id,
                )
            )
        )


def texts(user: SimulatedUser) -> list[str]:
    return [m.text for m in user.model.bot_messages(user.id)]


async def test_kalle_hands_over_to_iida_who_accepts_and_everyone_hears_once(
    kaisa: SimulatedUser,
    kalle: SimulatedUser,
    iida: SimulatedUser,
    app: KaikuApplication,
    espoo: Network,
    sim: TelegramSimulator,
    telegram: TelegramModel,
) -> None:
    await kalle.send("/handover")
    assert kalle.buttons() == ["Invite someone new with a link", "Iida", "Cancel"]
    await kalle.click("Iida")
    assert kalle.last_reply().text.startswith("Ask Iida to take over as contact person")
    await kalle.click("Confirm")
    assert await contacts_of(app, espoo.organisations["social"]) == ["Kalle"]  # never empty

    await app.services.courier.deliver_due(app.bot)
    assert texts(iida) == [
        "Kalle asks you to take over as contact person of Social services. Send /takeover to "
        "accept or decline."
    ]
    await iida.send("/takeover")
    offer = iida.last_reply()
    accept = offer.button("Accept")
    assert accept is not None
    await iida.click("Accept")
    assert iida.last_reply().text == (
        "You are now contact person of Social services, taking over from Kalle."
    )
    assert await contacts_of(app, espoo.organisations["social"]) == ["Iida"]

    await app.services.courier.deliver_due(app.bot)
    await app.services.courier.deliver_due(app.bot)
    assert texts(kaisa) == ["Kalle handed the contact person role of Social services over to Iida."]
    assert kalle.last_reply().text == (
        "Iida accepted and is now contact person of Social services in your place. Thank you "
        "for your work!"
    )
    # The offer works once (its button pressed again, from a second phone).
    await sim.process(telegram.user_clicks_data(iida.id, offer.message_id, accept["callback_data"]))
    assert iida.callback_answers()[-1].text == "This button has expired."
    assert sim.errors == []


async def test_a_handover_by_link_moves_the_role_when_the_link_is_opened(
    kaisa: SimulatedUser,
    kalle: SimulatedUser,
    app: KaikuApplication,
    espoo: Network,
    sim: TelegramSimulator,
) -> None:
    await kalle.send("/handover")
    await kalle.click("Invite someone new with a link")
    await kalle.click("Confirm")
    found = CODE.search(kalle.last_reply().text)
    assert found
    assert await contacts_of(app, espoo.organisations["social"]) == ["Kalle"]

    newcomer = await sim.user("Noora", language_code="en")
    await newcomer.send(f"/start {found[1]}")
    assert newcomer.last_reply().text.startswith(
        "Welcome, Noora! You are now contact person of Social services. You take over from Kalle."
    )
    assert await contacts_of(app, espoo.organisations["social"]) == ["Noora"]
    await app.services.courier.deliver_due(app.bot)
    assert texts(kaisa) == [
        "Kalle handed the contact person role of Social services over to Noora."
    ]


async def test_once_one_successor_accepted_the_leavers_other_handovers_are_withdrawn(
    kalle: SimulatedUser, iida: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await kalle.send("/handover")
    await kalle.click("Invite someone new with a link")
    await kalle.click("Confirm")
    link = CODE.search(kalle.last_reply().text)
    assert link
    await kalle.send("/handover")
    await kalle.click("Iida")
    await kalle.click("Confirm")
    await iida.send("/takeover")
    await iida.click("Accept")

    late = await iida.simulator.user("Lauri", language_code="en")
    await late.send(f"/start {link[1]}")
    assert late.last_reply().text.startswith("This invitation has been withdrawn.")
    assert await contacts_of(app, espoo.organisations["social"]) == ["Iida"]


async def test_an_issuer_who_declines_leaves_the_contact_person_in_place(
    kalle: SimulatedUser, iida: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await kalle.send("/handover")
    await kalle.click("Iida")
    await kalle.click("Confirm")
    await iida.send("/takeover")
    await iida.click("Decline")
    assert await contacts_of(app, espoo.organisations["social"]) == ["Kalle"]
    await app.services.courier.deliver_due(app.bot)
    assert kalle.last_reply().text.startswith("Iida declined to take over")


async def test_the_last_contact_person_cannot_just_leave_but_one_of_two_can(
    kaisa: SimulatedUser,
    kalle: SimulatedUser,
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
) -> None:
    await kalle.send("/handover")
    assert "Just leave: the others stay" not in kalle.buttons()
    await kalle.send("/cancel")

    await someone(sim, app, "Kerttu", Role.CONTACT, espoo.organisations["social"])
    await kalle.send("/handover")
    await kalle.click("Just leave: the others stay")
    await kalle.click("Confirm")
    assert kalle.last_reply().text == "You are no longer a contact person of Social services."
    assert await contacts_of(app, espoo.organisations["social"]) == ["Kerttu"]


async def test_the_notices_survive_a_restart_and_telegram_errors(
    kaisa: SimulatedUser,
    kalle: SimulatedUser,
    iida: SimulatedUser,
    app: KaikuApplication,
    settings: Settings,
    telegram: TelegramModel,
) -> None:
    await kalle.send("/handover")
    await kalle.click("Iida")
    await kalle.click("Confirm")
    await app.services.courier.deliver_due(app.bot)
    await iida.send("/takeover")
    await iida.click("Accept")
    # Telegram fails for a while: the notices wait in the outbox.
    telegram.fail_next("sendMessage", BotApiError(502, "Bad Gateway"), count=3)
    await app.services.courier.deliver_due(app.bot)
    async with app.services.database.write() as session:
        await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
        await session.commit()

    # A new application on the same database (the first one abandoned, as after a crash).
    second = build_application(settings, request=FakeTelegramRequest(telegram))
    await second.initialize()
    await start_up(second)
    try:
        await second.services.courier.deliver_due(second.bot)
        async with second.services.database.write() as session:
            await session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
            await session.commit()
        await second.services.courier.deliver_due(second.bot)
    finally:
        await second.shutdown()
        await second.services.database.dispose()
    assert texts(kaisa) == ["Kalle handed the contact person role of Social services over to Iida."]
