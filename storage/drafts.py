"""Drafts: the stored step and answers of each unfinished conversation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from storage.db import commit_with
from storage.models import Draft, Person, utcnow


async def get(
    session: AsyncSession, conversation: str, chat_id: int, user_id: int, *, lock: bool = False
) -> Draft | None:
    """The draft of one conversation with one person, if it is under way.

    With `lock`, the row stays locked until the transaction ends (PostgreSQL; SQLite's write
    transaction already holds the whole database).
    """
    statement = select(Draft).where(
        Draft.conversation == conversation, Draft.chat_id == chat_id, Draft.user_id == user_id
    )
    if lock:
        statement = statement.with_for_update()
    return await session.scalar(statement)


# The table itself (typed as a Table, unlike Draft.__table__).
_DRAFT = Draft.metadata.tables[Draft.__tablename__]

# The statements of a form's every step, built once (see storage.people on why). They are
# Core statements on the table: the ORM's bulk machinery has nothing to add to one row.
_UPDATE = (
    update(_DRAFT)
    .where(_DRAFT.c.id == bindparam("draft_id"))
    .values(
        step=bindparam("new_step"),
        answers=bindparam("new_answers"),
        updated_at=bindparam("new_updated_at"),
    )
)


_PERSON = Person.metadata.tables[Person.__tablename__]
# What a write adds to store only if the draft and its person are as the step assumes (see
# save's `expected`): not changed since the bot last read or wrote them.
_AS_EXPECTED = (
    _DRAFT.c.updated_at == bindparam("expected_updated_at"),
    exists().where(
        _PERSON.c.id == bindparam("expected_person_id"),
        _PERSON.c.version == bindparam("expected_person_version"),
    ),
)
_UPDATE_AS_EXPECTED = _UPDATE.where(*_AS_EXPECTED)


@dataclass(frozen=True)
class Expected:
    """What a step's answer assumes about the stored state, unread in its own transaction."""

    person_id: int
    person_version: int
    draft_updated_at: datetime


class ReadRequired(Exception):
    """The step needs the person and draft read in its own transaction: start it again so."""


class NotAsExpected(ReadRequired):
    """The draft or its person changed since the bot last read them: read them again."""


def _upsert(insert: Callable[[Table], Any]) -> Any:
    statement = insert(_DRAFT).returning(_DRAFT.c.id)
    return statement.on_conflict_do_update(
        index_elements=[_DRAFT.c.conversation, _DRAFT.c.chat_id, _DRAFT.c.user_id],
        set_={
            "step": statement.excluded.step,
            "answers": statement.excluded.answers,
            "updated_at": statement.excluded.updated_at,
        },
    )


_UPSERT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
_DISCARD = delete(_DRAFT).where(
    _DRAFT.c.conversation == bindparam("conversation"),
    _DRAFT.c.chat_id == bindparam("chat_id"),
    _DRAFT.c.user_id == bindparam("user_id"),
)
_DISCARD_AS_EXPECTED = _DISCARD.where(*_AS_EXPECTED)


async def save(
    session: AsyncSession,
    conversation: str,
    chat_id: int,
    user_id: int,
    *,
    step: str,
    answers: dict[str, Any],
    existing: Draft | None = None,
    commit: bool = False,
    expected: Expected | None = None,
) -> Draft:
    """Store the conversation's next step and its answers, in one statement; return the draft
    as now stored (`existing`, brought up to date, or a new object for the row).

    `existing` is the draft being answered, as read earlier in this transaction: its row is
    updated by its key. Without it, or if that row has gone meanwhile (PostgreSQL lets the
    expiry job delete it), an upsert. With `commit`, this statement ends the transaction (on
    SQLite it is sent with its COMMIT: see storage.db).

    With `expected` (and `existing`, as the bot last knew it), the row is updated only if the
    draft and the person are still as expected; if not, nothing is stored or committed and
    NotAsExpected is raised.
    """
    now = utcnow()
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    key = {"conversation": conversation, "chat_id": chat_id, "user_id": user_id}
    values = {"step": step, "answers": answers, "updated_at": now}
    if existing is not None and _key_of(existing) != (conversation, chat_id, user_id):
        existing = None  # another conversation's draft
    if expected is not None:
        if existing is None:
            raise NotAsExpected
        parameters = _update_parameters(existing, values)
        await _write_as_expected(session, _UPDATE_AS_EXPECTED, parameters, expected, commit=commit)
        return refreshed(existing, values)
    if existing is not None and not (commit and dialect == "sqlite"):
        # (On SQLite the upsert below does the same in the commit's own hop: the write
        # transaction has held the database since its first read, so the row is still there.)
        result = await session.execute(_UPDATE, _update_parameters(existing, values))
        if getattr(result, "rowcount", 0) == 1:
            if commit:
                await session.commit()
            return refreshed(existing, values)
    if commit:
        result = await commit_with(session, _UPSERT[dialect], key | values)
    else:
        result = await session.execute(_UPSERT[dialect], key | values)
    stored_id = result.scalar_one()
    draft = existing if existing is not None and existing.id == stored_id else Draft()
    return refreshed(draft, {"id": stored_id, **key, **values})


