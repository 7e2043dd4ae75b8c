"""Staff's own work details (name, title, phone, e-mail), who sees them, and whom to ask.

These are the details of the people who run Kaikukortti, never of clients: the one place
where phone numbers and e-mail addresses belong.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import audit
from storage.models import ContactDetails, Organisation, Person, Role, RoleAssignment

# The details a person may share with colleagues (the name always shows).
SHAREABLE = ("title", "phone", "email")


@dataclass
class Details:
    """A person's work details as they read and change them."""

    name: str
    title: str | None = None
    phone: str | None = None
    email: str | None = None
    shared: tuple[str, ...] = ()

    def visible(self) -> Details:
        """Only what the person chose to share with colleagues."""
        return Details(
            name=self.name,
            title=self.title if "title" in self.shared else None,
            phone=self.phone if "phone" in self.shared else None,
            email=self.email if "email" in self.shared else None,
            shared=self.shared,
        )


async def of(session: AsyncSession, person: Person) -> Details:
    """A person's details (only the name until they add more)."""
    stored = await session.get(ContactDetails, person.id)
    if stored is None:
        return Details(name=person.display_name)
    return _details(person, stored)


def _details(person: Person, stored: ContactDetails) -> Details:
    return Details(
        name=person.display_name,
        title=stored.title,
        phone=stored.phone,
        email=stored.email,
        shared=tuple(field for field in SHAREABLE if field in stored.shared),
    )


async def save(session: AsyncSession, person: Person, details: Details) -> list[str]:
    """Store a person's details; returns the fields that changed (the audit log names them,
    never their values)."""
    before = await of(session, person)
    changed = [
        field
        for field in ("name", "title", "phone", "email", "shared")
        if getattr(before, field) != getattr(details, field)
    ]
    if not changed:
        return []
    person.display_name = details.name
    stored = await session.get(ContactDetails, person.id)
    if stored is None:
        stored = ContactDetails(person_id=person.id)
        session.add(stored)
    stored.title = details.title
    stored.phone = details.phone
    stored.email = details.email
    stored.shared = [field for field in SHAREABLE if field in details.shared]
    await session.flush()  # read back as stored by whatever follows in this transaction
    audit.record(
        session,
        actor=person,
        action="change_details",
        entity="person",
        entity_id=person.id,
        after={"fields": changed},
    )
    return changed


def set_guideline_url(
    session: AsyncSession, organisation: Organisation, url: str | None, *, actor: Person
) -> bool:
    """Store the link to an organisation's internal Kaikukortti instructions; True if changed."""
    if organisation.guideline_url == url:
        return False
    organisation.guideline_url = url
    audit.record(
        session,
        actor=actor,
        action="change_guideline_url",
        entity="organisation",
        entity_id=organisation.id,
        after={"fields": ["guideline_url"]},
    )
    return True


async def organisation(session: AsyncSession, organisation_id: int) -> Organisation | None:
    """An organisation by id."""
    return await session.get(Organisation, organisation_id)


async def _holders(session: AsyncSession, *condition: object) -> list[Person]:
    ids = select(RoleAssignment.person_id).where(*condition)  # type: ignore[arg-type]
    result = await session.execute(
        select(Person)
        .options(joinedload(Person.roles))
        .where(Person.id.in_(ids), Person.active)
        .order_by(Person.display_name, Person.id)
    )
    return list(result.unique().scalars())


async def contact_persons(session: AsyncSession, organisation_id: int) -> list[Person]:
    """An organisation's active contact persons, by name."""
    return await _holders(
        session,
        RoleAssignment.role == Role.CONTACT,
        RoleAssignment.organisation_id == organisation_id,
    )


async def coordinators(session: AsyncSession, locality_id: int) -> list[Person]:
    """A locality's active coordinators, by name."""
    return await _holders(
        session,
        RoleAssignment.role == Role.COORDINATOR,
        RoleAssignment.locality_id == locality_id,
    )


async def details_of_many(session: AsyncSession, persons: list[Person]) -> dict[int, Details]:
    """The details of several people, by person id, in one query."""
    stored = {
        row.person_id: row
        for row in await session.scalars(
            select(ContactDetails).where(ContactDetails.person_id.in_([p.id for p in persons]))
        )
    }
    return {
        p.id: _details(p, stored[p.id]) if p.id in stored else Details(name=p.display_name)
        for p in persons
    }


async def without_contact_person(
    session: AsyncSession, locality_id: int | None = None
) -> list[Organisation]:
    """Active organisations (of a locality, or all) that have no active contact person."""
    holders = (
        select(RoleAssignment.organisation_id)
        .join(Person, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.role == Role.CONTACT, Person.active)
    )
    query = select(Organisation).where(Organisation.active, Organisation.id.not_in(holders))
    if locality_id is not None:
        query = query.where(Organisation.locality_id == locality_id)
    return list(await session.scalars(query.order_by(Organisation.name)))
