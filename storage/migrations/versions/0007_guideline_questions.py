"""guideline questions: counted always, their text kept only for low scores and 👎

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guideline_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asked_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("sure", sa.Boolean(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("vote", sa.String(length=4), nullable=True),
        sa.CheckConstraint(
            "vote IS NULL OR vote IN ('up', 'down')", name=op.f("ck_guideline_question_vote")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_guideline_question_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_question")),
    )
    with op.batch_alter_table("guideline_question", schema=None) as batch_op:
        batch_op.create_index("ix_guideline_question_asked_at", ["asked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("guideline_question", schema=None) as batch_op:
        batch_op.drop_index("ix_guideline_question_asked_at")
    op.drop_table("guideline_question")
