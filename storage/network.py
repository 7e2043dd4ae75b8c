"""Localities, organisations and units: the Kaikukortti network."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Locality, Organisation, Person, Unit


async def locality_by_name(session: AsyncSession, name: str) -> Locality | None:
    """The locality with this name, if any."""
    return await session.scalar(select(Locality).where(Locality.name == name))


async def add_locality(
    session: AsyncSession, *, name: str, actor: Person | None = None
) -> Locality:
    """Create a locality."""
    locality = Locality(name=name, card_number_examples=[], postal_codes=[])
    session.add(locality)
    await session.flush()
    audit.record(
        session,
        actor=actor,
        action="add",
        entity="locality",
        entity_id=locality.id,
        after={"name": name},
    )
    return locality


async def add_organisation(
    session: AsyncSession,
    *,
    locality: Locality,
    name: str,
    kind: str = "",
    actor: Person | None = None,
) -> Organisation:
    """Add an organisation to a locality's network."""
    organisation = Organisation(locality_id=locality.id, name=name, kind=kind)
    session.add(organisation)
    await session.flush()
    audit.record(
        session,
        actor=actor,
        action="add",
        entity="organisation",
        entity_id=organisation.id,
        after={"locality_id": locality.id, "name": name, "kind": kind},
    )
    return organisation


async def add_unit(
    session: AsyncSession, *, organisation: Organisation, name: str, actor: Person | None = None
) -> Unit:
    """Add a unit to an organisation."""
    unit = Unit(organisation_id=organisation.id, name=name)
    session.add(unit)
    await session.flush()
    audit.record(
        session,
        actor=actor,
        action="add",
        entity="unit",
        entity_id=unit.id,
        after={"organisation_id": organisation.id, "name": name},
    )
    return unit
