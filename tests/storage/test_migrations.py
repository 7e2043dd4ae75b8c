"""Migrations build the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage import migrate
from storage.db import Database
from storage.models import Base


async def test_every_migration_applied_leaves_nothing_for_autogenerate(
    database: Database,
) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        found = await connection.run_sync(differences)

    assert found == []
    assert await migrate.is_current(database.engine)


async def test_upgrading_twice_changes_nothing(database: Database) -> None:
    await migrate.upgrade(database.engine)
    assert await migrate.is_current(database.engine)
