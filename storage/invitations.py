"""Invitations: one-time codes that bring a person into a role."""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit, people
from storage.models import (
    FailedRedemption,
    Invitation,
    Organisation,
    Person,
    Role,
    Unit,
    utcnow,
)

# 16 random bytes: 128 bits, 22 URL-safe characters (Telegram's start parameter allows 64).
CODE_BYTES = 16
DEFAULT_LIFETIME = timedelta(days=7)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
# What token_urlsafe(CODE_BYTES) makes. Only text of this shape counts as a wrong code.
_CODE_SHAPE = re.compile(r"[A-Za-z0-9_\-]{22}")


class RedemptionRefused(enum.StrEnum):
    """Why a code did not bring anyone into a role."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    LOCKED_OUT = "locked_out"
    ALREADY_HELD = "already_held"
    # Its unit or organisation was taken out of the network after it was made.
    CLOSED = "closed"


class RedemptionError(Exception):
    """A code was refused; `reason` says why."""

    def __init__(self, reason: RedemptionRefused) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Redeemed:
    """What a redeemed invitation gave, and to whom."""

    person: Person
    invitation: Invitation
    new_person: bool


def looks_like_code(text: str) -> bool:
    """Whether the text has the shape of an invitation code (22 URL-safe characters)."""
    return _CODE_SHAPE.fullmatch(text.strip()) is not None


def hash_code(code: str) -> str:
    """The stored form of a code: its SHA-256 (codes are random, so no salt is needed)."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


