"""People who use the bot and their roles."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage import audit, drafts
from storage.models import Draft, Organisation, Person, Role, RoleAssignment, Unit, utcnow

# Every update runs one of these two, so they are built once: building a statement and
# computing its cache key cost more than executing it (SQLAlchemy memoizes the key on the
# statement object, so a statement built once is keyed once).
_BY_TELEGRAM_ID = (
    select(Person)
    .options(joinedload(Person.roles))
    .where(Person.telegram_id == bindparam("telegram_id"))
)
_WITH_DRAFT = (
    select(Person, Draft)
    .outerjoin(
        Draft,
        and_(
            Draft.user_id == Person.telegram_id,
            Draft.chat_id == bindparam("chat_id"),
            Draft.conversation == bindparam("conversation"),
        ),
    )
    .options(joinedload(Person.roles))
    .where(Person.telegram_id == bindparam("telegram_id"))
)


_PERSON_TABLE = Person.metadata.tables[Person.__tablename__]
_ROLE_TABLE = Person.metadata.tables[RoleAssignment.__tablename__]
_DRAFT_TABLE = Person.metadata.tables[Draft.__tablename__]
_DRAFT_COLUMNS = tuple(column.name for column in _DRAFT_TABLE.c)
_PERSON_WIDTH = len(_PERSON_TABLE.c)
_DRAFT_START = _PERSON_WIDTH + len(_ROLE_TABLE.c)
# The same rows as plain columns: the person's, each role's, the draft's.
_WITH_DRAFT_ROWS = (
    select(*_PERSON_TABLE.c, *_ROLE_TABLE.c, *_DRAFT_TABLE.c)
    .select_from(
        _PERSON_TABLE.outerjoin(
            _ROLE_TABLE, _ROLE_TABLE.c.person_id == _PERSON_TABLE.c.id
        ).outerjoin(
            _DRAFT_TABLE,
            and_(
                _DRAFT_TABLE.c.user_id == _PERSON_TABLE.c.telegram_id,
                _DRAFT_TABLE.c.chat_id == bindparam("chat_id"),
                _DRAFT_TABLE.c.conversation == bindparam("conversation"),
            ),
        )
    )
    .where(_PERSON_TABLE.c.telegram_id == bindparam("telegram_id"))
    .order_by(_ROLE_TABLE.c.id)
)


async def by_telegram_id(session: AsyncSession, telegram_id: int) -> Person | None:
    """The person with this Telegram user id and their roles, in one query."""
    result = await session.execute(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})
    return result.unique().scalar_one_or_none()


async def with_draft(
    session: AsyncSession,
    telegram_id: int,
    *,
    chat_id: int,
    conversation: str,
    held: Held | None = None,
) -> tuple[Person | None, Draft | None]:
    """The person, their roles and their draft of a conversation, in one query.

    A form's every step runs this. Building ORM objects from the rows costs more than the
    query itself, so with `held` the rows are read as plain rows, and while the person's rows
    read exactly as at their previous step, the objects of that step are used again (not
    attached to this session: they are only read). A first step, or a changed row, loads them
    through the ORM.
    """
    parameters = {"telegram_id": telegram_id, "chat_id": chat_id, "conversation": conversation}
    if held is None:
        row = (await session.execute(_WITH_DRAFT, parameters)).unique().first()
        return (row[0], row[1]) if row else (None, None)
    rows = (await session.execute(_WITH_DRAFT_ROWS, parameters)).all()
    if not rows:
        return None, None
    person_row = tuple(rows[0][:_PERSON_WIDTH])
    role_rows = tuple(tuple(row[_PERSON_WIDTH:_DRAFT_START]) for row in rows if row[_PERSON_WIDTH])
    seen = held.get(telegram_id)
    if (
        seen is None
        or seen.person_row != person_row
        or seen.role_rows != role_rows
        or not seen.intact()
    ):
        found = (await session.execute(_WITH_DRAFT, parameters)).unique().first()
        if found is None:  # gone since the first statement (PostgreSQL only)
            return None, None
        person, draft = found[0], found[1]
        held.remember(telegram_id, _Seen(person_row, role_rows, person, draft))
        return person, draft
    return seen.person, seen.draft_from(rows[0][_DRAFT_START:])


@dataclass
class _Seen:
    """A person's rows as read at their last step, and the objects built from them then."""

    person_row: tuple[Any, ...]
    role_rows: tuple[tuple[Any, ...], ...]
    person: Person
    draft: Draft | None = None

    def intact(self) -> bool:
        """Whether the objects still hold every value (a rollback where they were loaded
        expires them, and only their own session could load them again)."""
        roles = self.person.__dict__.get("roles")
        return (
            roles is not None
            and not inspect(self.person).expired_attributes
            and not any(inspect(role).expired_attributes for role in roles)
        )

    def draft_from(self, row: Sequence[Any]) -> Draft | None:
        """The draft as its row now reads, in the object used for it before if there is one."""
        values = dict(zip(_DRAFT_COLUMNS, row, strict=True))
        if values["id"] is None:
            return None
        if self.draft is None or self.draft.id != values["id"]:
            self.draft = Draft()
        return drafts.refreshed(self.draft, values)


