"""The audit log: every change a person makes, with the fields before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent, Person


def record(
    session: AsyncSession,
    *,
    actor: Person | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the session's transaction (it lands when the change lands)."""
    session.add(
        AuditEvent(
            actor_person_id=actor.id if actor else None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )
