"""One language's search index: BM25 over the analysed entries (bm25s)."""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass

import bm25s
import numpy

from bot.guideline.analysis import Analyzer
from bot.guideline.entries import Entry

# bm25s sets its own logger to DEBUG when imported, so that every index built would be logged
# under any root level; it says nothing the bot's log needs.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# BM25's usual constants: term frequency saturates early (short entries), length matters.
K1 = 1.2
B = 0.75
GUESS_WEIGHT = 0.5
# How much a word the guidelines do not know weighs against a question's coverage, in
# rarest words (chosen on the tuning part and our own questions: fewer wrong answers given
# as sure, two more right ones marked not sure).
UNKNOWN_WEIGHT = 1.5


@dataclass(frozen=True, slots=True)
class Hit:
    """A topic found for a question, with how much of the question it covers (0 to 1)."""

    topic: str
    score: float


def searchable_text(entry: Entry) -> str:
    """What an entry is found by: its title and keywords count twice, its text once."""
    head = " ".join([entry.title, *entry.keywords])
    return " ".join([head, head, entry.answer, entry.more])


def entry_phrases(analyzer: Analyzer, entry: Entry) -> list[str]:
    """The terms of an entry's keywords of several words."""
    return [term for keyword in entry.keywords if (term := analyzer.phrase_term(keyword))]


class Index:
    """The entries of one language, ranked for a question by BM25."""

    def __init__(self, analyzer: Analyzer, entries: list[Entry]) -> None:
        self.analyzer = analyzer
        texts = [searchable_text(entry) for entry in entries]
        analyzer.learn(texts, (keyword for entry in entries for keyword in entry.keywords))
        # A keyword of several words is also one term of its own, found only when a question
        # has the whole phrase: it carries what its stop words say ("who can get", "ei pakko").
        corpus = [
            analyzer.terms(text) + entry_phrases(analyzer, entry)
            for text, entry in zip(texts, entries, strict=True)
        ]
        self.topics = [entry.topic for entry in entries]
        self._bm25 = bm25s.BM25(k1=K1, b=B)
        self._bm25.index(corpus, show_progress=False)
        frequencies = Counter(term for terms in corpus for term in set(terms))
        count = len(corpus)
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()
        }

    def search(self, question: str, limit: int = 3) -> list[Hit]:
        """The best topics for a question, best first, each scored by the share it covers."""
        query = self.analyzer.query(question)
        terms = query.terms
        # A term scores about its idf in an entry that has it once at average length, so the
        # sum over the question's terms is what a perfect entry would score. A word guessed
        # from a typo counts as much as the rarest word; a word no entry, synonym or typo
        # explains counts more (UNKNOWN_WEIGHT): it says the question is about something the
        # guidelines do not cover, and one common word matched must not make that sure.
        rarest = max(self._idf.values(), default=0.0)
        attainable = sum(
            rarest if term in query.guessed else self._idf.get(term, UNKNOWN_WEIGHT * rarest)
            for term in terms
        )
        if not any(term in self._idf for term in terms):
            return []
        # A guess at a typo may be wrong: it counts half.
        scores = sum(
            (GUESS_WEIGHT if term in query.guessed else 1.0) * self._bm25.get_scores([term])
            for term in terms
        )
        best = numpy.argsort(-scores, kind="stable")[:limit]
        return [
            Hit(self.topics[i], min(1.0, float(scores[i]) / attainable))
            for i in best
            if scores[i] > 0
        ]
