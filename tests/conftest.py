"""Shared fixtures: compiled catalogs, fresh databases on each backend, settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.app import build_application, start_up
from bot.context import KaikuApplication
from bot.i18n import LOCALES_DIR
from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from storage.db import Database
from tests.support import databases
from tests.support.connections import ConnectionWatch
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import Network, build_network
from tests.support.simulator import TelegramSimulator

# Which database backends ran in this session, for the summary at the end.
BACKENDS_USED: dict[str, str] = {}


def compile_catalogs() -> None:
    """Compile every stale .po (the test setup does what `make catalogs` does)."""
    for po in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)


def pytest_configure(config: pytest.Config) -> None:
    compile_catalogs()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_sep("-", "database backends")
    for backend in ("sqlite", "postgresql"):
        status = BACKENDS_USED.get(backend, "not used")
        terminalreporter.write_line(f"{backend}: {status}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session."""
    directory = tmp_path_factory.mktemp("template")
    return asyncio.run(databases.migrated_sqlite_template(directory))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database file for one test."""
    BACKENDS_USED["sqlite"] = "ran"
    return databases.copy_sqlite(sqlite_template, tmp_path)


@pytest.fixture
async def postgresql_url() -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL schema for one test (skipped without a server)."""
    server = databases.postgres_url()
    if server is None:
        BACKENDS_USED.setdefault("postgresql", f"skipped: {databases.POSTGRES_SKIP_REASON}")
        pytest.skip(databases.POSTGRES_SKIP_REASON)
    BACKENDS_USED["postgresql"] = "ran"
    schema, url = await databases.create_postgres_schema(server)
    try:
        await databases.migrate_url(url)
        yield url
    finally:
        await databases.drop_postgres_schema(server, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh database on each backend: storage tests run on both."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An open Database on each backend."""
    db = Database.from_url(database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def sqlite_database(sqlite_url: str) -> AsyncIterator[Database]:
    """An open Database on SQLite only (for tests about the application, not storage)."""
    db = Database.from_url(sqlite_url)
    yield db
    await db.dispose()


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for a test: a dummy token, the given database, no .env file."""
    values: dict[str, object] = {
        "token": "123456:TEST-TOKEN-never-sent",
        "database_url": database_url,
        "api_base_url": "http://127.0.0.1:9/bot",
        "default_language": "fi",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@pytest.fixture
def telegram() -> TelegramModel:
    """The in-memory Telegram the application talks to."""
    return TelegramModel()


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    """Settings for an application on a fresh SQLite database."""
    return make_settings(sqlite_url)


@pytest.fixture
async def app(settings: Settings, telegram: TelegramModel) -> AsyncIterator[KaikuApplication]:
    """The real application (handlers, jobs) on the fake transport.

    Every test that uses it fails if a request reached Telegram while the task that made it
    held a database connection: commit first, then talk.
    """
    request = FakeTelegramRequest(telegram)
    application = build_application(settings, request=request)
    watch = ConnectionWatch(application.services.database.engine)
    request.before_call = watch.before_telegram_call
    await application.initialize()
    await start_up(application)  # PTB runs post_init only under run_polling
    yield application
    await application.shutdown()
    await application.services.database.dispose()
    watch.close()
    assert watch.violations == [], (
        f"Telegram was called with a database connection checked out: {watch.violations}"
    )


@pytest.fixture
def sim(app: KaikuApplication, telegram: TelegramModel) -> TelegramSimulator:
    """People who talk to the application."""
    return TelegramSimulator(telegram, app)


@pytest.fixture
async def espoo(app: KaikuApplication) -> Network:
    """The test network in the application's database."""
    return await build_network(app.services.database)
