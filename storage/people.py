"""People who use the bot and their roles."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import audit
from storage.models import Draft, Organisation, Person, Role, RoleAssignment, Unit, utcnow


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    """The person with this Telegram user id and their roles, in one query."""
    result = await session.execute(
        select(Person).options(joinedload(Person.roles)).where(Person.telegram_id == telegram_id)
    )
    return result.unique().scalar_one_or_none()


async def with_draft(
    session: AsyncSession, telegram_id: int, *, chat_id: int
) -> tuple[Person | None, Draft | None]:
    """The person, their roles and their draft in this chat (a person has at most one form
    open; should there be more, the latest), in one query."""
    result = await session.execute(
        select(Person, Draft)
        .outerjoin(Draft, and_(Draft.user_id == Person.telegram_id, Draft.chat_id == chat_id))
        .options(joinedload(Person.roles))
        .where(Person.telegram_id == telegram_id)
        .order_by(Draft.updated_at.desc())
    )
    row = result.unique().first()
    return (row[0], row[1]) if row else (None, None)


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


async def withdraw_roles(session: AsyncSession, person: Person, *, actor: Person | None) -> None:
    """Take every role away from a person (a deactivated person starts again from none)."""
    if not person.roles:
        return
    before = [
        {
            "role": a.role.value,
            "unit_id": a.unit_id,
            "organisation_id": a.organisation_id,
            "locality_id": a.locality_id,
        }
        for a in person.roles
    ]
    person.roles.clear()
    # The rows go now: a role given back in the same transaction would collide with its old row
    # (the unit of work inserts before it deletes).
    await session.flush()
    audit.record(
        session,
        actor=actor,
        action="withdraw_roles",
        entity="person",
        entity_id=person.id,
        before={"roles": before},
        after={"roles": []},
    )


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


def holds(
    person: Person,
    role: Role,
    *,
    unit_id: int | None = None,
    organisation_id: int | None = None,
    locality_id: int | None = None,
) -> bool:
    """Whether the person already has this role in this scope."""
    return any(
        (a.role, a.unit_id, a.organisation_id, a.locality_id)
        == (role, unit_id, organisation_id, locality_id)
        for a in person.roles
    )


def set_active(
    session: AsyncSession, person: Person, *, active: bool, actor: Person | None
) -> None:
    """End a person's access at once, or give it back."""
    before = person.active
    person.active = active
    audit.record(
        session,
        actor=actor,
        action="activate" if active else "deactivate",
        entity="person",
        entity_id=person.id,
        before={"active": before},
        after={"active": active},
    )


def note_message(person: Person, telegram_language: str | None) -> None:
    """Keep what a message from the person tells: Telegram's language (for messages the bot
    sends on its own), and that they have not blocked the bot (any more)."""
    if telegram_language and person.telegram_language != telegram_language[:16]:
        person.telegram_language = telegram_language[:16]
    if person.blocked_bot_at is not None:
        person.blocked_bot_at = None


def mark_blocked(person: Person, blocked: bool) -> None:
    """Remember whether the person has blocked the bot (Telegram answered 403)."""
    person.blocked_bot_at = utcnow() if blocked else None


async def by_id(session: AsyncSession, person_id: int) -> Person | None:
    """A person and their roles by our own id."""
    result = await session.execute(
        select(Person).options(joinedload(Person.roles)).where(Person.id == person_id)
    )
    return result.unique().scalar_one_or_none()


def _in_locality(locality_id: int) -> ColumnElement[bool]:
    """Role assignments anywhere within a locality: its units, organisations or itself."""
    units = (
        select(Unit.id)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(Organisation.locality_id == locality_id)
    )
    organisations = select(Organisation.id).where(Organisation.locality_id == locality_id)
    return or_(
        RoleAssignment.locality_id == locality_id,
        RoleAssignment.organisation_id.in_(organisations),
        RoleAssignment.unit_id.in_(units),
    )


async def of_locality(session: AsyncSession, locality_id: int) -> list[Person]:
    """Everyone with a role within a locality, by name."""
    ids = select(RoleAssignment.person_id).where(_in_locality(locality_id))
    result = await session.execute(
        select(Person)
        .options(joinedload(Person.roles))
        .where(Person.id.in_(ids))
        .order_by(Person.display_name, Person.id)
    )
    return list(result.unique().scalars())


def locality_ids(person: Person) -> set[int]:
    """The localities a person coordinates."""
    return {a.locality_id for a in person.roles if a.role is Role.COORDINATOR and a.locality_id}


def unit_ids(person: Person) -> set[int]:
    """The units a person issues cards for."""
    return {a.unit_id for a in person.roles if a.role is Role.ISSUER and a.unit_id}


def organisation_ids(person: Person) -> set[int]:
    """The organisations a person is the contact person of."""
    return {a.organisation_id for a in person.roles if a.role is Role.CONTACT and a.organisation_id}