class Held:
    """The people (with their drafts) the bot holds from their last step, the most recent
    ones: one per database (bot.context.Services)."""

    def __init__(self, limit: int = 4096) -> None:
        self._seen: OrderedDict[int, _Seen] = OrderedDict()
        self._limit = limit

    def get(self, telegram_id: int) -> _Seen | None:
        """What the bot holds of a person, if anything (as recently used)."""
        seen = self._seen.get(telegram_id)
        if seen is not None:
            self._seen.move_to_end(telegram_id)
        return seen

    def remember(self, telegram_id: int, seen: _Seen) -> None:
        """Hold a person's rows and objects (forgetting the least recent beyond the limit)."""
        self._seen[telegram_id] = seen
        self._seen.move_to_end(telegram_id)
        while len(self._seen) > self._limit:
            self._seen.popitem(last=False)

    def kept(
        self, telegram_id: int, *, chat_id: int, conversation: str
    ) -> tuple[Person, Draft] | None:
        """The person and their draft as the bot last read or wrote them, if it holds them
        whole. Nothing is read: whoever uses them must check that the stored state is still
        the same (storage.drafts.Expected) before acting on them."""
        seen = self.get(telegram_id)
        if seen is None or seen.draft is None or not seen.intact():
            return None
        draft = seen.draft
        if inspect(draft).expired_attributes:
            return None
        if (draft.chat_id, draft.conversation) != (chat_id, conversation):
            return None
        return seen.person, draft

    def forget(self, telegram_id: int) -> None:
        """Drop what the bot holds of a person (it is not as the bot thought)."""
        self._seen.pop(telegram_id, None)

    def hold_draft(self, telegram_id: int, draft: Draft) -> None:
        """Keep the draft as just stored for the person's next step (if the person is held)."""
        seen = self._seen.get(telegram_id)
        if seen is not None:
            seen.draft = draft

    def forget_draft(self, telegram_id: int) -> None:
        """Drop the draft the bot holds of a person (it ended); the person is kept."""
        seen = self._seen.get(telegram_id)
        if seen is not None:
            seen.draft = None


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


def has_news(person: Person, telegram_language: str | None) -> bool:
    """Whether a message from the person tells something to store (see note_message)."""
    language = telegram_language[:16] if telegram_language else None
    changed_language = language is not None and person.telegram_language != language
    return changed_language or person.blocked_bot_at is not None


def note_message(session: AsyncSession, person: Person, telegram_language: str | None) -> None:
    """Keep what a message from the person tells: Telegram's language (for messages the bot
    sends on its own), and that they have not blocked the bot (any more)."""
    if not has_news(person, telegram_language):
        return
    if inspect(person).detached:
        session.add(person)  # kept from an earlier step (see with_draft): this session stores it
    if telegram_language:
        person.telegram_language = telegram_language[:16]
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
