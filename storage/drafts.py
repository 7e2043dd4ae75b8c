"""Drafts: the stored step and answers of each unfinished conversation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Draft, utcnow


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


# The drafts table itself (typed as a Table, unlike Draft.__table__).
_DRAFTS = Draft.metadata.tables[Draft.__tablename__]


async def save(
    session: AsyncSession,
    conversation: str,
    chat_id: int,
    user_id: int,
    *,
    step: str,
    answers: dict[str, Any],
    existing: Draft | None = None,
) -> None:
    """Store the conversation's next step and its answers; the caller commits.

    `existing` is the draft being answered, as read in this transaction. Without it (or if it
    is another conversation's), the draft is inserted, or replaced if one appeared meanwhile.
    """
    values = {"step": step, "answers": answers, "updated_at": utcnow()}
    if existing is not None and (existing.conversation, existing.chat_id, existing.user_id) == (
        conversation,
        chat_id,
        user_id,
    ):
        # A plain statement on the table: nothing reads the draft object again in this
        # transaction, so the ORM has nothing to bring up to date.
        result = await session.execute(
            update(_DRAFTS).where(_DRAFTS.c.id == existing.id).values(**values)
        )
        if getattr(result, "rowcount", 0) == 1:
            return
        # The row went meanwhile (PostgreSQL lets the expiry job delete it): store it anew.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(Draft).values(
        conversation=conversation, chat_id=chat_id, user_id=user_id, **values
    )
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[Draft.conversation, Draft.chat_id, Draft.user_id], set_=values
        )
    )


async def discard(session: AsyncSession, conversation: str, chat_id: int, user_id: int) -> None:
    """Forget a conversation's draft (it ended, was cancelled or confirmed); the caller commits."""
    await session.execute(
        delete(Draft).where(
            Draft.conversation == conversation, Draft.chat_id == chat_id, Draft.user_id == user_id
        )
    )


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
