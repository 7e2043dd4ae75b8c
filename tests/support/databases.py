"""Fresh databases for tests: a copied SQLite template, or a PostgreSQL schema of its own."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine.url import make_url

from storage import migrate
from storage.db import create_engine

POSTGRES_URL_VARIABLE = "KAIKUBOT_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = (
    f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} "
    "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test; .ci/run sets it)"
)


def postgres_url() -> str | None:
    """The PostgreSQL server the tests may use, if one is configured."""
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


async def migrated_sqlite_template(directory: Path) -> Path:
    """Migrate an empty SQLite file once; tests copy it (faster than migrating each time)."""
    template = directory / "template.db"
    engine = create_engine(f"sqlite+aiosqlite:///{template}")
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    return template


def copy_sqlite(template: Path, directory: Path) -> str:
    """A fresh database copied from the migrated template; returns its URL."""
    target = directory / f"test-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


def _plain_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_postgres_schema(url: str) -> tuple[str, str]:
    """A new, empty schema for one test; returns the schema and a URL whose search_path is it."""
    schema = f"kaikubot_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(_plain_dsn(url))
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await connection.close()
    scoped = make_url(url).update_query_dict({"search_path": schema})
    return schema, scoped.render_as_string(hide_password=False)


async def drop_postgres_schema(url: str, schema: str) -> None:
    """Remove a test's schema and everything in it."""
    connection = await asyncpg.connect(_plain_dsn(url))
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()


async def migrate_url(url: str) -> None:
    """Apply every migration to the database at `url`."""
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
