"""staff's own contact details, and handovers of the contact person role

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:00:00

Written beside other branches: the lead re-chains this one at merge.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_details",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_contact_details_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_contact_details")),
    )
    with op.batch_alter_table("invitation") as batch:
        batch.add_column(sa.Column("handover_from_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("offered_to_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_invitation_handover_from_id_person"), "person", ["handover_from_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_invitation_offered_to_id_person"), "person", ["offered_to_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invitation") as batch:
        batch.drop_constraint(op.f("fk_invitation_offered_to_id_person"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_invitation_handover_from_id_person"), type_="foreignkey")
        batch.drop_column("offered_to_id")
        batch.drop_column("handover_from_id")
    op.drop_table("contact_details")
