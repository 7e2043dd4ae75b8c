"""A card number is issued once: a lost card's number stays taken on every path."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from storage import cards
from storage.cards import Background, CardDeactivated, CardNumberTaken
from storage.db import Database
from storage.models import Card, IssuanceKind, Role, utcnow
from tests.support.network import add_person, build_network

TODAY = date(2026, 12, 6)
BACKGROUND = Background(birth_year=1985, postal_code="02150", children=0)


@pytest.fixture
async def issuer(database: Database) -> tuple[int, int]:
    """An issuer's person id and unit id."""
    network = await build_network(database)
    unit = network.units["family"]
    return await add_person(database, 9001, "Ilona", (Role.ISSUER, unit)), unit


async def record(
    database: Database,
    issuer: tuple[int, int],
    kind: IssuanceKind,
    number: str,
    old_number: str | None = None,
) -> None:
    person_id, unit_id = issuer
    async with database.write() as session:
        await cards.record(
            session,
            kind=kind,
            number=number,
            old_number=old_number,
            unit_id=unit_id,
            unit_ids={unit_id},
            issuer_id=person_id,
            issued_on=TODAY,
            valid_until=date(2027, 12, 5),
            background=BACKGROUND,
            form_id=str(uuid.uuid4()),
        )
        await session.commit()


async def cards_numbered(database: Database, number: str) -> int:
    async with database.read() as session:
        return int(await session.scalar(select(func.count()).where(Card.number == number)) or 0)


async def test_the_database_keeps_a_lost_cards_number_taken(database: Database) -> None:
    async with database.write() as session:
        session.add(Card(number="KK123456", deactivated_at=utcnow()))
        await session.commit()
    async with database.write() as session:
        session.add(Card(number="KK123456"))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_mobile_only_cards_share_their_number(database: Database) -> None:
    async with database.write() as session:
        session.add_all([Card(number="X"), Card(number="X"), Card(number="X")])
        await session.commit()
    assert await cards_numbered(database, "X") == 3


async def test_deleting_a_mistaken_card_row_frees_its_number(database: Database) -> None:
    # How a later "void" of a mistaken issuance will give the number back.
    async with database.write() as session:
        session.add(Card(number="KK123456"))
        await session.commit()
    async with database.write() as session:
        await session.execute(delete(Card).where(Card.number == "KK123456"))
        session.add(Card(number="KK123456"))
        await session.commit()
    assert await cards_numbered(database, "KK123456") == 1


async def test_a_replaced_cards_number_is_never_issued_again(
    database: Database, issuer: tuple[int, int]
) -> None:
    await record(database, issuer, IssuanceKind.NEW, "KK123456")
    await record(database, issuer, IssuanceKind.REPLACEMENT, "KK654321", "KK123456")

    # As a new card, as a renewal, as the lost card of another replacement, or as a
    # replacement's new card.
    attempts = [
        (IssuanceKind.NEW, "KK123456", None),
        (IssuanceKind.RENEWAL, "KK123456", None),
        (IssuanceKind.REPLACEMENT, "KK111111", "KK123456"),
        (IssuanceKind.REPLACEMENT, "KK123456", "KK654321"),
    ]
    for kind, number, old_number in attempts:
        with pytest.raises((CardDeactivated, CardNumberTaken)):
            await record(database, issuer, kind, number, old_number)
    assert await cards_numbered(database, "KK123456") == 1


async def test_a_lost_card_the_bot_never_saw_is_kept_as_taken(
    database: Database, issuer: tuple[int, int]
) -> None:
    await record(database, issuer, IssuanceKind.REPLACEMENT, "KK000002", "KK000001")

    async with database.read() as session:
        assert await cards.is_deactivated(session, "KK000001")
        assert await cards.find(session, "KK000001") is None
        with pytest.raises(CardDeactivated):
            await cards.check_new_number(session, "KK000001", TODAY)
    for kind in (IssuanceKind.NEW, IssuanceKind.RENEWAL):
        with pytest.raises(CardDeactivated):
            await record(database, issuer, kind, "KK000001")
    assert await cards_numbered(database, "KK000001") == 1
