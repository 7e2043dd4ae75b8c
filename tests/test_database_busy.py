"""A database locked by someone else (the command line, a report, a person at a SQL prompt)
costs a person an apology within moments, not silence for as long as the lock is held, and the
bot goes on as soon as it is free: on both backends."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine.url import make_url

from bot.app import build_application, start_up
from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from storage.db import Database
from storage.models import Role
from tests.conftest import make_settings
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import add_person, build_network
from tests.support.simulator import TelegramSimulator

pytestmark = pytest.mark.postgres

LOCK_TIMEOUT_MS = 300
APOLOGY = "Sorry, something went wrong on my side."


@pytest.fixture
async def app_on(database_url: str, telegram: TelegramModel) -> AsyncIterator[KaikuApplication]:
    """The application on each backend, giving up on a lock after a short while."""
    database = Database.from_url(database_url, lock_timeout_ms=LOCK_TIMEOUT_MS)
    application = build_application(
        make_settings(database_url), request=FakeTelegramRequest(telegram), database=database
    )
    await application.initialize()
    await start_up(application)
    yield application
    await application.shutdown()
    await database.dispose()


@contextmanager
def sqlite_locked(url: str) -> Iterator[None]:
    """Another process writing to the SQLite file."""
    other = sqlite3.connect(make_url(url).database or "")
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
    finally:
        other.rollback()
        other.close()


@asynccontextmanager
async def locked(url: str) -> AsyncIterator[None]:
    """The person table locked by another session until the block ends."""
    if make_url(url).get_backend_name() == "sqlite":
        with sqlite_locked(url):
            yield
        return
    other = Database.from_url(url)
    try:
        async with other.write() as session:
            await session.execute(text("LOCK TABLE person IN ACCESS EXCLUSIVE MODE"))
            yield
    finally:
        await other.dispose()


async def test_a_locked_database_gets_an_apology_and_the_bot_recovers(
    app_on: KaikuApplication, telegram: TelegramModel, database_url: str
) -> None:
    database = app_on.services.database
    espoo = await build_network(database)
    sim = TelegramSimulator(telegram, app_on)
    issuer = await sim.user("Iida", language_code="en")
    await add_person(database, issuer.id, "Iida", (Role.ISSUER, espoo.units["family"]))

    async with locked(database_url):
        await issuer.send("/issue")
        assert issuer.last_reply().text.startswith(APOLOGY)

    await issuer.send("/issue")
    assert issuer.last_reply().text.startswith("Check that all four apply to the client:")