async def create(
    session: AsyncSession,
    *,
    role: Role,
    locality_id: int,
    organisation_id: int | None = None,
    unit_id: int | None = None,
    created_by: Person | None = None,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> tuple[Invitation, str]:
    """Create an invitation; returns it and its code, which is shown once and never stored."""
    code = secrets.token_urlsafe(CODE_BYTES)
    invitation = Invitation(
        code_hash=hash_code(code),
        role=role,
        locality_id=locality_id,
        organisation_id=organisation_id,
        unit_id=unit_id,
        created_by_id=created_by.id if created_by else None,
        expires_at=utcnow() + lifetime,
    )
    session.add(invitation)
    await session.flush()
    audit.record(
        session,
        actor=created_by,
        action="invite",
        entity="invitation",
        entity_id=invitation.id,
        after={
            "role": role.value,
            "locality_id": locality_id,
            "organisation_id": organisation_id,
            "unit_id": unit_id,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation, code


async def locked_out_until(session: AsyncSession, telegram_id: int) -> datetime | None:
    """When a person who sent too many wrong codes may try again, if they are locked out."""
    since = utcnow() - FAILURE_WINDOW
    recent = list(
        await session.scalars(
            select(FailedRedemption.at)
            .where(FailedRedemption.telegram_id == telegram_id, FailedRedemption.at > since)
            .order_by(FailedRedemption.at.desc())
            .limit(MAX_FAILURES)
        )
    )
    if len(recent) < MAX_FAILURES:
        return None
    return recent[0] + FAILURE_WINDOW


async def lockouts(session: AsyncSession) -> list[tuple[int, datetime]]:
    """Everyone locked out for wrong codes now: their Telegram id, and until when."""
    since = utcnow() - FAILURE_WINDOW
    ids = await session.scalars(
        select(FailedRedemption.telegram_id)
        .where(FailedRedemption.at > since)
        .group_by(FailedRedemption.telegram_id)
        .having(func.count() >= MAX_FAILURES)
        .order_by(FailedRedemption.telegram_id)
    )
    found = []
    for telegram_id in list(ids):
        until = await locked_out_until(session, telegram_id)
        if until is not None:
            found.append((telegram_id, until))
    return found


async def lift_lockout(session: AsyncSession, telegram_id: int, *, actor: Person | None) -> bool:
    """Forget someone's wrong codes, so that they may try again at once; whether they were
    locked out."""
    if await locked_out_until(session, telegram_id) is None:
        return False
    await session.execute(
        delete(FailedRedemption).where(FailedRedemption.telegram_id == telegram_id)
    )
    audit.record(
        session,
        actor=actor,
        action="lift_lockout",
        entity="failed_redemption",
        entity_id=telegram_id,
    )
    return True


async def redeem(
    session: AsyncSession,
    code: str,
    *,
    telegram_id: int,
    display_name: str,
    telegram_language: str | None = None,
) -> Redeemed:
    """Bring the sender into the invitation's role, or raise RedemptionError (and count a
    wrong code: only one shaped like a code, so that other text never locks anyone out)."""
    if await locked_out_until(session, telegram_id) is not None:
        raise RedemptionError(RedemptionRefused.LOCKED_OUT)
    if not looks_like_code(code):
        raise RedemptionError(RedemptionRefused.UNKNOWN)
    invitation = await session.scalar(
        select(Invitation).where(Invitation.code_hash == hash_code(code)).with_for_update()
    )
    reason = _refusal(invitation)
    if reason is not None or invitation is None:
        if reason in (RedemptionRefused.UNKNOWN, None):
            session.add(FailedRedemption(telegram_id=telegram_id))
        raise RedemptionError(reason or RedemptionRefused.UNKNOWN)
    if not await _scope_open(session, invitation):
        raise RedemptionError(RedemptionRefused.CLOSED)
    person = await people.by_telegram_id(session, telegram_id)
    new_person = person is None
    if person is None:
        person = await people.add(session, telegram_id=telegram_id, display_name=display_name)
    people.note_message(person, telegram_language)
    scope = _scope_of(invitation)
    if not person.active:
        # Deactivation ended every role: an invitation gives back its own role, never the
        # others (which another inviter, perhaps of another locality, never meant to give).
        await people.withdraw_roles(session, person, actor=person)
        people.set_active(session, person, active=True, actor=person)
    if people.holds(person, invitation.role, **scope):
        raise RedemptionError(RedemptionRefused.ALREADY_HELD)
    people.grant(session, person, invitation.role, actor=person, **scope)
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
    return Redeemed(person=person, invitation=invitation, new_person=new_person)


def _refusal(invitation: Invitation | None) -> RedemptionRefused | None:
    if invitation is None:
        return RedemptionRefused.UNKNOWN
    if invitation.revoked_at is not None:
        return RedemptionRefused.REVOKED
    if invitation.used_at is not None:
        return RedemptionRefused.USED
    if invitation.expires_at <= utcnow():
        return RedemptionRefused.EXPIRED
    return None


async def _scope_open(session: AsyncSession, invitation: Invitation) -> bool:
    """Whether the invitation's unit and organisation (if it names them) are still active."""
    if invitation.unit_id is not None:
        unit = await session.get(Unit, invitation.unit_id)
        if unit is None or not unit.active:
            return False
    if invitation.organisation_id is not None:
        organisation = await session.get(Organisation, invitation.organisation_id)
        if organisation is None or not organisation.active:
            return False
    return True


def _scope_of(invitation: Invitation) -> dict[str, int | None]:
    """The role's scope: issuer → unit, contact → organisation, coordinator → locality."""
    if invitation.role is Role.ISSUER:
        return {"unit_id": invitation.unit_id}
    if invitation.role is Role.CONTACT:
        return {"organisation_id": invitation.organisation_id}
    return {"locality_id": invitation.locality_id}


async def revoke(
    session: AsyncSession, invitation_id: int, *, locality_id: int, actor: Person | None = None
) -> Invitation | None:
    """Revoke an unused invitation of a locality; None if there is no such invitation."""
    invitation = await session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.locality_id == locality_id
        )
    )
    if invitation is None or invitation.used_at is not None or invitation.revoked_at is not None:
        return None
    invitation.revoked_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="revoke",
        entity="invitation",
        entity_id=invitation.id,
        before={"revoked_at": None},
        after={"revoked_at": invitation.revoked_at.isoformat()},
    )
    return invitation


async def of_locality(session: AsyncSession, locality_id: int) -> list[Invitation]:
    """A locality's invitations, newest first."""
    return list(
        await session.scalars(
            select(Invitation)
            .where(Invitation.locality_id == locality_id)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def state(invitation: Invitation) -> str:
    """An invitation's state in one word: open, used, revoked or expired."""
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= utcnow():
        return "expired"
    return "open"
