"""A locality's own settings: card-number format, network postal codes, pilot, validity."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Locality, Organisation, Person, Unit
from storage.names import name_key

FIELDS = ("card_number_examples", "postal_codes", "pilot_end_date", "validity_months")


def snapshot(locality: Locality) -> dict[str, Any]:
    """The settings as plain values (dates as ISO text): what the audit log and forms keep."""
    return {
        "card_number_examples": list(locality.card_number_examples),
        "postal_codes": list(locality.postal_codes),
        "pilot_end_date": locality.pilot_end_date.isoformat() if locality.pilot_end_date else None,
        "validity_months": locality.validity_months,
    }


def configure(
    session: AsyncSession,
    locality: Locality,
    *,
    actor: Person | None,
    card_number_examples: list[str] | None = None,
    postal_codes: list[str] | None = None,
    pilot_end_date: date | None = None,
    clear_pilot_end: bool = False,
    validity_months: int | None = None,
) -> None:
    """Change the given settings of a locality (already validated and normalised)."""
    before = snapshot(locality)
    if card_number_examples is not None:
        locality.card_number_examples = card_number_examples
    if postal_codes is not None:
        locality.postal_codes = postal_codes
    if pilot_end_date is not None or clear_pilot_end:
        locality.pilot_end_date = pilot_end_date
    if validity_months is not None:
        locality.validity_months = validity_months
    after = snapshot(locality)
    if after != before:
        audit.record(
            session,
            actor=actor,
            action="configure",
            entity="locality",
            entity_id=locality.id,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )


async def by_id(session: AsyncSession, locality_id: int) -> Locality | None:
    """A locality by its id."""
    return await session.get(Locality, locality_id)


async def all_localities(session: AsyncSession) -> list[Locality]:
    """Every locality by name."""
    return list(await session.scalars(select(Locality).order_by(Locality.name)))


async def organisation_by_name(
    session: AsyncSession, locality_id: int, name: str
) -> Organisation | None:
    """A locality's organisation by its name (whatever its case)."""
    return await session.scalar(
        select(Organisation).where(
            Organisation.locality_id == locality_id, Organisation.name_key == name_key(name)
        )
    )


async def unit_by_names(
    session: AsyncSession, locality_id: int, organisation: str, unit: str
) -> Unit | None:
    """A unit by its organisation's name and its own, within a locality (whatever their case)."""
    return await session.scalar(
        select(Unit)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(
            Organisation.locality_id == locality_id,
            Organisation.name_key == name_key(organisation),
            Unit.name_key == name_key(unit),
        )
    )


async def organisation_by_id(
    session: AsyncSession, locality_id: int, organisation_id: int
) -> Organisation | None:
    """A locality's organisation by its id, active or not."""
    return await session.scalar(
        select(Organisation).where(
            Organisation.id == organisation_id, Organisation.locality_id == locality_id
        )
    )


async def unit_by_id(session: AsyncSession, locality_id: int, unit_id: int) -> Unit | None:
    """A unit of the locality by its id, active or not."""
    return await session.scalar(
        select(Unit)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(Unit.id == unit_id, Organisation.locality_id == locality_id)
    )


async def organisations(session: AsyncSession, locality_id: int) -> list[tuple[Organisation, int]]:
    """Every organisation of a locality, active or not, by name, with its active units' count."""
    units = (
        select(func.count(Unit.id))
        .where(Unit.organisation_id == Organisation.id, Unit.active)
        .scalar_subquery()
    )
    result = await session.execute(
        select(Organisation, units)
        .where(Organisation.locality_id == locality_id)
        .order_by(Organisation.name_key, Organisation.id)
    )
    return [(organisation, count) for organisation, count in result.all()]


async def units(
    session: AsyncSession, locality_id: int, organisation_id: int | None = None
) -> list[tuple[Unit, Organisation]]:
    """Every unit of a locality (or of one organisation), active or not, by organisation and
    name, each with its organisation."""
    query = (
        select(Unit, Organisation)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(Organisation.locality_id == locality_id)
        .order_by(Organisation.name_key, Organisation.id, Unit.name_key, Unit.id)
    )
    if organisation_id is not None:
        query = query.where(Organisation.id == organisation_id)
    return [(unit, organisation) for unit, organisation in (await session.execute(query)).all()]
