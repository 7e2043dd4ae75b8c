"""The outbox: what the bot sends on its own initiative, stored until Telegram accepts it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxStatus, utcnow

# Retries wait 2, 4, 8 … seconds, at most an hour; after this many attempts we give up.
MAX_ATTEMPTS = 12
MAX_BACKOFF = timedelta(hours=1)
MESSAGE = "message"
COMMANDS = "commands"


def enqueue(
    session: AsyncSession,
    chat_id: int,
    text: str,
    *,
    kind: str = MESSAGE,
    buttons: list[list[tuple[str, str]]] | None = None,
) -> None:
    """Store a message to send; it goes out with the transaction that caused it, or never.
    `buttons`: rows of (label, callback data) shown under the text."""
    stored = [[[label, data] for label, data in row] for row in buttons] if buttons else None
    session.add(OutboxMessage(chat_id=chat_id, text=text, kind=kind, buttons=stored))


async def due(
    session: AsyncSession, *, now: datetime | None = None, limit: int = 50
) -> list[OutboxMessage]:
    """Pending messages whose time has come, oldest first."""
    moment = now or utcnow()
    return list(
        await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= moment,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


async def get(session: AsyncSession, message_id: int) -> OutboxMessage | None:
    """One outbox message (locked while the transaction lasts, on PostgreSQL)."""
    return await session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    )


def mark_sent(message: OutboxMessage) -> None:
    """Telegram accepted the message."""
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.attempts += 1


def mark_blocked(message: OutboxMessage) -> None:
    """The person blocked the bot: never try again."""
    message.status = OutboxStatus.BLOCKED
    message.attempts += 1
    message.last_error = "blocked by the user"


def postpone(message: OutboxMessage, error: str, *, wait: timedelta | None = None) -> None:
    """Try again later: after `wait` (Telegram's retry_after) or with exponential backoff."""
    message.attempts += 1
    message.last_error = error[:200]
    if wait is None and message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        return
    backoff = wait if wait is not None else min(timedelta(seconds=2**message.attempts), MAX_BACKOFF)
    message.next_attempt_at = utcnow() + backoff
