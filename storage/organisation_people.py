"""An organisation's people as its contact persons manage them: units, issuers, invitations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import handovers
from storage.models import Invitation, Person, Role, RoleAssignment, Unit, utcnow


async def units_with_issuers(
    session: AsyncSession, organisation_id: int
) -> list[tuple[Unit, list[Person]]]:
    """The organisation's active units by name, each with its active issuers by name."""
    units = list(
        await session.scalars(
            select(Unit)
            .where(Unit.organisation_id == organisation_id, Unit.active)
            .order_by(Unit.name)
        )
    )
    if not units:
        return []
    result = await session.execute(
        select(RoleAssignment.unit_id, Person)
        .join(Person, RoleAssignment.person_id == Person.id)
        .options(joinedload(Person.roles))
        .where(
            RoleAssignment.role == Role.ISSUER,
            RoleAssignment.unit_id.in_([unit.id for unit in units]),
            Person.active,
        )
        .order_by(Person.display_name, Person.id)
    )
    issuers: dict[int, list[Person]] = {unit.id: [] for unit in units}
    for unit_id, person in result.unique():
        if unit_id is not None:
            issuers[unit_id].append(person)
    return [(unit, issuers[unit.id]) for unit in units]


async def open_invitations(session: AsyncSession, organisation_id: int) -> list[Invitation]:
    """Unused, unexpired issuer invitations into the organisation's units, oldest first."""
    units = select(Unit.id).where(Unit.organisation_id == organisation_id)
    return list(
        await session.scalars(
            select(Invitation)
            .where(
                Invitation.role == Role.ISSUER,
                Invitation.unit_id.in_(units),
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.id)
        )
    )


async def remove_issuer(
    session: AsyncSession, person: Person, organisation_id: int, *, actor: Person
) -> list[int]:
    """End a person's issuer roles in the organisation's units (their roles elsewhere, and the
    cards they issued, stay); returns the units they left."""
    units = set(
        await session.scalars(select(Unit.id).where(Unit.organisation_id == organisation_id))
    )
    left = sorted(a.unit_id for a in person.roles if a.role is Role.ISSUER and a.unit_id in units)
    for unit_id in left:
        await handovers.withdraw(session, person, Role.ISSUER, unit_id=unit_id, actor=actor)
    return left
