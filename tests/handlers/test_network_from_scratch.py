"""Issue #18's promise: a coordinator builds a network from nothing in chat and invites its
people; the issuer invited issues a card. Nothing here uses the command line."""

from __future__ import annotations

import re

from bot.context import KaikuApplication
from storage import network, people
from storage.models import Role
from tests.issuing.conftest import NEW_CARD_CLIENT, issuances, issue_reading_each_question
from tests.support.simulator import SimulatedUser, TelegramSimulator


def invitation_code(user: SimulatedUser) -> str:
    found = re.search(r"/start (\S+)", user.last_reply().text)
    assert found is not None, user.last_reply().text
    return found.group(1)


async def test_a_coordinator_builds_a_network_from_scratch_in_chat_and_it_issues_a_card(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    database = app.services.database
    async with database.write() as session:
        locality = await network.add_locality(session, name="Tyhjälä")
        locality.card_number_examples = ["KK123456"]
        locality.postal_codes = ["02100-02999"]
        coordinator = await people.add(session, telegram_id=1, display_name="Kaisa")
        people.grant(session, coordinator, Role.COORDINATOR, locality_id=locality.id)
        await session.commit()
    kaisa = await sim.user("Kaisa", language_code="en", user_id=1)

    await kaisa.send("/invite")
    await kaisa.click("card issuer")
    assert "/orgs" in kaisa.last_reply().text  # no organisations yet: where to add one

    await kaisa.send("/orgs")
    await kaisa.click("Add an organisation")
    await kaisa.send("Perhepalvelut")
    await kaisa.click("Municipal unit")
    await kaisa.click("Yes, it has committed")
    await kaisa.send("1.12.2026")
    await kaisa.click("Confirm")
    await kaisa.send("/orgs")
    await kaisa.click("Perhepalvelut")
    await kaisa.click("Add a unit")
    await kaisa.send("Perheneuvola")
    await kaisa.click("Confirm")

    await kaisa.send("/invite")
    await kaisa.click("card issuer")
    await kaisa.click("Perhepalvelut")
    await kaisa.click("Perheneuvola")
    await kaisa.click("English")
    iida = await sim.user("Iida", language_code="en")
    await iida.send(f"/start {invitation_code(kaisa)}")
    assert iida.last_reply().text.startswith(
        "Welcome, Iida! You are now card issuer at Perheneuvola"
    )

    client = NEW_CARD_CLIENT | {"The postal code of the client's home?": "02150"}
    await issue_reading_each_question(iida, client, until="Card KK123456 is recorded")
    (issued,) = await issuances(app)
    assert issued.birth_year == 1985
    assert sim.errors == []
