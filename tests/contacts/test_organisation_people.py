"""/people: a contact person lists their organisation's units and issuers, invites an issuer,
removes one (their roles elsewhere and their cards stay) and withdraws an invitation."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.context import KaikuApplication
from storage import people
from storage.models import Invitation, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

CODE = re.compile(r"/start (\S+)")


async def test_a_contact_person_manages_the_organisations_issuers(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    database = app.services.database
    kalle = await sim.user("Kalle", language_code="en")
    await add_person(
        database, kalle.id, "Kalle", (Role.CONTACT, espoo.organisations["social"]), language="en"
    )
    iida = await sim.user("Iida", language_code="en")
    iida_id = await add_person(
        database,
        iida.id,
        "Iida",
        (Role.ISSUER, espoo.units["family"]),
        (Role.ISSUER, espoo.units["helpline"]),  # Red Cross: another organisation
        language="en",
    )

    await kalle.send("/people")
    assert kalle.last_reply().text == (
        "The people of Social services:\n• Family centre: Iida\n• Youth station: no issuers yet"
    )
    assert kalle.buttons() == ["Invite an issuer", "Remove: Iida", "Cancel"]

    await kalle.click("Invite an issuer")
    await kalle.click("Youth station")
    assert "card issuer at Youth station" in kalle.last_reply().text
    assert CODE.search(kalle.last_reply().text)

    await kalle.send("/people")
    assert "Open invitations:" in kalle.last_reply().text
    async with database.read() as session:
        invitation = await session.scalar(select(Invitation))
    assert invitation is not None
    await kalle.click(f"Withdraw invitation #{invitation.id}")
    await kalle.click("Confirm")
    assert kalle.last_reply().text == f"Invitation #{invitation.id} was withdrawn."

    await kalle.send("/people")
    await kalle.click("Remove: Iida")
    assert kalle.last_reply().text.startswith("Remove Iida as card issuer in Social services?")
    await kalle.click("Confirm")
    assert kalle.last_reply().text == "Iida is no longer a card issuer in Social services."
    async with database.read() as session:
        person = await people.by_id(session, iida_id)
    assert person is not None
    assert [(a.role, a.unit_id) for a in person.roles] == [(Role.ISSUER, espoo.units["helpline"])]
    await app.services.courier.deliver_due(app.bot)
    assert iida.last_reply().text == "Your role as card issuer in Social services has ended."
    assert sim.errors == []


async def test_an_issuer_cannot_manage_people(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    iida: SimulatedUser = await sim.user("Iida", language_code="en")
    await add_person(app.services.database, iida.id, "Iida", (Role.ISSUER, espoo.units["family"]))
    await iida.send("/people")
    assert iida.last_reply().text.startswith("Sorry, that is not part of your role.")
