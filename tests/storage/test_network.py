"""Organisation and unit names: trimmed, never empty, unique within their parent whatever
their case, in every language."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage import invitations, localities, network
from storage.db import Database
from storage.models import AuditEvent, FailedRedemption, Organisation
from storage.names import name_key


def test_the_key_folds_case_in_every_language_and_normalises_unicode() -> None:
    assert name_key("  Nuorisoasema ") == name_key("NUORISOASEMA")
    assert name_key("ÄITIYSNEUVOLA") == name_key("äitiysneuvola")
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("A\u0308ppi") == name_key("Äppi")  # decomposed and composed Ä


async def test_names_are_trimmed_and_refused_empty_or_taken_whatever_their_case(
    database: Database,
) -> None:
    async with database.write() as session:
        espoo = await network.add_locality(session, name="Espoo")
        social = await network.add_organisation(session, locality=espoo, name="  Sosiaali/terveys ")
        assert social.name == "Sosiaali/terveys"
        with pytest.raises(network.EmptyName):
            await network.add_organisation(session, locality=espoo, name="   ")
        with pytest.raises(network.NameTaken):
            await network.add_organisation(session, locality=espoo, name="SOSIAALI/TERVEYS")
        unit = await network.add_unit(session, organisation=social, name="Äitiysneuvola")
        with pytest.raises(network.NameTaken):
            await network.add_unit(session, organisation=social, name="äitiysneuvola")
        with pytest.raises(network.NameTooLong):
            await network.add_unit(session, organisation=social, name="x" * 201)
        await session.commit()

    async with database.write() as session:
        # Another locality, or another organisation, may use the same name.
        vantaa = await network.add_locality(session, name="Vantaa")
        other = await network.add_organisation(session, locality=vantaa, name="Sosiaali/Terveys")
        await network.add_unit(session, organisation=other, name="ÄITIYSNEUVOLA")
        found = await localities.unit_by_names(
            session, espoo.id, "sosiaali/terveys", "ÄITIYSNEUVOLA"
        )
        assert found is not None
        assert found.id == unit.id
        await session.commit()


async def test_a_rename_is_audited_and_refuses_a_sibling_name(database: Database) -> None:
    async with database.write() as session:
        espoo = await network.add_locality(session, name="Espoo")
        social = await network.add_organisation(session, locality=espoo, name="Social services")
        await network.add_organisation(session, locality=espoo, name="Red Cross")
        with pytest.raises(network.NameTaken):
            await network.rename_organisation(session, social, "red cross", actor=None)
        with pytest.raises(network.EmptyName):
            await network.rename_organisation(session, social, "", actor=None)
        await network.rename_organisation(session, social, "SOCIAL SERVICES", actor=None)
        await session.commit()

    async with database.read() as session:
        stored = await session.get(Organisation, social.id)
        assert stored is not None
        assert stored.name == "SOCIAL SERVICES"
        event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "rename"))
        assert event is not None
        assert (event.before, event.after) == (
            {"name": "Social services"},
            {"name": "SOCIAL SERVICES"},
        )


async def test_the_database_refuses_a_second_name_with_one_key(database: Database) -> None:
    # The constraint decides when two people add one name at the same moment.
    async with database.write() as session:
        espoo = await network.add_locality(session, name="Espoo")
        session.add(Organisation(locality_id=espoo.id, name="Kirjasto", name_key="kirjasto"))
        await session.flush()
        session.add(Organisation(locality_id=espoo.id, name="KIRJASTO"))
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_listing_and_deactivating_the_network(database: Database) -> None:
    async with database.write() as session:
        espoo = await network.add_locality(session, name="Espoo")
        social = await network.add_organisation(session, locality=espoo, name="social services")
        red_cross = await network.add_organisation(session, locality=espoo, name="Red Cross")
        family = await network.add_unit(session, organisation=social, name="Family centre")
        youth = await network.add_unit(session, organisation=social, name="youth station")
        network.deactivate_unit(session, youth, actor=None)
        await session.commit()

    async with database.write() as session:
        listed = await localities.organisations(session, espoo.id)
        assert [(o.name, count) for o, count in listed] == [
            ("Red Cross", 0),
            ("social services", 1),
        ]
        units = await localities.units(session, espoo.id)
        assert [(u.name, o.name, u.active) for u, o in units] == [
            ("Family centre", "social services", True),
            ("youth station", "social services", False),
        ]
        assert await localities.units(session, espoo.id, red_cross.id) == []
        stored = await session.get(Organisation, social.id)
        assert stored is not None
        taken_out = await network.deactivate_organisation(session, stored, actor=None)
        assert [unit.id for unit in taken_out] == [family.id]
        await session.commit()

    async with database.read() as session:
        assert [count for _, count in await localities.organisations(session, espoo.id)] == [0, 0]
        assert await localities.unit_by_id(session, espoo.id, youth.id) is not None
        assert await localities.organisation_by_id(session, espoo.id + 1, social.id) is None


async def test_a_lockout_is_listed_and_lifted(database: Database) -> None:
    async with database.write() as session:
        for _ in range(invitations.MAX_FAILURES):
            session.add(FailedRedemption(telegram_id=42))
        session.add(FailedRedemption(telegram_id=43))
        await session.commit()

    async with database.write() as session:
        assert [telegram_id for telegram_id, _ in await invitations.lockouts(session)] == [42]
        assert not await invitations.lift_lockout(session, 43, actor=None)
        assert await invitations.lift_lockout(session, 42, actor=None)
        await session.commit()

    async with database.read() as session:
        assert await invitations.lockouts(session) == []
        assert await invitations.locked_out_until(session, 42) is None


async def test_the_committed_network_lists_active_committed_organisations_and_units(
    database: Database,
) -> None:
    async with database.write() as session:
        espoo = await network.add_locality(session, name="Espoo")
        vantaa = await network.add_locality(session, name="Vantaa")
        committed = {"committed_on": date(2025, 1, 2), "commitment_recorded_by": "Kaisa"}
        social = await network.add_organisation(
            session, locality=espoo, name="social services", **committed
        )
        await network.add_organisation(session, locality=espoo, name="Not yet")
        closed = await network.add_organisation(session, locality=espoo, name="Closed", **committed)
        await network.add_organisation(session, locality=vantaa, name="Airport", **committed)
        await network.add_unit(session, organisation=social, name="Youth station")
        family = await network.add_unit(session, organisation=social, name="family centre")
        await network.add_unit(session, organisation=closed, name="Desk")
        await network.deactivate_organisation(session, closed, actor=None)
        gone = await network.add_unit(session, organisation=social, name="Gone")
        network.deactivate_unit(session, gone, actor=None)
        await session.commit()

    async with database.read() as session:
        listed = await network.committed_network(session, espoo.id)

    assert [(o.name, [u.name for u in units]) for o, units in listed] == [
        ("social services", ["family centre", "Youth station"])
    ]
    assert listed[0][1][0].id == family.id
