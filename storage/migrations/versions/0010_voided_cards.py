"""voided cards: a card whose only issuances were voided gives its number back

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:00:00

Written on a branch of its own: the lead re-chains it at merge.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ALL = "number != 'X'"
_NOT_VOIDED = "number != 'X' AND voided_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("voided_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_index(
            "uq_card_number", sqlite_where=sa.text(_ALL), postgresql_where=sa.text(_ALL)
        )
        batch_op.create_index(
            "uq_card_number",
            ["number"],
            unique=True,
            sqlite_where=sa.text(_NOT_VOIDED),
            postgresql_where=sa.text(_NOT_VOIDED),
        )


def downgrade() -> None:
    # A voided card's number may have been issued again since: then both rows stay and the
    # old index cannot be built; the downgrade stops there, for a person to decide.
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_card_number",
            sqlite_where=sa.text(_NOT_VOIDED),
            postgresql_where=sa.text(_NOT_VOIDED),
        )
        batch_op.create_index(
            "uq_card_number",
            ["number"],
            unique=True,
            sqlite_where=sa.text(_ALL),
            postgresql_where=sa.text(_ALL),
        )
        batch_op.drop_column("voided_at")
