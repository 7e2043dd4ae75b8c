"""A person asks to be forgotten: their name and contact details go, their roles end, and
only what the audit log needs stays, under a pseudonym ("Former user #12").

The person row itself stays (cards and audit events refer to it by id), but nothing in it
identifies anyone any more: not the name, not the Telegram id, not the languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit, contact_details, join_links, people
from storage.models import AuditEvent, ContactDetails, Draft, FailedRedemption, Locality, Person

# What the audit log held about a person that identifies them.
IDENTIFYING = ("display_name", "telegram_id")


@dataclass(frozen=True, slots=True)
class Posts:
    """The posts a person is the last holder of: they must be handed over first."""

    organisations: list[str]
    localities: list[str]


async def last_in_post(session: AsyncSession, person: Person) -> Posts:
    """The organisations whose last contact person, and the localities whose last coordinator,
    this person is."""
    organisations = []
    for organisation_id in sorted(people.organisation_ids(person)):
        holders = await contact_details.contact_persons(session, organisation_id)
        if [p.id for p in holders] == [person.id]:
            organisation = await contact_details.organisation(session, organisation_id)
            if organisation is not None and organisation.active:
                organisations.append(organisation.name)
    localities = []
    for locality_id in sorted(people.locality_ids(person)):
        holders = await contact_details.coordinators(session, locality_id)
        if [p.id for p in holders] == [person.id]:
            locality = await session.get(Locality, locality_id)
            if locality is not None:
                localities.append(locality.name)
    return Posts(organisations, localities)


def pseudonym(person: Person) -> str:
    """What a forgotten person is called from now on."""
    return f"Former user #{person.id}"


async def forget(session: AsyncSession, person: Person) -> None:
    """End the person's roles and remove everything that identifies them."""
    await people.withdraw_roles(session, person, actor=person)
    telegram_id = person.telegram_id
    await session.execute(delete(Draft).where(Draft.user_id == telegram_id))
    await session.execute(
        delete(FailedRedemption).where(FailedRedemption.telegram_id == telegram_id)
    )
    await join_links.forget(session, telegram_id)
    await _pseudonymise_audit(session, person)
    stored = await session.get(ContactDetails, person.id)
    if stored is not None:
        await session.delete(stored)
    person.display_name = pseudonym(person)
    # Telegram ids are positive: a negative one keeps the column unique and matches no one.
    person.telegram_id = -person.id
    person.language = person.telegram_language = None
    person.blocked_bot_at = None
    person.active = False
    audit.record(
        session,
        actor=person,
        action="forget",
        entity="person",
        entity_id=person.id,
        after={"fields": ["name", "title", "phone", "email", "telegram_id", "language"]},
    )


async def _pseudonymise_audit(session: AsyncSession, person: Person) -> None:
    """Replace the name and Telegram id in the person's own audit events."""
    events = await session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "person", AuditEvent.entity_id == person.id)
    )
    for event in events:
        event.before = _scrubbed(event.before, person)
        event.after = _scrubbed(event.after, person)


def _scrubbed(values: dict[str, Any] | None, person: Person) -> dict[str, Any] | None:
    if values is None or not any(key in values for key in IDENTIFYING):
        return values
    # A new dict: the JSON column sees only assignments, not changes inside.
    return {
        key: (pseudonym(person) if key == "display_name" else None) if key in IDENTIFYING else value
        for key, value in values.items()
    }
