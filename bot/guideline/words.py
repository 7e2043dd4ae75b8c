"""Each language's word data for the search: locales/<lang>/guideline-words.toml.

Stop words are left out of the search; a synonym brings in the words an entry uses for what a
staff member typed ("henkkarit" → "henkilöllisyystodistus"); compound parts are the first halves
of compounds that the stemmer does not know as words ("kortin" in "kortinmyöntäjä").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

WORDS_FILE = "guideline-words.toml"


@dataclass(frozen=True, slots=True)
class Words:
    """One language's stop words, synonyms (variant → what entries say) and compound parts."""

    stopwords: frozenset[str] = frozenset()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    compound_parts: frozenset[str] = frozenset()
    # Endings glued to any word ("-kin", "-ko"): a stop word with one is still a stop word.
    clitics: tuple[str, ...] = ()


def words_path(locales_dir: Path, language: str) -> Path:
    """Where a language's word data lives."""
    return locales_dir / language / WORDS_FILE


def load_words(path: Path) -> Words:
    """Read one language's word data (a missing file means none)."""
    if not path.exists():
        return Words()
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    synonyms: dict[str, list[str]] = {}
    # The file lists, for each word entries use, the words staff type for it.
    for meaning, variants in data.get("synonyms", {}).items():
        for variant in variants:
            synonyms.setdefault(variant.lower(), []).append(meaning.lower())
    return Words(
        stopwords=frozenset(word.lower() for word in data.get("stopwords", [])),
        synonyms={variant: tuple(meanings) for variant, meanings in synonyms.items()},
        compound_parts=frozenset(part.lower() for part in data.get("compound_parts", [])),
        clitics=tuple(clitic.lower() for clitic in data.get("clitics", [])),
    )
