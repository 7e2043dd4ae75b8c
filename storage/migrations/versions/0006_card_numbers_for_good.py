"""card numbers for good: a lost card's number is never issued again

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 01:20:00

The unique index on card numbers covered only cards in use, so a replaced (lost) card's number
could be issued again as a new card. Now a number is unique among all cards but "X". A database
that already holds two cards with one number cannot be upgraded silently: which card is real is
for a person to decide, so the upgrade stops and names the numbers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IN_USE = "deactivated_at IS NULL AND number != 'X'"
_ALL = "number != 'X'"


def upgrade() -> None:
    duplicates = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT number FROM card WHERE number != 'X' GROUP BY number HAVING COUNT(*) > 1"
            )
        )
        .scalars()
        .all()
    )
    if duplicates:
        raise RuntimeError(
            "These card numbers belong to more than one card (a lost card's number issued "
            f"again): {', '.join(sorted(duplicates))}. Decide which card is real, void or "
            "renumber the other, and upgrade again."
        )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_card_number_in_use",
            sqlite_where=sa.text(_IN_USE),
            postgresql_where=sa.text(_IN_USE),
        )
        batch_op.create_index(
            "uq_card_number",
            ["number"],
            unique=True,
            sqlite_where=sa.text(_ALL),
            postgresql_where=sa.text(_ALL),
        )


def downgrade() -> None:
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_card_number", sqlite_where=sa.text(_ALL), postgresql_where=sa.text(_ALL)
        )
        batch_op.create_index(
            "uq_card_number_in_use",
            ["number"],
            unique=True,
            sqlite_where=sa.text(_IN_USE),
            postgresql_where=sa.text(_IN_USE),
        )
