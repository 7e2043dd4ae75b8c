"""Two issuers, one number, the same moment: one card, a clear message to the other."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest

from bot.app import build_application, start_up
from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from storage import cards
from storage.cards import Background, CardNumberTaken, FormAlreadyStored
from storage.db import Database
from storage.models import IssuanceKind, Role
from tests.conftest import make_settings
from tests.issuing.conftest import cards_stored, current_question, issuances, issue_new_card
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import add_person, build_network
from tests.support.simulator import TelegramSimulator


@pytest.fixture
async def app_on_each_backend(
    database_url: str, telegram: TelegramModel
) -> AsyncIterator[KaikuApplication]:
    application = build_application(
        make_settings(database_url), request=FakeTelegramRequest(telegram)
    )
    await application.initialize()
    await start_up(application)
    yield application
    await application.shutdown()
    await application.services.database.dispose()


async def test_two_issuers_confirming_one_number_store_one_card(
    app_on_each_backend: KaikuApplication, telegram: TelegramModel
) -> None:
    app = app_on_each_backend
    network = await build_network(app.services.database)
    sim = TelegramSimulator(telegram, app)
    first, second = (
        await sim.user("Eka", language_code="en"),
        await sim.user("Toka", language_code="en"),
    )
    for user, unit in ((first, "family"), (second, "helpline")):
        await add_person(
            app.services.database, user.id, user.first_name, (Role.ISSUER, network.units[unit])
        )
        await issue_new_card(user, "KK123456", confirm=False)

    await asyncio.gather(first.click("Confirm"), second.click("Confirm"))

    assert len(await cards_stored(app)) == 1
    assert len(await issuances(app)) == 1
    replies = {current_question(first), current_question(second)}
    assert any(text.startswith("Card KK123456 is recorded.") for text in replies)
    assert any(
        text.startswith("Card number KK123456 was recorded by someone else a moment ago.")
        for text in replies
    )
    assert sim.errors == []


async def test_concurrent_transactions_for_one_number_let_exactly_one_through(
    database: Database,
) -> None:
    network = await build_network(database)
    issuer_id = await add_person(database, 1, "Eka", (Role.ISSUER, network.units["family"]))
    unit = network.units["family"]

    async def attempt() -> str:
        async with database.write() as session:
            try:
                await cards.record(
                    session,
                    kind=IssuanceKind.NEW,
                    number="KK777777",
                    old_number=None,
                    unit_id=unit,
                    unit_ids={unit},
                    issuer_id=issuer_id,
                    issued_on=date(2026, 11, 25),
                    valid_until=date(2027, 11, 24),
                    background=Background(birth_year=1980, postal_code="02100", children=0),
                    form_id=str(uuid.uuid4()),
                )
            except CardNumberTaken:
                return "taken"
            await session.commit()
            return "stored"

    outcomes = await asyncio.gather(*(attempt() for _ in range(8)))

    assert sorted(outcomes) == ["stored"] + ["taken"] * 7


@pytest.mark.parametrize("kind", [IssuanceKind.NEW, IssuanceKind.RENEWAL])
async def test_a_form_recorded_twice_is_refused_as_already_stored(
    database: Database, kind: IssuanceKind
) -> None:
    network = await build_network(database)
    issuer_id = await add_person(database, 1, "Eka", (Role.ISSUER, network.units["family"]))
    unit = network.units["family"]
    form_id = str(uuid.uuid4())

    async def attempt() -> str:
        async with database.write() as session:
            try:
                await cards.record(
                    session,
                    kind=kind,
                    number="KK888888",
                    old_number=None,
                    unit_id=unit,
                    unit_ids={unit},
                    issuer_id=issuer_id,
                    issued_on=date(2026, 11, 25),
                    valid_until=date(2027, 11, 24),
                    background=Background(birth_year=1980, postal_code="02100", children=0),
                    form_id=form_id,
                )
            except FormAlreadyStored:
                return "already stored"
            await session.commit()
            return "stored"

    assert [await attempt(), await attempt()] == ["stored", "already stored"]
