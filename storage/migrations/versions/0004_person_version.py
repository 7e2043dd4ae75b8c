"""person version: bumped by the database on every change to a person or their roles

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:20:00

A form's step checks, in the same statement that stores its answer, that the person and their
roles are as the bot last read them (storage.people, storage.drafts): any change, by the bot,
by the command line in another process or by hand, bumps this number. Triggers do the bumping,
so no code path can forget it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_TRIGGERS = [
    # Any change to the person's row that did not itself set the version.
    """CREATE TRIGGER person_version_on_update AFTER UPDATE ON person
    WHEN NEW.version = OLD.version
    BEGIN UPDATE person SET version = OLD.version + 1 WHERE id = NEW.id; END""",
    """CREATE TRIGGER person_version_on_role_insert AFTER INSERT ON role_assignment
    BEGIN UPDATE person SET version = version + 1 WHERE id = NEW.person_id; END""",
    """CREATE TRIGGER person_version_on_role_delete AFTER DELETE ON role_assignment
    BEGIN UPDATE person SET version = version + 1 WHERE id = OLD.person_id; END""",
    """CREATE TRIGGER person_version_on_role_update AFTER UPDATE ON role_assignment
    BEGIN UPDATE person SET version = version + 1 WHERE id IN (OLD.person_id, NEW.person_id);
    END""",
]
_SQLITE_TRIGGER_NAMES = [
    "person_version_on_update",
    "person_version_on_role_insert",
    "person_version_on_role_delete",
    "person_version_on_role_update",
]

_POSTGRESQL = [
    """CREATE FUNCTION person_version_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.version = OLD.version THEN
            NEW.version := OLD.version + 1;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER person_version_on_update BEFORE UPDATE ON person
    FOR EACH ROW EXECUTE FUNCTION person_version_on_update()""",
    """CREATE FUNCTION person_version_on_role_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE person SET version = version + 1 WHERE id = NEW.person_id;
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            UPDATE person SET version = version + 1 WHERE id = OLD.person_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER person_version_on_role_change
    AFTER INSERT OR UPDATE OR DELETE ON role_assignment
    FOR EACH ROW EXECUTE FUNCTION person_version_on_role_change()""",
]


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_TRIGGERS if dialect == "sqlite" else _POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS person_version_on_role_change ON role_assignment")
        op.execute("DROP TRIGGER IF EXISTS person_version_on_update ON person")
        op.execute("DROP FUNCTION IF EXISTS person_version_on_role_change()")
        op.execute("DROP FUNCTION IF EXISTS person_version_on_update()")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("version")
