"""/contact: a person keeps their own work details current; coordinators hear of a contact
person's change once, in their own language."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.context import KaikuApplication
from storage.models import AuditEvent, ContactDetails, OutboxMessage, Person, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


@pytest.fixture
async def kaisa(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    user = await sim.user("Kaisa", language_code="en")
    await add_person(
        app.services.database,
        user.id,
        "Kaisa",
        (Role.COORDINATOR, espoo.localities["espoo"]),
        language="en",
    )
    return user


@pytest.fixture
async def kalle(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    user = await sim.user("Kalle", language_code="en")
    await add_person(
        app.services.database,
        user.id,
        "Kalle",
        (Role.CONTACT, espoo.organisations["social"]),
        language="en",
    )
    return user


async def stored_details(app: KaikuApplication, telegram_id: int) -> ContactDetails | None:
    async with app.services.database.read() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
        assert person is not None
        return await session.get(ContactDetails, person.id)


async def test_a_contact_person_changes_the_phone_number_and_the_coordinator_hears_it_once(
    kaisa: SimulatedUser, kalle: SimulatedUser, app: KaikuApplication, sim: TelegramSimulator
) -> None:
    await kalle.send("/contact phone")
    assert "Type your work phone number." in kalle.last_reply().text
    await kalle.send("040 123 4567")
    assert "Phone: +358 40 1234567" in kalle.last_reply().text
    await kalle.click("Confirm")
    assert kalle.last_reply().text == (
        "Saved. Your locality's coordinators have been told about the change."
    )
    details = await stored_details(app, kalle.id)
    assert details is not None
    assert details.phone == "+358401234567"

    await app.services.courier.deliver_due(app.bot)
    await app.services.courier.deliver_due(app.bot)
    notices = [m.text for m in kaisa.model.bot_messages(kaisa.id)]
    assert notices == [
        "Kalle, contact person of Social services, changed their details:\nPhone: +358 40 1234567"
    ]
    async with app.services.database.read() as session:
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "change_details")
        )
    assert event is not None
    assert event.after == {"fields": ["phone"]}
    assert sim.errors == []


async def test_the_coordinator_reads_the_notice_in_her_own_language(
    sim: TelegramSimulator, kalle: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    finnish = await sim.user("Kaija", language_code="fi")
    await add_person(
        app.services.database, finnish.id, "Kaija", (Role.COORDINATOR, espoo.localities["espoo"])
    )
    await kalle.send("/contact email")
    await kalle.send("kalle@example.fi")
    await kalle.click("Confirm")
    await app.services.courier.deliver_due(app.bot)

    assert finnish.last_reply().text.startswith(
        "Kalle, organisaation Social services yhteyshenkilö, muutti tietojaan:"
    )
    assert "kalle@example.fi" in finnish.last_reply().text


async def test_a_bad_phone_number_gets_a_reason_and_a_second_chance(
    kalle: SimulatedUser, app: KaikuApplication
) -> None:
    await kalle.send("/contact phone")
    await kalle.send("040 12")
    assert kalle.last_reply().text.startswith("That is not a valid phone number")
    await kalle.send("call me maybe")
    assert kalle.last_reply().text.startswith("I could not read a phone number there.")
    assert await stored_details(app, kalle.id) is None
    await kalle.send("+46 8 123 456 78")
    assert "Phone: +46 8 123 456 78" in kalle.last_reply().text


async def test_a_bad_email_address_gets_a_reason_and_a_second_chance(
    kalle: SimulatedUser, app: KaikuApplication
) -> None:
    await kalle.send("/contact email")
    await kalle.send("kalle@@example")
    assert kalle.last_reply().text.startswith("That is not a valid e-mail address")
    await kalle.send("Kalle.Virtanen@Example.FI")
    assert "E-mail: Kalle.Virtanen@example.fi" in kalle.last_reply().text
    await kalle.click("Confirm")
    details = await stored_details(app, kalle.id)
    assert details is not None
    assert details.email == "Kalle.Virtanen@example.fi"


async def test_an_issuer_sees_only_what_the_contact_person_shares(
    sim: TelegramSimulator,
    kalle: SimulatedUser,
    kaisa: SimulatedUser,
    app: KaikuApplication,
    espoo: Network,
) -> None:
    await kalle.send("/contact")
    assert kalle.last_reply().text.startswith("Your work details:")
    await kalle.click("Edit an answer")
    await kalle.click("Phone")
    await kalle.send("0401234567")
    await kalle.click("Edit an answer")
    await kalle.click("E-mail")
    await kalle.send("kalle@example.fi")
    await kalle.click("Edit an answer")
    await kalle.click("What colleagues see")
    await kalle.click("🔒 Not shared: phone number")
    await kalle.click("Done")
    assert "Colleagues see: name, phone number" in kalle.last_reply().text
    await kalle.click("Confirm")

    iida = await sim.user("Iida", language_code="en")
    await add_person(app.services.database, iida.id, "Iida", (Role.ISSUER, espoo.units["family"]))
    await iida.send("/contacts")
    text = iida.last_reply().text
    assert "Contact persons of Social services:" in text
    assert "Phone: +358 40 1234567" in text
    assert "kalle@example.fi" not in text  # not shared
    assert "Coordinators of your locality:" in text
    assert "Kaisa" in text

    await kaisa.send("/contacts")
    # Coordinators see every detail (here of their own locality's coordinators).
    assert "Name: Kaisa" in kaisa.last_reply().text


async def test_nothing_changed_is_said_and_no_one_is_told(
    kalle: SimulatedUser, kaisa: SimulatedUser, app: KaikuApplication
) -> None:
    await kalle.send("/contact")
    await kalle.click("Confirm")
    assert kalle.last_reply().text == "Nothing changed: your details are as they were."
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(OutboxMessage.text))) == []


async def test_the_link_to_internal_instructions_reaches_the_issuers_and_a_bad_one_is_refused(
    sim: TelegramSimulator,
    kalle: SimulatedUser,
    kaisa: SimulatedUser,
    app: KaikuApplication,
    espoo: Network,
) -> None:
    await kalle.send("/contact link")
    await kalle.send("intranet please")
    assert kalle.last_reply().text.startswith("That is not a web address")
    await kalle.send("https://intra.example.fi/kaikukortti")
    await kalle.click("Confirm")
    await app.services.courier.deliver_due(app.bot)
    assert kaisa.last_reply().text.endswith(
        "Internal instructions: https://intra.example.fi/kaikukortti"
    )

    iida = await sim.user("Iida", language_code="en")
    await add_person(app.services.database, iida.id, "Iida", (Role.ISSUER, espoo.units["family"]))
    await iida.send("/contacts")
    assert "Internal instructions: https://intra.example.fi/kaikukortti" in iida.last_reply().text
    # Only a contact person has the organisation's link to change.
    await iida.send("/contact link")
    assert iida.last_reply().text.startswith("I do not know that detail.")


async def test_a_name_with_a_phone_number_in_it_is_refused(kalle: SimulatedUser) -> None:
    await kalle.send("/contact name")
    await kalle.send("Kalle 040 123 4567")
    assert kalle.last_reply().text.startswith("That looks like a phone number")
    await kalle.send("Kalle Virtanen")
    assert "Name: Kalle Virtanen" in kalle.last_reply().text
