"""drop person.version and its triggers: a form's step reads the person in its own transaction

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 01:20:00

The version let a step store its answer without reading the person first. Each update now
reads, decides, writes and commits in one short transaction, so nothing needs it.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision_0004():  # type: ignore[no-untyped-def]
    """Migration 0004's module: dropping and bringing back the same column and triggers."""
    path = Path(__file__).with_name("0004_person_version.py")
    spec = importlib.util.spec_from_file_location("revision_0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    _revision_0004().downgrade()


def downgrade() -> None:
    _revision_0004().upgrade()
