"""summary schedules, and the indexes the summaries count with

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 01:30:00

0005–0007 are written on other branches: the lead re-chains this one at merge.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "summary_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "daily",
                "weekly",
                "monthly",
                name="summaryfrequency",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("starts_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_period_start", sa.Date(), nullable=True),
        sa.Column("last_period_end", sa.Date(), nullable=True),
        sa.CheckConstraint("hour BETWEEN 0 AND 23", name=op.f("ck_summary_schedule_hour")),
        sa.CheckConstraint(
            "(frequency = 'daily' AND weekday IS NULL AND day_of_month IS NULL)"
            " OR (frequency = 'weekly' AND weekday BETWEEN 0 AND 6 AND day_of_month IS NULL)"
            " OR (frequency = 'monthly' AND day_of_month BETWEEN 1 AND 28 AND weekday IS NULL)",
            name=op.f("ck_summary_schedule_slot"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_summary_schedule_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_schedule")),
        sa.UniqueConstraint("person_id", name=op.f("uq_summary_schedule_person_id")),
    )
    # Chosen from the query plans of bench/summary.py on SQLite and PostgreSQL.
    with op.batch_alter_table("issuance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_issuance_summary",
            [
                "unit_id",
                "issued_on",
                "kind",
                "birth_year",
                "gender",
                "life_situation",
                "wellbeing",
                "mobile_card",
                "children",
                "voided_at",
            ],
            unique=False,
        )
        batch_op.create_index("ix_issuance_valid_until", ["valid_until"], unique=False)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_action", ["action", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_action")
    with op.batch_alter_table("issuance", schema=None) as batch_op:
        batch_op.drop_index("ix_issuance_valid_until")
        batch_op.drop_index("ix_issuance_summary")
    op.drop_table("summary_schedule")
