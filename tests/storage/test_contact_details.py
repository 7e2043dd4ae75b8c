"""Staff's own details, whom to ask, empty posts and handovers, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import contact_details, handovers, people
from storage.contact_details import Details
from storage.db import Database
from storage.handovers import HandoverError
from storage.models import AuditEvent, Role
from tests.support.network import Network, add_person, build_network


@pytest.fixture
async def espoo(database: Database) -> Network:
    return await build_network(database)


async def test_details_are_stored_and_the_audit_log_names_the_fields_never_their_values(
    database: Database, espoo: Network
) -> None:
    kalle = await add_person(database, 11, "Kalle", (Role.CONTACT, espoo.organisations["social"]))
    async with database.write() as session:
        person = await people.by_id(session, kalle)
        assert person is not None
        assert await contact_details.of(session, person) == Details(name="Kalle")
        changed = await contact_details.save(
            session, person, Details("Kalle V", None, "+358401234567", None, ("phone",))
        )
        assert (
            await contact_details.save(
                session, person, Details("Kalle V", None, "+358401234567", None, ("phone",))
            )
            == []
        )
        await session.commit()
    assert changed == ["name", "phone", "shared"]
    async with database.read() as session:
        person = await people.by_id(session, kalle)
        assert person is not None
        stored = await contact_details.of(session, person)
        events = list(
            await session.scalars(
                select(AuditEvent.after).where(AuditEvent.action == "change_details")
            )
        )
    assert stored == Details("Kalle V", None, "+358401234567", None, ("phone",))
    assert stored.visible().phone == "+358401234567"
    assert Details("K", "Boss", None, "k@example.fi", ()).visible() == Details("K", shared=())
    assert events == [{"fields": ["name", "phone", "shared"]}]


async def test_whom_to_ask_and_organisations_without_a_contact_person(
    database: Database, espoo: Network
) -> None:
    await add_person(database, 11, "Kalle", (Role.CONTACT, espoo.organisations["social"]))
    await add_person(
        database, 12, "Kerttu", (Role.CONTACT, espoo.organisations["red_cross"]), active=False
    )
    await add_person(database, 13, "Kaisa", (Role.COORDINATOR, espoo.localities["espoo"]))
    async with database.read() as session:
        social = await contact_details.contact_persons(session, espoo.organisations["social"])
        coordinators = await contact_details.coordinators(session, espoo.localities["espoo"])
        empty = await contact_details.without_contact_person(session, espoo.localities["espoo"])
        everywhere = await contact_details.without_contact_person(session)
    assert [p.display_name for p in social] == ["Kalle"]
    assert [p.display_name for p in coordinators] == ["Kaisa"]
    assert [o.name for o in empty] == ["Red Cross"]  # its only contact person is deactivated
    assert [o.name for o in everywhere] == ["Airport clinic", "Red Cross"]


async def test_an_accepted_handover_moves_the_role_in_one_transaction(
    database: Database, espoo: Network
) -> None:
    social = espoo.organisations["social"]
    kalle = await add_person(database, 11, "Kalle", (Role.CONTACT, social))
    iida = await add_person(database, 12, "Iida", (Role.ISSUER, espoo.units["family"]))
    async with database.write() as session:
        leaver, successor = await people.by_id(session, kalle), await people.by_id(session, iida)
        organisation = await contact_details.organisation(session, social)
        assert leaver is not None
        assert successor is not None
        assert organisation is not None
        assert [p.id for p in await handovers.issuers_of(session, social)] == [iida]
        offer = await handovers.offer(session, leaver, organisation, successor)
        await session.commit()
        offered = await handovers.offers_to(session, successor)
        assert [(i.id, o, n) for i, o, n in offered] == [(offer.id, "Social services", "Kalle")]
        done = await handovers.accept(session, offer.id, successor)
        await session.commit()
    assert done.leaver is not None
    assert (done.leaver.id, done.successor.id) == (kalle, iida)
    async with database.write() as session:
        assert [p.id for p in await contact_details.contact_persons(session, social)] == [iida]
        successor = await people.by_id(session, iida)
        assert successor is not None
        with pytest.raises(HandoverError):  # once only
            await handovers.accept(session, offer.id, successor)
        with pytest.raises(HandoverError):  # the last contact person leaves only by a handover
            await handovers.leave(session, successor, social)
