"""Which of the three languages a question is written in, told from its words alone."""

from __future__ import annotations

from collections.abc import Mapping

from bot.guideline.analysis import words_of


def detect(text: str, known_words: Mapping[str, frozenset[str]], fallback: str) -> str:
    """The language whose words the text uses most; the reader's own on a tie or no clue."""
    words = words_of(text)
    counts = {
        language: sum(1 for word in words if word in known)
        for language, known in known_words.items()
    }
    # Only Swedish writes å; a question that has one is Swedish unless its words say otherwise.
    if "å" in text.lower() and "sv" in counts:
        counts["sv"] += 1
    best = max(counts.values(), default=0)
    if best == 0 or counts.get(fallback) == best:
        return fallback
    return next(language for language, count in counts.items() if count == best)
