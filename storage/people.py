"""People who use the bot and their roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import audit
from storage.models import Person, Role, RoleAssignment


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    """The person with this Telegram user id and their roles, in one query."""
    result = await session.execute(
        select(Person).options(joinedload(Person.roles)).where(Person.telegram_id == telegram_id)
    )
    return result.unique().scalar_one_or_none()


async def add(
    session: AsyncSession,
    *,
    telegram_id: int,
    display_name: str,
    language: str | None = None,
    actor: Person | None = None,
) -> Person:
    """Add a person (invitations and the command line do this)."""
    person = Person(telegram_id=telegram_id, display_name=display_name, language=language)
    person.roles = []
    session.add(person)
    await session.flush()
    audit.record(
        session,
        actor=actor,
        action="add",
        entity="person",
        entity_id=person.id,
        after={"telegram_id": telegram_id, "display_name": display_name, "language": language},
    )
    return person


def grant(
    session: AsyncSession,
    person: Person,
    role: Role,
    *,
    unit_id: int | None = None,
    organisation_id: int | None = None,
    locality_id: int | None = None,
    actor: Person | None = None,
) -> RoleAssignment:
    """Give a person a role within its scope."""
    assignment = RoleAssignment(
        role=role, unit_id=unit_id, organisation_id=organisation_id, locality_id=locality_id
    )
    person.roles.append(assignment)
    audit.record(
        session,
        actor=actor,
        action="grant",
        entity="person",
        entity_id=person.id,
        after={
            "role": role.value,
            "unit_id": unit_id,
            "organisation_id": organisation_id,
            "locality_id": locality_id,
        },
    )
    return assignment


def set_language(session: AsyncSession, person: Person, language: str) -> None:
    """Store the language a person chose for the bot."""
    before = person.language
    person.language = language
    audit.record(
        session,
        actor=person,
        action="set_language",
        entity="person",
        entity_id=person.id,
        before={"language": before},
        after={"language": language},
    )
