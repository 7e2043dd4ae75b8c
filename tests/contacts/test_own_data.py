"""People's own data: /me shows everything stored; /forgetme removes the name and contact
details and ends the roles, keeping only what the audit log needs, pseudonymised."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import KaikuApplication
from storage import people
from storage.models import AuditEvent, ContactDetails, Role
from tests.support.network import Network, add_person
from tests.support.simulator import TelegramSimulator


async def test_me_shows_the_work_details(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    iida = await sim.user("Iida", language_code="en")
    await add_person(
        app.services.database, iida.id, "Iida", (Role.ISSUER, espoo.units["family"]), language="en"
    )
    await iida.send("/contact phone")
    await iida.send("+358 40 765 4321")
    await iida.click("Confirm")
    await iida.send("/me")
    text = iida.last_reply().text
    assert "• Phone: +358 40 7654321" in text
    assert "• Colleagues see: name" in text


async def test_forgetme_removes_the_name_and_details_and_ends_the_roles(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    database = app.services.database
    iida = await sim.user("Iida", language_code="en")
    iida_id = await add_person(
        database, iida.id, "Iida", (Role.ISSUER, espoo.units["family"]), language="en"
    )
    await iida.send("/contact email")
    await iida.send("iida@example.fi")
    await iida.click("Confirm")

    await iida.send("/forgetme")
    assert iida.last_reply().text.startswith("Remove your name and contact details")
    await iida.click("Confirm")
    assert iida.last_reply().text.startswith("Done. Your name and contact details are removed")

    async with database.read() as session:
        person = await people.by_id(session, iida_id)
        details = await session.get(ContactDetails, iida_id)
        events = list(await session.scalars(select(AuditEvent)))
    assert person is not None
    assert (person.display_name, person.roles, person.active) == (
        f"Former user #{iida_id}",
        [],
        False,
    )
    assert person.telegram_id != iida.id
    assert details is None
    assert "Iida" not in repr([(e.before, e.after) for e in events])
    assert str(iida.id) not in repr([(e.before, e.after) for e in events])
    # From now on Iida is a stranger to the bot.
    await iida.send("/me")
    assert iida.last_reply().text.startswith("Hello! I am Kaikubot")


async def test_the_last_contact_person_and_the_last_coordinator_are_told_why_not(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    database = app.services.database
    kalle = await sim.user("Kalle", language_code="en")
    await add_person(
        database, kalle.id, "Kalle", (Role.CONTACT, espoo.organisations["social"]), language="en"
    )
    kaisa = await sim.user("Kaisa", language_code="en")
    await add_person(
        database, kaisa.id, "Kaisa", (Role.COORDINATOR, espoo.localities["espoo"]), language="en"
    )
    await kalle.send("/forgetme")
    assert kalle.last_reply().text.startswith(
        "You are the last contact person of Social services: hand the role over"
    )
    await kaisa.send("/forgetme")
    assert kaisa.last_reply().text.startswith("You are the last coordinator of Espoo")
    async with database.read() as session:
        assert (await people.by_telegram_id(session, kalle.id)) is not None
