"""Issuances after issuing, in storage: who sees which, and what voiding frees and restores."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.rules.changes import may_change
from storage import cards, issuances
from storage.cards import Background, CardDeactivated, CardNumberTaken
from storage.db import Database
from storage.issuances import Scope
from storage.models import Card, Issuance, IssuanceKind, Role
from storage.summaries import counted
from tests.support.network import Network, add_person, build_network

TODAY = date(2026, 12, 6)
BACKGROUND = Background(birth_year=1985, postal_code="02150", children=0)


@pytest.fixture
async def espoo_network(database: Database) -> Network:
    network = await build_network(database)
    network.people["ilona"] = await add_person(
        database, 9001, "Ilona", (Role.ISSUER, network.units["family"])
    )
    network.people["hanna"] = await add_person(
        database, 9002, "Hanna", (Role.ISSUER, network.units["helpline"])
    )
    network.people["vesa"] = await add_person(
        database, 9003, "Vesa", (Role.ISSUER, network.units["gate"])
    )
    return network


async def record(
    database: Database,
    network: Network,
    kind: IssuanceKind,
    number: str,
    *,
    unit: str = "family",
    old_number: str | None = None,
    issued_on: date = TODAY,
    months: int = 12,
) -> int:
    unit_id = network.units[unit]
    issuer = {"family": "ilona", "youth": "ilona", "helpline": "hanna", "gate": "vesa"}[unit]
    async with database.write() as session:
        stored = await cards.record(
            session,
            kind=kind,
            number=number,
            old_number=old_number,
            unit_id=unit_id,
            unit_ids={unit_id},
            issuer_id=network.people[issuer],
            issued_on=issued_on,
            valid_until=issued_on + timedelta(days=30 * months),
            background=BACKGROUND,
            form_id=str(uuid.uuid4()),
        )
        await session.commit()
        return stored.id


async def void(database: Database, issuance_id: int) -> issuances.Voided:
    async with database.write() as session:
        issuance = await session.get_one(Issuance, issuance_id)
        voided = await issuances.void(session, issuance)
        await session.commit()
        return voided


async def listed(database: Database, scope: Scope, **filters: object) -> list[str]:
    async with database.read() as session:
        page, total = await issuances.recent(session, scope, limit=50, **filters)  # type: ignore[arg-type]
    assert total == len(page)
    return [entry.number for entry in page]


async def test_each_role_sees_its_own_scope_newest_first(
    database: Database, espoo_network: Network
) -> None:
    net = espoo_network
    await record(database, net, IssuanceKind.NEW, "KK000001", unit="family")
    await record(database, net, IssuanceKind.NEW, "KK000002", unit="youth")
    await record(database, net, IssuanceKind.NEW, "KK000003", unit="helpline")
    await record(database, net, IssuanceKind.NEW, "KK000004", unit="gate")

    family = Scope(unit_ids=frozenset({net.units["family"]}))
    social = Scope(organisation_ids=frozenset({net.organisations["social"]}))
    espoo = Scope(locality_ids=frozenset({net.localities["espoo"]}))
    assert await listed(database, family) == ["KK000001"]
    assert await listed(database, social) == ["KK000002", "KK000001"]
    assert await listed(database, espoo) == ["KK000003", "KK000002", "KK000001"]
    assert await listed(database, Scope()) == []
    assert await listed(database, espoo, number="KK000004") == []
    assert await listed(database, espoo, number="KK000002") == ["KK000002"]


async def test_the_list_reaches_back_from_a_day_and_pages(
    database: Database, espoo_network: Network
) -> None:
    net = espoo_network
    await record(database, net, IssuanceKind.NEW, "KK000001", issued_on=TODAY - timedelta(31))
    for n in range(2, 12):
        await record(database, net, IssuanceKind.NEW, f"KK0000{n:02}")
    espoo = Scope(locality_ids=frozenset({net.localities["espoo"]}))
    async with database.read() as session:
        first, total = await issuances.recent(
            session, espoo, since=TODAY - timedelta(30), offset=0, limit=8
        )
        second, _ = await issuances.recent(
            session, espoo, since=TODAY - timedelta(30), offset=8, limit=8
        )
    assert total == 10
    assert [e.number for e in first + second] == [f"KK0000{n:02}" for n in range(11, 1, -1)]


async def test_the_seven_day_rule(database: Database, espoo_network: Network) -> None:
    net = espoo_network
    old = await record(database, net, IssuanceKind.NEW, "KK000001", issued_on=TODAY - timedelta(8))
    recent = await record(
        database, net, IssuanceKind.NEW, "KK000002", issued_on=TODAY - timedelta(7)
    )
    issuer = Scope(unit_ids=frozenset({net.units["family"]}))
    colleague_elsewhere = Scope(unit_ids=frozenset({net.units["youth"]}))
    contact = Scope(organisation_ids=frozenset({net.organisations["social"]}))
    coordinator = Scope(locality_ids=frozenset({net.localities["espoo"]}))
    async with database.read() as session:
        found_old = await issuances.detail(session, old, coordinator)
        found_recent = await issuances.detail(session, recent, coordinator)
        assert await issuances.detail(session, old, colleague_elsewhere) is None
    assert found_old is not None
    assert found_recent is not None
    assert may_change(issuer, found_recent, TODAY)
    assert not may_change(issuer, found_old, TODAY)
    assert may_change(coordinator, found_old, TODAY)
    assert not may_change(contact, found_recent, TODAY)
    assert not may_change(colleague_elsewhere, found_recent, TODAY)


async def test_voiding_a_new_cards_only_issuance_frees_its_number(
    database: Database, espoo_network: Network
) -> None:
    first = await record(database, espoo_network, IssuanceKind.NEW, "KK123456")
    voided = await void(database, first)
    assert voided.freed == "KK123456"
    async with database.read() as session:
        assert await cards.find(session, "KK123456") is None
        assert (await session.get_one(Issuance, first)).voided_at is not None
        assert await session.scalar(select(func.count()).where(counted())) == 0
    # The number is issued again, as a new card: the voided issuance stays with its old row.
    again = await record(database, espoo_network, IssuanceKind.NEW, "KK123456")
    async with database.read() as session:
        found = await cards.find(session, "KK123456")
        assert found is not None
        assert found.last is not None
        assert found.last.id == again
        assert await session.scalar(select(func.count()).select_from(Card)) == 2


async def test_voiding_a_renewal_restores_the_previous_validity(
    database: Database, espoo_network: Network
) -> None:
    await record(database, espoo_network, IssuanceKind.NEW, "KK123456", months=1)
    renewal = await record(
        database, espoo_network, IssuanceKind.RENEWAL, "KK123456", issued_on=TODAY + timedelta(40)
    )
    voided = await void(database, renewal)
    assert voided.freed is None
    assert voided.valid_until == TODAY + timedelta(30)
    async with database.read() as session:
        found = await cards.find(session, "KK123456")
    assert found is not None
    assert found.last is not None
    assert found.last.valid_until == TODAY + timedelta(30)


async def test_voiding_a_replacement_restores_the_lost_card_and_frees_the_new_number(
    database: Database, espoo_network: Network
) -> None:
    await record(database, espoo_network, IssuanceKind.NEW, "KK111111")
    replacement = await record(
        database, espoo_network, IssuanceKind.REPLACEMENT, "KK222222", old_number="KK111111"
    )
    voided = await void(database, replacement)
    assert (voided.freed, voided.restored) == ("KK222222", "KK111111")
    async with database.read() as session:
        lost = await cards.find(session, "KK111111")
        assert lost is not None
        assert not lost.deactivated
        assert await cards.find(session, "KK222222") is None
        await cards.check_new_number(session, "KK222222", TODAY)  # free again


async def test_voiding_a_replacement_of_an_unknown_card_frees_both_numbers(
    database: Database, espoo_network: Network
) -> None:
    replacement = await record(
        database, espoo_network, IssuanceKind.REPLACEMENT, "KK222222", old_number="KK111111"
    )
    async with database.read() as session:
        with pytest.raises(CardDeactivated):
            await cards.check_new_number(session, "KK111111", TODAY)
    await void(database, replacement)
    async with database.read() as session:
        await cards.check_new_number(session, "KK111111", TODAY)
        await cards.check_new_number(session, "KK222222", TODAY)


async def test_only_the_latest_standing_issuance_of_a_card_is_voided(
    database: Database, espoo_network: Network
) -> None:
    first = await record(database, espoo_network, IssuanceKind.NEW, "KK123456", months=1)
    await record(
        database, espoo_network, IssuanceKind.RENEWAL, "KK123456", issued_on=TODAY + timedelta(40)
    )
    with pytest.raises(issuances.NotLatest):
        await void(database, first)
    async with database.read() as session:
        with pytest.raises(CardNumberTaken):
            await cards.check_new_number(session, "KK123456", TODAY)
