"""The guide: every language's entries and indexes, asked one question at a time.

The bot and `kaikubot guideline ask` both answer through `current_guide().ask(...)`. The guide
is built once per process and built again only when an entries or words file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.guideline.analysis import Analyzer, words_of
from bot.guideline.entries import Entry, entries_path, load_all
from bot.guideline.index import Hit, Index
from bot.guideline.language import detect
from bot.guideline.words import load_words, words_path
from bot.i18n import LOCALES_DIR
from bot.settings import SUPPORTED_LANGUAGES

# Below this share of the question covered by the best entry, the bot says it is not sure
# (chosen on the tuning part of bench/guideline_quality.py: see the README's figures).
SURE = 0.25
HITS = 3


class MissingEntryError(ValueError):
    """A topic has an entry in one language but not in another."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the guide found for a question: the best topics and the question's language."""

    question_language: str
    hits: tuple[Hit, ...]

    @property
    def sure(self) -> bool:
        """Whether the best entry covers enough of the question to be given as the answer."""
        return bool(self.hits) and self.hits[0].score >= SURE

    @property
    def score(self) -> float:
        """The best entry's score (0 when nothing matched)."""
        return self.hits[0].score if self.hits else 0.0


class Guide:
    """The knowledge base of every language and its search indexes."""

    def __init__(self, entries: dict[str, dict[str, Entry]], locales_dir: Path) -> None:
        self.entries = entries
        topics = [set(by_topic) for by_topic in entries.values()]
        everywhere = set.intersection(*topics)
        missing = set.union(*topics) - everywhere
        if missing:
            raise MissingEntryError(f"topics not in every language: {', '.join(sorted(missing))}")
        self.indexes: dict[str, Index] = {}
        self.known_words: dict[str, frozenset[str]] = {}
        for language, by_topic in entries.items():
            words = load_words(words_path(locales_dir, language))
            index = Index(Analyzer(language, words), list(by_topic.values()))
            self.indexes[language] = index
            texts = [
                f"{e.title} {' '.join(e.keywords)} {e.answer} {e.more}" for e in by_topic.values()
            ]
            self.known_words[language] = frozenset(
                {word for text in texts for word in words_of(text)}
                | set(words.stopwords)
                | set(words.synonyms)
            )

    @property
    def topics(self) -> list[str]:
        """Every topic key, in the order of the English entries file."""
        return list(self.entries["en"])

    def entry(self, language: str, topic: str) -> Entry:
        """A topic's entry in a language."""
        return self.entries[language][topic]

    def ask(self, question: str, reader_language: str) -> Answer:
        """The best topics for a question in any of the languages, to be shown in the reader's."""
        language = detect(question, self.known_words, reader_language)
        return Answer(language, tuple(self.indexes[language].search(question, HITS)))


_built: tuple[tuple[tuple[str, int, int], ...], Guide] | None = None


def _fingerprint(locales_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Each entries and words file's path, modification time and size."""
    paths = [
        path
        for language in SUPPORTED_LANGUAGES
        for path in (entries_path(locales_dir, language), words_path(locales_dir, language))
    ]
    return tuple(
        (str(path), stat.st_mtime_ns, stat.st_size)
        for path in paths
        if path.exists() and (stat := path.stat())
    )


def current_guide(locales_dir: Path = LOCALES_DIR) -> Guide:
    """The guide for these files: built on first use and again whenever a file has changed."""
    global _built
    fingerprint = _fingerprint(locales_dir)
    if _built is None or _built[0] != fingerprint:
        _built = (fingerprint, Guide(load_all(locales_dir), locales_dir))
    return _built[1]
