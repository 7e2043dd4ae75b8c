"""names unique whatever their case: a case-folded key per organisation and unit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 02:10:00

Organisation names were unique within their locality, and unit names within their
organisation, only as typed: "Nuorisoasema" and "NUORISOASEMA" could both exist. Each gets a
name key (the trimmed NFC name, case-folded by Python: SQLite's lower() folds ASCII only), and
the key is unique within the parent. A database that already holds two names with one key
cannot be upgraded silently: which is the real one is for a person to decide (rename or merge
them), so the upgrade stops and names them. 0009–0010 are written on other branches: the lead
re-chains this one at merge.
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, the parent's column): names are unique within their parent.
TABLES = (("organisation", "locality_id"), ("unit", "organisation_id"))


def _key(name: str) -> str:
    # As storage.names.name_key today; a migration keeps its own copy, frozen.
    cleaned = unicodedata.normalize("NFC", name).strip()
    return unicodedata.normalize("NFC", cleaned.casefold())


def _keys(table: str, parent: str) -> dict[int, str]:
    """Each row's key; stops the upgrade when two rows of one parent share one."""
    rows = op.get_bind().execute(sa.text(f"SELECT id, {parent}, name FROM {table} ORDER BY id")).all()
    keys: dict[int, str] = {}
    seen: dict[tuple[int, str], list[str]] = {}
    for row_id, parent_id, name in rows:
        keys[row_id] = _key(name)
        seen.setdefault((parent_id, keys[row_id]), []).append(name)
    clashes = sorted(" = ".join(repr(n) for n in names) for names in seen.values() if len(names) > 1)
    if clashes:
        raise RuntimeError(
            f"These {table} names differ only in case or spaces within one "
            f"{parent.removesuffix('_id')}: {'; '.join(clashes)}. Rename one of each (or move "
            "its people and cards to the other), and upgrade again."
        )
    return keys


def upgrade() -> None:
    for table, parent in TABLES:
        keys = _keys(table, parent)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
        for row_id, key in keys.items():
            op.get_bind().execute(
                sa.text(f"UPDATE {table} SET name_key = :key WHERE id = :id"),
                {"key": key, "id": row_id},
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("name_key", existing_type=sa.String(length=200), nullable=False)
            batch_op.drop_constraint(op.f(f"uq_{table}_{parent}_name"), type_="unique")
            batch_op.create_unique_constraint(
                op.f(f"uq_{table}_{parent}_name_key"), [parent, "name_key"]
            )


def downgrade() -> None:
    for table, parent in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"uq_{table}_{parent}_name_key"), type_="unique")
            batch_op.create_unique_constraint(op.f(f"uq_{table}_{parent}_name"), [parent, "name"])
            batch_op.drop_column("name_key")