async def _write_as_expected(
    session: AsyncSession,
    statement: Any,
    parameters: dict[str, Any],
    expected: Expected,
    *,
    commit: bool,
) -> None:
    """Run a guarded write of one draft (committing with it, if asked, only if it wrote);
    raise NotAsExpected if the guard found the draft or its person changed."""
    parameters = parameters | {
        "expected_updated_at": expected.draft_updated_at,
        "expected_person_id": expected.person_id,
        "expected_person_version": expected.person_version,
    }
    if commit:
        result = await commit_with(session, statement, parameters, rows=1)
    else:
        result = await session.execute(statement, parameters)
    if getattr(result, "rowcount", 0) != 1:
        raise NotAsExpected


def _key_of(draft: Draft) -> tuple[str, int, int]:
    return draft.conversation, draft.chat_id, draft.user_id


def _update_parameters(existing: Draft, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "draft_id": existing.id,
        "new_step": values["step"],
        "new_answers": values["answers"],
        "new_updated_at": values["updated_at"],
    }


def refreshed(draft: Draft, values: dict[str, Any]) -> Draft:
    """The draft object brought up to these column values, as committed (no change to store)."""
    for name, value in values.items():
        set_committed_value(draft, name, value)
    return draft


async def discard(
    session: AsyncSession,
    conversation: str,
    chat_id: int,
    user_id: int,
    *,
    commit: bool = False,
    expected: Expected | None = None,
) -> None:
    """Forget a conversation's draft (it ended, was cancelled or confirmed); with `commit`,
    this ends the transaction (see save).

    With `expected`, the draft is deleted only if it and the person are still as expected;
    if not, nothing is committed and NotAsExpected is raised: what the transaction wrote
    before is rolled back with it.
    """
    parameters = {"conversation": conversation, "chat_id": chat_id, "user_id": user_id}
    if expected is not None:
        await _write_as_expected(session, _DISCARD_AS_EXPECTED, parameters, expected, commit=commit)
    elif commit:
        await commit_with(session, _DISCARD, parameters)
    else:
        await session.execute(_DISCARD, parameters)


async def steps(session: AsyncSession, conversation: str) -> dict[tuple[int, int], str]:
    """Every unfinished conversation of a kind: (chat id, user id) → step."""
    rows = await session.execute(
        select(Draft.chat_id, Draft.user_id, Draft.step).where(Draft.conversation == conversation)
    )
    return {(chat_id, user_id): step for chat_id, user_id, step in rows}


# What an expired draft keeps: only the fact, so that the person can be told.
EXPIRED = "EXPIRED"


async def expire_older_than(session: AsyncSession, moment: datetime) -> int:
    """Empty the drafts untouched since `moment`, leaving a marker; returns how many."""
    result = await session.execute(
        update(Draft)
        .where(Draft.updated_at < moment, Draft.step != EXPIRED)
        .values(step=EXPIRED, answers={}, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_expired_before(session: AsyncSession, moment: datetime) -> None:
    """Delete expiry markers nobody came back to read."""
    await session.execute(delete(Draft).where(Draft.step == EXPIRED, Draft.updated_at < moment))
