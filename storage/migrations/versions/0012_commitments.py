"""the commitment to the national guideline: who recorded it, and every organisation's so far

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 02:30:00

Committing to the national guideline is the precondition for issuing. The organisations in
the network before this upgrade were in it by the locality's own decision: their commitment is
recorded as of the upgrade's day, by "recorded at upgrade" (storage.network.RECORDED_AT_UPGRADE),
so nobody loses the right to issue. Written beside other branches: the lead re-chains it at merge.
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As storage.network.RECORDED_AT_UPGRADE today; a migration keeps its own copy, frozen.
RECORDED_AT_UPGRADE = "recorded at upgrade"


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("commitment_recorded_by", sa.String(length=200), nullable=True)
        )
    op.get_bind().execute(
        sa.text(
            "UPDATE organisation SET committed_on = COALESCE(committed_on, :today), "
            "commitment_recorded_by = :recorded WHERE commitment_recorded_by IS NULL"
        ).bindparams(sa.bindparam("today", type_=sa.Date())),
        {"today": date.today(), "recorded": RECORDED_AT_UPGRADE},
    )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("commitment_recorded_by")
