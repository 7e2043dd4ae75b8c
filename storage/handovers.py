"""Handing the contact person role over: the role moves only when the successor accepts, so an
organisation is never left without a contact person.

A handover is an invitation into the contact person role that names the leaver: by a one-time
link (anyone), or offered to one of the organisation's issuers (accepted with /takeover).
Accepting grants the successor the role and ends the leaver's, in one transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import audit, invitations, people
from storage.models import (
    Invitation,
    Organisation,
    Person,
    Role,
    RoleAssignment,
    Unit,
    utcnow,
)


class HandoverRefused(enum.StrEnum):
    """Why a contact person could not leave, or an offer could not be taken."""

    LAST_CONTACT = "last_contact"
    NOT_OPEN = "not_open"


class HandoverError(Exception):
    """A handover step was refused; `reason` says why."""

    def __init__(self, reason: HandoverRefused) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Completed:
    """A handover done: who left, who took over, in which organisation."""

    leaver: Person | None
    successor: Person
    organisation: Organisation


async def by_link(
    session: AsyncSession, leaver: Person, organisation: Organisation
) -> tuple[Invitation, str]:
    """A one-time link that makes whoever redeems it the contact person in the leaver's place."""
    invitation, code = await invitations.create(
        session,
        role=Role.CONTACT,
        locality_id=organisation.locality_id,
        organisation_id=organisation.id,
        created_by=leaver,
    )
    invitation.handover_from_id = leaver.id
    return invitation, code


async def offer(
    session: AsyncSession, leaver: Person, organisation: Organisation, successor: Person
) -> Invitation:
    """Offer the role to one of the organisation's issuers (its code is never shown)."""
    invitation, _code = await invitations.create(
        session,
        role=Role.CONTACT,
        locality_id=organisation.locality_id,
        organisation_id=organisation.id,
        created_by=leaver,
    )
    invitation.handover_from_id = leaver.id
    invitation.offered_to_id = successor.id
    return invitation


async def offers_to(session: AsyncSession, person: Person) -> list[tuple[Invitation, str, str]]:
    """Open handovers offered to a person: each with its organisation's and leaver's names."""
    rows = await session.execute(
        select(Invitation, Organisation.name, Person.display_name)
        .join(Organisation, Invitation.organisation_id == Organisation.id)
        .join(Person, Invitation.handover_from_id == Person.id)
        .where(
            Invitation.offered_to_id == person.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def _open_offer(session: AsyncSession, invitation_id: int, person: Person) -> Invitation:
    invitation = await session.scalar(
        select(Invitation).where(Invitation.id == invitation_id).with_for_update()
    )
    if (
        invitation is None
        or invitation.offered_to_id != person.id
        or invitations.state(invitation) != "open"
    ):
        raise HandoverError(HandoverRefused.NOT_OPEN)
    return invitation


async def accept(session: AsyncSession, invitation_id: int, person: Person) -> Completed:
    """The offered issuer takes the role over: granted, and the leaver's role ends."""
    invitation = await _open_offer(session, invitation_id, person)
    organisation_id = invitation.organisation_id or 0
    if not people.holds(person, Role.CONTACT, organisation_id=organisation_id):
        people.grant(session, person, Role.CONTACT, organisation_id=organisation_id, actor=person)
    invitation.used_at = utcnow()
    invitation.used_by_id = person.id
    audit.record(
        session,
        actor=person,
        action="redeem",
        entity="invitation",
        entity_id=invitation.id,
        after={"used_by_id": person.id},
    )
    return await finish(session, invitation, person)


async def decline(session: AsyncSession, invitation_id: int, person: Person) -> Invitation:
    """The offered issuer says no: the offer is withdrawn; the leaver stays."""
    invitation = await _open_offer(session, invitation_id, person)
    invitation.revoked_at = utcnow()
    audit.record(
        session,
        actor=person,
        action="decline",
        entity="invitation",
        entity_id=invitation.id,
        after={"revoked_at": invitation.revoked_at.isoformat()},
    )
    return invitation


async def finish(session: AsyncSession, invitation: Invitation, successor: Person) -> Completed:
    """After the successor got the role: the leaver's contact role in the organisation ends."""
    organisation = await session.get(Organisation, invitation.organisation_id or 0)
    if organisation is None:
        raise LookupError("a handover names no organisation")
    leaver = await people.by_id(session, invitation.handover_from_id or 0)
    if leaver is not None and leaver.id != successor.id:
        await withdraw(session, leaver, Role.CONTACT, organisation_id=organisation.id, actor=leaver)
    # The leaver's other open handovers of this organisation are done with: the role has moved.
    others = await session.scalars(
        select(Invitation).where(
            Invitation.handover_from_id == invitation.handover_from_id,
            Invitation.organisation_id == organisation.id,
            Invitation.id != invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    )
    for other in others:
        other.revoked_at = utcnow()
        audit.record(
            session,
            actor=successor,
            action="revoke",
            entity="invitation",
            entity_id=other.id,
            after={"revoked_at": other.revoked_at.isoformat()},
        )
    return Completed(leaver=leaver, successor=successor, organisation=organisation)


async def withdraw(
    session: AsyncSession,
    person: Person,
    role: Role,
    *,
    unit_id: int | None = None,
    organisation_id: int | None = None,
    actor: Person | None,
) -> bool:
    """End one role of a person in one scope (their other roles stay); True if they had it."""
    found = [
        a
        for a in person.roles
        if (a.role, a.unit_id, a.organisation_id) == (role, unit_id, organisation_id)
    ]
    if not found:
        return False
    for assignment in found:
        person.roles.remove(assignment)
    await session.flush()
    audit.record(
        session,
        actor=actor,
        action="withdraw_role",
        entity="person",
        entity_id=person.id,
        before={"role": role.value, "unit_id": unit_id, "organisation_id": organisation_id},
        after=None,
    )
    return True


async def leave(session: AsyncSession, person: Person, organisation_id: int) -> None:
    """A contact person leaves while others remain; the last one leaves only by a handover."""
    others = await session.scalar(
        select(RoleAssignment.id)
        .join(Person, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.role == Role.CONTACT,
            RoleAssignment.organisation_id == organisation_id,
            RoleAssignment.person_id != person.id,
            Person.active,
        )
        .limit(1)
    )
    if others is None:
        raise HandoverError(HandoverRefused.LAST_CONTACT)
    await withdraw(session, person, Role.CONTACT, organisation_id=organisation_id, actor=person)


async def issuers_of(session: AsyncSession, organisation_id: int) -> list[Person]:
    """The active issuers of an organisation's units, by name."""
    ids = (
        select(RoleAssignment.person_id)
        .join(Unit, RoleAssignment.unit_id == Unit.id)
        .where(RoleAssignment.role == Role.ISSUER, Unit.organisation_id == organisation_id)
    )
    result = await session.execute(
        select(Person)
        .options(joinedload(Person.roles))
        .where(Person.id.in_(ids), Person.active)
        .order_by(Person.display_name, Person.id)
    )
    return list(result.unique().scalars())
