"""The bot uses the libraries' public API only: their private modules and attributes (a
leading underscore) change without notice between the versions pyproject.toml allows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
LIBRARIES = ("telegram", "sqlalchemy", "aiosqlite")
# The sandbox's own classes are free to look into each other; migrations are Alembic's.
EXEMPT = ("bot/sandbox/", "storage/migrations/")


def sources() -> list[Path]:
    found = []
    for package in ("bot", "handlers", "storage"):
        for path in sorted((REPOSITORY / package).rglob("*.py")):
            relative = path.relative_to(REPOSITORY).as_posix()
            if not relative.startswith(EXEMPT):
                found.append(path)
    return found


def private_uses(tree: ast.AST) -> list[str]:
    """Imports of a library's private module or name, and any `thing._attribute` of an object
    other than self or cls."""
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] in LIBRARIES and (
                any(part.startswith("_") for part in parts)
                or any(alias.name.startswith("_") for alias in node.names)
            ):
                uses.append(f"from {node.module} import …")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in LIBRARIES and any(part.startswith("_") for part in parts):
                    uses.append(f"import {alias.name}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            uses.append(f"…{node.attr} (line {node.lineno})")
    return uses


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(REPOSITORY).as_posix())
def test_no_private_module_or_attribute_is_used(path: Path) -> None:
    assert private_uses(ast.parse(path.read_text(), str(path))) == []


def test_the_check_finds_what_it_looks_for() -> None:
    tree = ast.parse(
        "from telegram.ext._utils.types import CDCData\n"
        "import sqlalchemy._private\n"
        "connection._execute(f)\n"
        "self._fine = 1\n"
    )
    assert len(private_uses(tree)) == 3
