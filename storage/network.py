"""Localities, organisations and units: the Kaikukortti network."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Locality, Organisation, Person, Unit
from storage.names import LONGEST_NAME, clean_name, name_key

# Who recorded the commitments of the organisations already in the network at migration 0012.
RECORDED_AT_UPGRADE = "recorded at upgrade"


class NameRefused(ValueError):
    """A name that cannot be given; the command line and the chat say why in their words."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class EmptyName(NameRefused):
    """The name is empty once trimmed."""


class NameTooLong(NameRefused):
    """The name is longer than a name may be (storage.names.LONGEST_NAME)."""


class NameTaken(NameRefused):
    """Another organisation of the locality, or unit of the organisation, has this name
    (whatever its case)."""


def _checked_name(name: str) -> str:
    """The name as stored, or raise EmptyName / NameTooLong."""
    cleaned = clean_name(name)
    if not cleaned:
        raise EmptyName(name)
    if len(cleaned) > LONGEST_NAME:
        raise NameTooLong(cleaned)
    return cleaned


async def _flush_named(session: AsyncSession, name: str) -> None:
    """Write the row; two people giving one name at the same moment: the constraint decides."""
    try:
        await session.flush()
    except IntegrityError:
        raise NameTaken(name) from None


async def organisation_named(
    session: AsyncSession, locality_id: int, name: str
) -> Organisation | None:
    """A locality's organisation by its name, whatever its case."""
    return await session.scalar(
        select(Organisation).where(
            Organisation.locality_id == locality_id, Organisation.name_key == name_key(name)
        )
    )


async def unit_named(session: AsyncSession, organisation_id: int, name: str) -> Unit | None:
    """An organisation's unit by its name, whatever its case."""
    return await session.scalar(
        select(Unit).where(Unit.organisation_id == organisation_id, Unit.name_key == name_key(name))
    )


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
    committed_on: date | None = None,
    commitment_recorded_by: str | None = None,
    actor: Person | None = None,
) -> Organisation:
    """Add an organisation to a locality's network, with its commitment to the national
    guideline when it has made one; raises NameRefused for an empty name or one the locality
    has (whatever its case)."""
    name = _checked_name(name)
    if await organisation_named(session, locality.id, name) is not None:
        raise NameTaken(name)
    organisation = Organisation(
        locality_id=locality.id, name=name, name_key=name_key(name), kind=kind
    )
    session.add(organisation)
    await _flush_named(session, name)
    audit.record(
        session,
        actor=actor,
        action="add",
        entity="organisation",
        entity_id=organisation.id,
        after={"locality_id": locality.id, "name": name, "kind": kind},
    )
    if committed_on is not None:
        record_commitment(
            session,
            organisation,
            committed_on=committed_on,
            recorded_by=commitment_recorded_by or (actor.display_name if actor else ""),
            actor=actor,
        )
    return organisation


def record_commitment(
    session: AsyncSession,
    organisation: Organisation,
    *,
    committed_on: date,
    recorded_by: str,
    actor: Person | None,
) -> None:
    """Record the organisation's commitment to the national guideline: its units may issue."""
    before = organisation.committed_on
    organisation.committed_on = committed_on
    organisation.commitment_recorded_by = recorded_by
    audit.record(
        session,
        actor=actor,
        action="record_commitment",
        entity="organisation",
        entity_id=organisation.id,
        before={"committed_on": before.isoformat() if before else None},
        after={"committed_on": committed_on.isoformat(), "recorded_by": recorded_by},
    )


def committed(organisation: Organisation) -> bool:
    """Whether the organisation's commitment to the national guideline is recorded."""
    return organisation.committed_on is not None


async def add_unit(
    session: AsyncSession, *, organisation: Organisation, name: str, actor: Person | None = None
) -> Unit:
    """Add a unit to an organisation; raises NameRefused for an empty name or one the
    organisation has (whatever its case)."""
    name = _checked_name(name)
    if await unit_named(session, organisation.id, name) is not None:
        raise NameTaken(name)
    unit = Unit(organisation_id=organisation.id, name=name, name_key=name_key(name))
    session.add(unit)
    await _flush_named(session, name)
    audit.record(
        session,
        actor=actor,
        action="add",
        entity="unit",
        entity_id=unit.id,
        after={"organisation_id": organisation.id, "name": name},
    )
    return unit


async def rename_organisation(
    session: AsyncSession, organisation: Organisation, name: str, *, actor: Person | None
) -> None:
    """Give an organisation a new name (a change of case only is a rename too); raises
    NameRefused for an empty name or one another organisation of the locality has."""
    name = _checked_name(name)
    other = await organisation_named(session, organisation.locality_id, name)
    if other is not None and other.id != organisation.id:
        raise NameTaken(name)
    before = organisation.name
    if name == before:
        return
    organisation.name, organisation.name_key = name, name_key(name)
    await _flush_named(session, name)
    audit.record(
        session,
        actor=actor,
        action="rename",
        entity="organisation",
        entity_id=organisation.id,
        before={"name": before},
        after={"name": name},
    )


async def rename_unit(
    session: AsyncSession, unit: Unit, name: str, *, actor: Person | None
) -> None:
    """Give a unit a new name; raises NameRefused for an empty name or one another unit of the
    organisation has."""
    name = _checked_name(name)
    other = await unit_named(session, unit.organisation_id, name)
    if other is not None and other.id != unit.id:
        raise NameTaken(name)
    before = unit.name
    if name == before:
        return
    unit.name, unit.name_key = name, name_key(name)
    await _flush_named(session, name)
    audit.record(
        session,
        actor=actor,
        action="rename",
        entity="unit",
        entity_id=unit.id,
        before={"name": before},
        after={"name": name},
    )


async def deactivate_organisation(
    session: AsyncSession, organisation: Organisation, *, actor: Person | None
) -> list[Unit]:
    """Take an organisation out of the network, with its active units (returned): nobody can
    issue for them or be invited into them; what was issued stays."""
    units = list(
        await session.scalars(
            select(Unit).where(Unit.organisation_id == organisation.id, Unit.active)
        )
    )
    organisation.active = False
    for unit in units:
        unit.active = False
    audit.record(
        session,
        actor=actor,
        action="deactivate",
        entity="organisation",
        entity_id=organisation.id,
        before={"active": True, "active_unit_ids": [unit.id for unit in units]},
        after={"active": False},
    )
    return units


def deactivate_unit(session: AsyncSession, unit: Unit, *, actor: Person | None) -> None:
    """Take a unit out of the network: nobody can issue for it or be invited into it."""
    unit.active = False
    audit.record(
        session,
        actor=actor,
        action="deactivate",
        entity="unit",
        entity_id=unit.id,
        before={"active": True},
        after={"active": False},
    )


async def committed_network(
    session: AsyncSession, locality_id: int
) -> list[tuple[Organisation, list[Unit]]]:
    """The locality's active organisations with a recorded commitment, each with its active
    units, by name: what the local brochure and website list."""
    organisations = list(
        await session.scalars(
            select(Organisation)
            .where(
                Organisation.locality_id == locality_id,
                Organisation.active,
                Organisation.committed_on.is_not(None),
            )
            .order_by(Organisation.name_key)
        )
    )
    units = await session.scalars(
        select(Unit)
        .where(Unit.organisation_id.in_([o.id for o in organisations]), Unit.active)
        .order_by(Unit.name_key)
    )
    by_organisation: dict[int, list[Unit]] = {o.id: [] for o in organisations}
    for unit in units:
        by_organisation[unit.organisation_id].append(unit)
    return [(o, by_organisation[o.id]) for o in organisations]
