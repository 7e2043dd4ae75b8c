"""The knowledge base's entries: one TOML file per language, locales/<lang>/guideline.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.settings import SUPPORTED_LANGUAGES

ENTRIES_FILE = "guideline.toml"


class KnowledgeBaseError(ValueError):
    """An entries file is malformed: the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One answer in one language, under its stable topic key."""

    topic: str
    language: str
    title: str
    answer: str
    more: str = ""
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


def entries_path(locales_dir: Path, language: str) -> Path:
    """Where a language's entries live."""
    return locales_dir / language / ENTRIES_FILE


def load_language(path: Path, language: str) -> dict[str, Entry]:
    """Read one language's entries by topic; refuse a file an editor got wrong."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise KnowledgeBaseError(f"{path}: {error}") from error
    entries: dict[str, Entry] = {}
    for number, raw in enumerate(data.get("entry", []), start=1):
        entry = _entry(raw, language, f"{path}, entry {number}")
        if entry.topic in entries:
            raise KnowledgeBaseError(f"{path}: topic {entry.topic!r} appears twice")
        entries[entry.topic] = entry
    return entries


def _entry(raw: object, language: str, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{where}: not a table")
    missing = [key for key in ("topic", "title", "answer") if not _text(raw.get(key))]
    if missing:
        raise KnowledgeBaseError(f"{where}: missing {', '.join(missing)}")
    unknown = set(raw) - {"topic", "title", "answer", "more", "keywords", "related"}
    if unknown:
        raise KnowledgeBaseError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    return Entry(
        topic=raw["topic"].strip(),
        language=language,
        title=raw["title"].strip(),
        answer=raw["answer"].strip(),
        more=str(raw.get("more", "")).strip(),
        keywords=_texts(raw.get("keywords", []), where),
        related=_texts(raw.get("related", []), where),
    )


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise KnowledgeBaseError(f"{where}: keywords and related are lists of text")
    return tuple(item.strip() for item in value if item.strip())


def load_all(locales_dir: Path) -> dict[str, dict[str, Entry]]:
    """Every supported language's entries, by language and topic."""
    return {
        language: load_language(entries_path(locales_dir, language), language)
        for language in SUPPORTED_LANGUAGES
    }
