"""/orgs and /network: a coordinator runs the network's organisations and units in chat."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.context import KaikuApplication
from handlers.network_listing import cell
from storage import people
from storage.models import AuditEvent, Organisation, Role, Unit
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def coordinator(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    name: str = "Kaisa",
    language: str = "en",
    locality: str = "espoo",
) -> SimulatedUser:
    user = await sim.user(name, language_code=language)
    await add_person(
        app.services.database, user.id, name, (Role.COORDINATOR, espoo.localities[locality])
    )
    return user


async def organisations(app: KaikuApplication) -> list[Organisation]:
    async with app.services.database.read() as session:
        return list(await session.scalars(select(Organisation).order_by(Organisation.id)))


async def units(app: KaikuApplication) -> list[Unit]:
    async with app.services.database.read() as session:
        return list(await session.scalars(select(Unit).order_by(Unit.id)))


async def test_the_listing_shows_the_localitys_organisations_only(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)

    await kaisa.send("/orgs")

    assert kaisa.last_reply().text == (
        "The organisations of your network. Choose one to see its units."
    )
    assert kaisa.buttons() == ["Red Cross", "Social services", "Add an organisation", "Cancel"]
    await kaisa.click("Social services")
    text = kaisa.last_reply().text
    assert "Committed to the national guideline on January 2, 2025 (recorded by Coordinator)." in (
        text
    )
    assert kaisa.buttons() == [
        "Family centre",
        "Youth station",
        "Add a unit",
        "Rename",
        "Deactivate",
        "« Back",
        "Cancel",
    ]


async def test_a_new_organisation_is_added_with_its_kind_and_commitment(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/orgs")
    await kaisa.click("Add an organisation")
    await kaisa.send("  social SERVICES ")
    assert kaisa.last_reply().text.startswith("Social services is already taken in your network")
    await kaisa.send("Seurakunta")
    await kaisa.click("Parish")
    await kaisa.click("Yes, it has committed")
    await kaisa.send("31.12.2099")
    assert kaisa.last_reply().text.startswith("That day is still ahead.")
    await kaisa.send("3.2.2025")
    assert kaisa.last_reply().text.startswith("Add this organisation to your network?")
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text == "Added Seurakunta. /orgs shows your network."
    added = (await organisations(app))[-1]
    assert (added.name, added.kind, added.committed_on, added.commitment_recorded_by) == (
        "Seurakunta",
        "parish",
        date(2025, 2, 3),
        "Kaisa",
    )
    async with app.services.database.read() as session:
        actions = [e.action for e in await session.scalars(select(AuditEvent))]
    assert actions[-2:] == ["add", "record_commitment"]


async def test_an_organisation_without_a_commitment_has_it_recorded_later(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/orgs")
    await kaisa.click("Add an organisation")
    await kaisa.send("Library")
    await kaisa.click("NGO")
    await kaisa.click("Not yet")
    await kaisa.click("Confirm")
    assert (await organisations(app))[-1].committed_on is None

    await kaisa.send("/orgs")
    assert kaisa.last_reply().text.endswith(
        "No commitment to the national guideline recorded yet, so their units cannot issue "
        "cards: Library"
    )
    await kaisa.click("Library")
    assert "its units cannot issue cards" in kaisa.last_reply().text
    await kaisa.click("Record the commitment")
    await kaisa.click("Today")
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text == "Recorded. The units of Library can now issue cards."
    assert (await organisations(app))[-1].committed_on is not None


async def test_a_unit_is_added_renamed_and_deactivated(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/orgs")
    await kaisa.click("Red Cross")
    await kaisa.click("Add a unit")
    await kaisa.send("Shelter")
    assert kaisa.last_reply().text == "Add the unit Shelter to Red Cross?"
    await kaisa.click("Confirm")
    shelter = (await units(app))[-1]
    assert (shelter.name, shelter.organisation_id) == ("Shelter", espoo.organisations["red_cross"])

    await kaisa.send("/orgs")
    await kaisa.click("Red Cross")
    await kaisa.click("Shelter")
    await kaisa.click("Rename")
    await kaisa.send("Night shelter")
    await kaisa.click("Confirm")
    await kaisa.send("/orgs")
    await kaisa.click("Red Cross")
    await kaisa.click("Night shelter")
    await kaisa.click("Deactivate")
    assert "The cards already issued stay in the statistics." in kaisa.last_reply().text
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text == "Night shelter was deactivated."
    shelter = (await units(app))[-1]
    assert (shelter.name, shelter.active) == ("Night shelter", False)


async def test_an_organisation_deactivated_meanwhile_is_answered_plainly(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    kalle = await coordinator(sim, app, espoo, "Kalle")
    await kaisa.send("/orgs")
    await kalle.send("/orgs")
    await kalle.click("Red Cross")
    await kalle.click("Deactivate")
    await kalle.click("Confirm")
    assert kalle.last_reply().text == "Red Cross was deactivated."

    await kaisa.click("Red Cross")

    assert kaisa.last_reply().text.startswith(
        "That organisation or unit is no longer in your network"
    )
    assert "Red Cross" not in kaisa.buttons()
    red_cross = next(o for o in await organisations(app) if o.name == "Red Cross")
    assert not red_cross.active
    assert not any(u.active for u in await units(app) if u.organisation_id == red_cross.id)


async def test_a_button_naming_another_localitys_organisation_changes_nothing(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    vera = await coordinator(sim, app, espoo, "Vera", locality="vantaa")
    await vera.send("/orgs")
    assert vera.buttons() == ["Airport clinic", "Add an organisation", "Cancel"]
    await vera.click("Airport clinic")
    await vera.click("Deactivate")
    # Vera's role moves to Espoo meanwhile: the form ends, nothing changes.
    async with app.services.database.write() as session:
        person = await people.by_telegram_id(session, vera.id)
        assert person is not None
        await people.withdraw_roles(session, person, actor=None)
        people.grant(session, person, Role.COORDINATOR, locality_id=espoo.localities["espoo"])
        await session.commit()
    await vera.click("Confirm")

    assert vera.last_reply().text == (
        "You no longer coordinate this network, so nothing was changed."
    )
    assert all(o.active for o in await organisations(app))


async def test_the_orgs_form_speaks_finnish(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaija = await coordinator(sim, app, espoo, "Kaija", "fi")
    await kaija.send("/orgs")
    assert kaija.buttons()[-2:] == ["Lisää organisaatio", "Peruuta"]
    await kaija.click("Lisää organisaatio")
    assert kaija.last_reply().text.endswith("Mikä on uuden organisaation nimi?")


async def test_network_lists_the_committed_organisations_as_a_message_and_a_csv_file(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    async with app.services.database.write() as session:
        red_cross = await session.get(Organisation, espoo.organisations["red_cross"])
        assert red_cross is not None
        red_cross.committed_on = None
        red_cross.kind = "ngo"
        youth = await session.get(Unit, espoo.units["youth"])
        assert youth is not None
        youth.active = False
        await session.commit()

    await kaisa.send("/network")

    message, document = kaisa.replies_since_last_action()
    assert message.text == "The Kaikukortti network of Espoo:\n\nSocial services\n  Family centre"
    assert document.document is not None
    assert document.document["file_name"] == "network.csv"
    data = sim.model.file(document.file_id or "").data.decode("utf-8-sig")
    assert data.splitlines() == [
        "Organisation;Kind;Unit;Committed on",
        "Social services;;Family centre;2025-01-02",
    ]


def test_a_name_shaped_like_a_formula_stays_text_in_the_csv_file() -> None:
    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("-Nuoret") == "'-Nuoret"
    assert cell("Nuoret") == "Nuoret"
