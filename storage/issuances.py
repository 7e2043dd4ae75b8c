"""Issuances after they were stored: listing them by scope, correcting and voiding them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cards import BACKGROUND_FIELDS, MOBILE_ONLY
from storage.models import Card, Issuance, IssuanceKind, Organisation, Person, Role, Unit, utcnow


@dataclass(frozen=True, slots=True)
class Scope:
    """The issuances a person sees: their units' (issuer), organisations' (contact person)
    and localities' (coordinator)."""

    unit_ids: frozenset[int] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    locality_ids: frozenset[int] = frozenset()


def scope_of(person: Person | None) -> Scope:
    """What a person's roles let them see, as the roles are now."""
    if person is None:
        return Scope()
    roles = person.roles
    return Scope(
        frozenset(a.unit_id for a in roles if a.role is Role.ISSUER and a.unit_id),
        frozenset(a.organisation_id for a in roles if a.role is Role.CONTACT and a.organisation_id),
        frozenset(a.locality_id for a in roles if a.role is Role.COORDINATOR and a.locality_id),
    )


@dataclass(frozen=True, slots=True)
class Listed:
    """An issuance as a list shows it."""

    id: int
    number: str
    kind: IssuanceKind
    issued_on: date
    unit_name: str
    voided: bool


@dataclass(frozen=True, slots=True)
class Detail:
    """An issuance opened from the list, with where it was issued."""

    issuance: Issuance
    number: str
    unit_name: str
    locality_id: int

    @property
    def voided(self) -> bool:
        """Whether the issuance was voided."""
        return self.issuance.voided_at is not None


def _in_scope(scope: Scope) -> Any:
    return or_(
        Issuance.unit_id.in_(scope.unit_ids),
        Unit.organisation_id.in_(scope.organisation_ids),
        Organisation.locality_id.in_(scope.locality_ids),
    )


Selected = TypeVar("Selected", bound=Select[*tuple[Any, ...]])


def _scoped(statement: Selected, scope: Scope) -> Selected:
    return (
        statement.join(Card, Issuance.card_id == Card.id)
        .join(Unit, Issuance.unit_id == Unit.id)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(_in_scope(scope))
    )


async def recent(
    session: AsyncSession,
    scope: Scope,
    *,
    since: date | None = None,
    number: str | None = None,
    offset: int = 0,
    limit: int = 8,
) -> tuple[list[Listed], int]:
    """A page of the issuances in scope, newest first, and how many there are in all: those
    issued since a day, or those of one card number."""
    conditions = []
    if since is not None:
        conditions.append(Issuance.issued_on >= since)
    if number is not None:
        conditions.append(Card.number == number)
    rows = await session.execute(
        _scoped(
            select(
                Issuance.id,
                Card.number,
                Issuance.kind,
                Issuance.issued_on,
                Unit.name,
                Issuance.voided_at,
            ),
            scope,
        )
        .where(*conditions)
        .order_by(Issuance.issued_on.desc(), Issuance.id.desc())
        .offset(offset)
        .limit(limit)
    )
    page = [
        Listed(id_, number_, kind, issued_on, unit, voided_at is not None)
        for id_, number_, kind, issued_on, unit, voided_at in rows
    ]
    total = await session.scalar(_scoped(select(func.count(Issuance.id)), scope).where(*conditions))
    return page, int(total or 0)


async def detail(
    session: AsyncSession, issuance_id: int, scope: Scope, *, to_change: bool = False
) -> Detail | None:
    """An issuance, only when it is in the scope (locked when it is about to change)."""
    statement = _scoped(
        select(Issuance, Card.number, Unit.name, Organisation.locality_id), scope
    ).where(Issuance.id == issuance_id)
    if to_change:
        statement = statement.with_for_update(of=Issuance)
    row = (await session.execute(statement)).first()
    return Detail(row[0], row[1], row[2], row[3]) if row else None


def background_answers(issuance: Issuance) -> dict[str, Any]:
    """The background answers of an issuance, by field."""
    return {name: getattr(issuance, name) for name in BACKGROUND_FIELDS}


def correct(issuance: Issuance, changes: dict[str, Any]) -> list[str]:
    """Change background answers of an issuance (in the caller's transaction); return the
    names of the fields that changed."""
    changed = []
    for name, value in changes.items():
        if name not in BACKGROUND_FIELDS:
            raise ValueError(f"{name} is no background answer")
        if getattr(issuance, name) != value:
            setattr(issuance, name, value)
            changed.append(name)
    return changed


class NotLatest(Exception):
    """A later issuance of the same card stands: it must be voided first."""


@dataclass(frozen=True, slots=True)
class Voided:
    """What voiding an issuance changed."""

    # The number given back (its card never existed), if any.
    freed: str | None = None
    # The lost card in use again (a replacement voided), if any.
    restored: str | None = None
    # The card's validity now (a renewal voided: the earlier issuance's).
    valid_until: date | None = None


async def _latest(session: AsyncSession, card_id: int) -> Issuance | None:
    return await session.scalar(
        select(Issuance)
        .where(Issuance.card_id == card_id, Issuance.voided_at.is_(None))
        .order_by(Issuance.id.desc())
        .limit(1)
    )


async def void(session: AsyncSession, issuance: Issuance) -> Voided:
    """Void an issuance made by mistake (in the caller's transaction).

    The card's validity comes from its latest issuance that stands. A card left with none
    never existed: its number is free. A voided replacement gives the lost card back.
    """
    latest = await _latest(session, issuance.card_id)
    if latest is None or latest.id != issuance.id:
        raise NotLatest
    now = utcnow()
    issuance.voided_at = now
    await session.flush()
    card = await session.get_one(Card, issuance.card_id)
    standing = await _latest(session, card.id)
    freed = None
    if standing is None:
        card.voided_at = now
        freed = card.number if card.number != MOBILE_ONLY else None
    restored = None
    if issuance.replaces_card_id is not None:
        lost = await session.get_one(Card, issuance.replaces_card_id)
        if await _latest(session, lost.id) is not None:
            lost.deactivated_at = None
            restored = lost.number
        else:
            # A lost card the bot only knew from this replacement: it was never recorded.
            lost.voided_at = now
    await session.flush()
    return Voided(freed, restored, standing.valid_until if standing else None)
