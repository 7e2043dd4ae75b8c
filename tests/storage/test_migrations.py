"""Migrations build the schema the models describe, on every backend."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Date, bindparam, text
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


async def downgrade(database: Database, revision: str) -> None:
    def _downgrade(connection: Connection) -> None:
        command.downgrade(migrate.alembic_config(connection), revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(_downgrade)


async def test_card_numbers_for_good_refuses_a_database_with_a_number_on_two_cards(
    database: Database,
) -> None:
    # Before 0006 a lost card's number could be issued again: a person must decide which is real.
    await downgrade(database, "0005")
    async with database.engine.begin() as connection:
        for deactivated in ("CURRENT_TIMESTAMP", "NULL", "NULL", "NULL"):
            await connection.execute(
                text(
                    "INSERT INTO card (number, created_at, deactivated_at) VALUES "
                    f"(:number, CURRENT_TIMESTAMP, {deactivated})"
                ),
                {"number": "KK123456" if deactivated == "CURRENT_TIMESTAMP" else "X"},
            )
        await connection.execute(
            text("INSERT INTO card (number, created_at) VALUES ('KK123456', CURRENT_TIMESTAMP)")
        )

    with pytest.raises(RuntimeError, match="KK123456"):
        await migrate.upgrade(database.engine)
    assert not await migrate.is_current(database.engine)

    async with database.engine.begin() as connection:
        await connection.execute(
            text("DELETE FROM card WHERE deactivated_at IS NULL AND number != 'X'")
        )
    await migrate.upgrade(database.engine)
    assert await migrate.is_current(database.engine)


async def test_name_keys_refuse_a_database_with_two_names_differing_only_in_case(
    database: Database,
) -> None:
    # Before 0011 names were unique only as typed: a person must decide which one is real.
    await downgrade(database, "0010")
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO locality (id, name, card_number_examples, validity_months, "
                "postal_codes, created_at) VALUES (1, 'Espoo', '[]', 12, '[]', CURRENT_TIMESTAMP)"
            )
        )
        for row_id, name in ((1, "Nuorisoasema"), (2, " NUORISOASEMA"), (3, "Äitiysneuvola")):
            await connection.execute(
                text(
                    "INSERT INTO organisation (id, locality_id, name, kind, active, created_at) "
                    "VALUES (:id, 1, :name, '', true, CURRENT_TIMESTAMP)"
                ),
                {"id": row_id, "name": name},
            )

    with pytest.raises(RuntimeError, match="'Nuorisoasema' = ' NUORISOASEMA'"):
        await migrate.upgrade(database.engine)
    assert not await migrate.is_current(database.engine)

    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE organisation SET name = 'Nuoriso' WHERE id = 2"))
    await migrate.upgrade(database.engine)
    async with database.engine.connect() as connection:
        keys = await connection.execute(text("SELECT name_key FROM organisation ORDER BY id"))
        assert keys.scalars().all() == ["nuorisoasema", "nuoriso", "äitiysneuvola"]


async def test_commitments_are_recorded_at_upgrade_for_the_organisations_already_in(
    database: Database,
) -> None:
    # Before 0012 nothing asked for a commitment: the network's organisations keep issuing.
    await downgrade(database, "0011")
    async with database.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO locality (id, name, card_number_examples, validity_months, "
                "postal_codes, created_at) VALUES (1, 'Espoo', '[]', 12, '[]', CURRENT_TIMESTAMP)"
            )
        )
        for row_id, committed in ((1, None), (2, date(2024, 5, 2))):
            await connection.execute(
                text(
                    "INSERT INTO organisation (id, locality_id, name, name_key, kind, "
                    "committed_on, active, created_at) "
                    "VALUES (:id, 1, :name, :name, '', :committed, true, CURRENT_TIMESTAMP)"
                ).bindparams(bindparam("committed", type_=Date())),
                {"id": row_id, "name": f"org {row_id}", "committed": committed},
            )
    await migrate.upgrade(database.engine)
    async with database.engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT committed_on, commitment_recorded_by FROM organisation ORDER BY id"
                ).columns(committed_on=Date())
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        (date.today(), "recorded at upgrade"),
        (date(2024, 5, 2), "recorded at upgrade"),
    ]
