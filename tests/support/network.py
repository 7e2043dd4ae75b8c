"""A small Kaikukortti network for tests: two localities, organisations, units and people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from storage import network, people
from storage.db import Database
from storage.models import Role


@dataclass
class Network:
    """Ids of what was created, by short names."""

    localities: dict[str, int] = field(default_factory=dict)
    organisations: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)


async def build_network(database: Database) -> Network:
    """Espoo (Social services: Family centre, Youth station; Red Cross: Helpline) and Vantaa."""
    built = Network()
    async with database.write() as session:
        espoo = await network.add_locality(session, name="Espoo")
        espoo.card_number_examples = ["KK123456"]
        espoo.postal_codes = ["02100-02999"]
        vantaa = await network.add_locality(session, name="Vantaa")
        built.localities = {"espoo": espoo.id, "vantaa": vantaa.id}
        # Each has committed to the national guideline: their units may issue.
        committed = {"committed_on": date(2025, 1, 2), "commitment_recorded_by": "Coordinator"}
        social = await network.add_organisation(
            session, locality=espoo, name="Social services", **committed
        )
        red_cross = await network.add_organisation(
            session, locality=espoo, name="Red Cross", **committed
        )
        airport = await network.add_organisation(
            session, locality=vantaa, name="Airport clinic", **committed
        )
        built.organisations = {
            "social": social.id,
            "red_cross": red_cross.id,
            "airport": airport.id,
        }
        family = await network.add_unit(session, organisation=social, name="Family centre")
        youth = await network.add_unit(session, organisation=social, name="Youth station")
        helpline = await network.add_unit(session, organisation=red_cross, name="Helpline")
        gate = await network.add_unit(session, organisation=airport, name="Gate 1")
        built.units = {
            "family": family.id,
            "youth": youth.id,
            "helpline": helpline.id,
            "gate": gate.id,
        }
        await session.commit()
    return built


async def add_person(
    database: Database,
    telegram_id: int,
    name: str,
    *roles: tuple[Role, int],
    language: str | None = None,
    active: bool = True,
) -> int:
    """A person with roles given as (role, scope id); returns the person's id."""
    async with database.write() as session:
        person = await people.add(
            session, telegram_id=telegram_id, display_name=name, language=language
        )
        for role, scope_id in roles:
            scope = {
                Role.ISSUER: "unit_id",
                Role.CONTACT: "organisation_id",
                Role.COORDINATOR: "locality_id",
            }[role]
            people.grant(session, person, role, **{scope: scope_id})
        person.active = active
        await session.commit()
        return person.id
