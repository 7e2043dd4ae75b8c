"""Names and membership of the places a role is scoped to: units, organisations, localities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invitation, Locality, Organisation, Person, Role, RoleAssignment, Unit


@dataclass(frozen=True, slots=True)
class RoleDescription:
    """A role with the names of its scope, for people to read."""

    role: Role
    locality: str
    organisation: str | None = None
    unit: str | None = None


async def describe(
    session: AsyncSession, assignments: list[RoleAssignment]
) -> list[RoleDescription]:
    """Readable descriptions of role assignments, by role and then by place (one query per
    kind of scope at most)."""
    unit_ids = {a.unit_id for a in assignments if a.unit_id}
    organisation_ids = {a.organisation_id for a in assignments if a.organisation_id}
    locality_ids = {a.locality_id for a in assignments if a.locality_id}
    units: dict[int, tuple[str, str, str]] = {}
    if unit_ids:
        rows = await session.execute(
            select(Unit.id, Unit.name, Organisation.name, Locality.name)
            .join(Organisation, Unit.organisation_id == Organisation.id)
            .join(Locality, Organisation.locality_id == Locality.id)
            .where(Unit.id.in_(unit_ids))
        )
        units = {row[0]: (row[1], row[2], row[3]) for row in rows}
    organisations: dict[int, tuple[str, str]] = {}
    if organisation_ids:
        rows = await session.execute(
            select(Organisation.id, Organisation.name, Locality.name)
            .join(Locality, Organisation.locality_id == Locality.id)
            .where(Organisation.id.in_(organisation_ids))
        )
        organisations = {row[0]: (row[1], row[2]) for row in rows}
    localities: dict[int, str] = {}
    if locality_ids:
        rows = await session.execute(
            select(Locality.id, Locality.name).where(Locality.id.in_(locality_ids))
        )
        localities = {row[0]: row[1] for row in rows}
    described = []
    for a in assignments:
        if a.unit_id in units:
            unit, organisation, locality = units[a.unit_id]
            described.append(RoleDescription(a.role, locality, organisation, unit))
        elif a.organisation_id in organisations:
            organisation, locality = organisations[a.organisation_id]
            described.append(RoleDescription(a.role, locality, organisation))
        elif a.locality_id in localities:
            described.append(RoleDescription(a.role, localities[a.locality_id]))
    # The database returns a person's roles in no particular order; people read a stable one.
    ranks = {role: rank for rank, role in enumerate(Role)}
    return sorted(
        described,
        key=lambda d: (ranks[d.role], d.locality, d.organisation or "", d.unit or ""),
    )


async def unit_in_locality(session: AsyncSession, unit_id: int, locality_id: int) -> Unit | None:
    """An active unit, only if it belongs to the locality."""
    return await session.scalar(
        select(Unit)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(Unit.id == unit_id, Organisation.locality_id == locality_id, Unit.active)
    )


async def organisation_in_locality(
    session: AsyncSession, organisation_id: int, locality_id: int
) -> Organisation | None:
    """An active organisation, only if it belongs to the locality."""
    return await session.scalar(
        select(Organisation).where(
            Organisation.id == organisation_id,
            Organisation.locality_id == locality_id,
            Organisation.active,
        )
    )


async def organisations_of(session: AsyncSession, locality_id: int) -> list[Organisation]:
    """A locality's active organisations by name."""
    return list(
        await session.scalars(
            select(Organisation)
            .where(Organisation.locality_id == locality_id, Organisation.active)
            .order_by(Organisation.name)
        )
    )


async def units_of(session: AsyncSession, organisation_id: int) -> list[Unit]:
    """An organisation's active units by name."""
    return list(
        await session.scalars(
            select(Unit)
            .where(Unit.organisation_id == organisation_id, Unit.active)
            .order_by(Unit.name)
        )
    )


def coordinated_locality(person: Person | None) -> int | None:
    """The locality a coordinator coordinates (the first, if several)."""
    if person is None:
        return None
    ids = sorted(
        a.locality_id for a in person.roles if a.role is Role.COORDINATOR and a.locality_id
    )
    return ids[0] if ids else None


async def describe_invitation(session: AsyncSession, invitation: Invitation) -> RoleDescription:
    """What an invitation gives, with names."""
    assignment = RoleAssignment(
        role=invitation.role,
        unit_id=invitation.unit_id if invitation.role is Role.ISSUER else None,
        organisation_id=invitation.organisation_id if invitation.role is Role.CONTACT else None,
        locality_id=invitation.locality_id if invitation.role is Role.COORDINATOR else None,
    )
    (described,) = await describe(session, [assignment])
    return described


@dataclass(frozen=True, slots=True)
class IssuingUnit:
    """A unit an issuer may issue cards for, with its locality's rules."""

    id: int
    name: str
    organisation: str
    card_examples: list[str]
    postal_codes: list[str]
    validity_months: int
    pilot_end: date | None
    # Whether its organisation's commitment to the national guideline is recorded: the
    # precondition for issuing.
    committed: bool


# Every new form reads this, so it is built once (see storage.people).
_ISSUING_UNITS = (
    select(Unit.id, Unit.name, Organisation.name, Organisation.committed_on, Locality)
    .join(Organisation, Unit.organisation_id == Organisation.id)
    .join(Locality, Organisation.locality_id == Locality.id)
    .where(Unit.id.in_(bindparam("unit_ids", expanding=True)), Unit.active, Organisation.active)
    .order_by(Unit.name)
)


async def issuing_units(session: AsyncSession, unit_ids: set[int]) -> list[IssuingUnit]:
    """The active units among these, each with its locality's card rules, by name."""
    if not unit_ids:
        return []
    rows = await session.execute(_ISSUING_UNITS, {"unit_ids": sorted(unit_ids)})
    return [
        IssuingUnit(
            id=unit_id,
            name=name,
            organisation=organisation,
            card_examples=list(locality.card_number_examples),
            postal_codes=list(locality.postal_codes),
            validity_months=locality.validity_months,
            pilot_end=locality.pilot_end_date,
            committed=committed_on is not None,
        )
        for unit_id, name, organisation, committed_on, locality in rows
    ]
