"""Issuing needs the organisation's commitment to the national guideline and a unit that is
still in the network, at /issue and again at Confirm."""

from __future__ import annotations

from bot.context import KaikuApplication
from storage.models import Organisation, Role, Unit
from tests.issuing.conftest import issuances, issue_new_card
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def withdraw_commitment(app: KaikuApplication, organisation_id: int) -> None:
    async with app.services.database.write() as session:
        organisation = await session.get(Organisation, organisation_id)
        assert organisation is not None
        organisation.committed_on = organisation.commitment_recorded_by = None
        await session.commit()


async def deactivate_unit(app: KaikuApplication, unit_id: int) -> None:
    async with app.services.database.write() as session:
        unit = await session.get(Unit, unit_id)
        assert unit is not None
        unit.active = False
        await session.commit()


async def test_an_organisation_without_a_commitment_cannot_issue_and_its_issuer_is_told_why(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await withdraw_commitment(app, espoo.organisations["social"])
    await issuer.send("/issue")

    text = issuer.last_reply().text
    assert text.startswith("Social services has no recorded commitment to the national")
    assert "ask your coordinator to record the commitment" in text
    assert issuer.buttons() == []


async def test_only_the_units_of_committed_organisations_are_offered(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    user = await sim.user("Monitoiminen", language_code="en")
    await add_person(
        app.services.database,
        user.id,
        "M",
        (Role.ISSUER, espoo.units["family"]),
        (Role.ISSUER, espoo.units["youth"]),
        (Role.ISSUER, espoo.units["helpline"]),
    )
    await withdraw_commitment(app, espoo.organisations["red_cross"])
    await user.send("/issue")

    assert user.buttons() == ["Family centre", "Youth station", "Cancel"]


async def test_a_commitment_gone_before_confirm_stores_nothing(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await issue_new_card(issuer, confirm=False)
    await withdraw_commitment(app, espoo.organisations["social"])
    await issuer.click("Confirm")

    assert issuer.last_reply().text.startswith("Social services has no recorded commitment")
    assert await issuances(app) == []


async def test_a_unit_taken_out_of_the_network_before_confirm_stores_nothing(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await issue_new_card(issuer, confirm=False)
    await deactivate_unit(app, espoo.units["family"])
    await issuer.click("Confirm")

    assert issuer.last_reply().text == (
        "Family centre is no longer in the Kaikukortti network, so no card can be issued for "
        "it. Nothing was stored."
    )
    assert await issuances(app) == []
