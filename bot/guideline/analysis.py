"""Text to search terms: fold, tokenise, stem, add synonyms and compound parts, mend typos.

Entries and questions go through the same steps, so that they meet on the same terms. Letters
are folded first (ä → a, ö → o, å → a): staff type on phones without them, and the stemmer
handles both vowel harmonies, so the folded form stems consistently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer
from rapidfuzz import fuzz, process

from bot.guideline.words import Words

STEMMER_NAMES = {"fi": "finnish", "sv": "swedish", "en": "english"}
_FOLD = (("ä", "a"), ("ö", "o"), ("å", "a"), ("é", "e"), ("ü", "u"), ("æ", "a"), ("ø", "o"))
_WORD = re.compile(r"[a-z0-9]+")
# Compounds are split only into parts long enough to mean something on their own.
_SHORTEST_PART = 4
_SHORTEST_COMPOUND = 2 * _SHORTEST_PART
# A typo is mended only in a word long enough for a similarity score to say something.
_SHORTEST_MENDED = 5
_MENDING_CUTOFF = 80.0
# A known term may stand for a longer unknown stem that starts with it and is at least half of
# it: Swedish definite endings the stemmer leaves on short nouns ("gym|met", "kort|en").
_SHORTEST_PREFIX = 3
_PREFIX_SHARE = 0.5
# A phrase's words may have a few stop words between them ("not [one of our] clients").
_PHRASE_GAP = 3


def fold(text: str) -> str:
    """Lower-case text with the letters staff may not type replaced by plain ones."""
    folded = unicodedata.normalize("NFKC", text).lower()
    for letter, plain in _FOLD:  # str.replace beats str.translate's per-letter lookups
        folded = folded.replace(letter, plain)
    return folded


def words_of(text: str) -> list[str]:
    """The folded words of a text."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True, slots=True)
class Query:
    """A question's search terms, and those that are guesses at a mistyped word."""

    terms: list[str]
    guessed: frozenset[str]


class Analyzer:
    """One language's way from text to search terms."""

    def __init__(self, language: str, words: Words) -> None:
        self.language = language
        self.words = words
        self._stemmer = Stemmer.Stemmer(STEMMER_NAMES[language])
        # Stop words with every clitic ("hänkin", "saanko") are stop words too.
        stopwords = [fold(word) for word in words.stopwords]
        clitics = ["", *(fold(clitic) for clitic in words.clitics)]
        self._stopwords = frozenset(word + clitic for word in stopwords for clitic in clitics)
        self._parts = frozenset(fold(part) for part in words.compound_parts)
        # A one-word variant is looked up by its stem; a phrase ("run out", "not client") by its
        # first stem, then matched word for word, stop words included, over a few stop words.
        # The entries' own keywords of several words become phrases too (see learn).
        self._synonyms: dict[str, tuple[str, ...]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for variant, meanings in words.synonyms.items():
            stems = tuple(self.stem(word) for word in words_of(variant))
            terms = tuple(term for meaning in meanings for term in self._plain_terms(meaning))
            if len(stems) == 1:
                self._synonyms[stems[0]] = terms
            elif stems:
                self._phrases.setdefault(stems[0], []).append((stems, terms))
        self._synonym_phrases = dict(self._phrases)
        self.vocabulary: frozenset[str] = frozenset()
        self._by_initial: dict[str, list[str]] = {}
        self._known_terms: frozenset[str] = frozenset()
        # Entries repeat their words: each word's terms are worked out once per vocabulary.
        self._word_terms: dict[str, tuple[str, ...]] = {}

    def stem(self, word: str) -> str:
        """The stem of a folded word."""
        return str(self._stemmer.stemWord(word))

    def _plain_terms(self, text: str) -> list[str]:
        return [self.stem(word) for word in words_of(text) if not self.is_stopword(word)]

    def is_stopword(self, word: str) -> bool:
        """Whether a folded word is left out of the search."""
        return word in self._stopwords

    def phrase_term(self, keyword: str) -> str | None:
        """The one term a keyword of several words with a stop word among them stands for as a
        whole ("not a client", "vem får", "ei pakko"), or None: its other words count alone."""
        words = words_of(keyword)
        if len(words) < 2 or not any(self.is_stopword(word) for word in words):
            return None
        return " ".join(self.stem(word) for word in words)

    def learn(self, texts: Iterable[str], keywords: Iterable[str] = ()) -> None:
        """Take the terms of the entries as the vocabulary compounds and typos are matched to,
        and the entries' keywords of several words as phrases a question may contain."""
        self._phrases = {first: list(phrases) for first, phrases in self._synonym_phrases.items()}
        for keyword in keywords:
            term = self.phrase_term(keyword)
            if term is not None:
                stems = tuple(term.split(" "))
                self._phrases.setdefault(stems[0], []).append((stems, (term,)))
        known = {term for text in texts for term in self._plain_terms(text)}
        known.update(term for terms in self._synonyms.values() for term in terms)
        self.vocabulary = frozenset(known)
        self._known_terms = self.vocabulary | frozenset(self._synonyms)
        self._word_terms = {}
        by_initial: dict[str, list[str]] = {}
        for term in sorted(self.vocabulary):
            by_initial.setdefault(term[0], []).append(term)
        self._by_initial = by_initial

    def terms(self, text: str) -> list[str]:
        """An entry's search terms: its stems and its compounds' parts."""
        found: list[str] = []
        for word in words_of(text):
            terms = self._word_terms.get(word)
            if terms is None:
                terms = self._entry_word_terms(word)
                self._word_terms[word] = terms
            found.extend(terms)
        return found

    def _entry_word_terms(self, word: str) -> tuple[str, ...]:
        if self.is_stopword(word):
            return ()
        parts = (self.stem(part) for part in self.split(word) if not self.is_stopword(part))
        return (self.stem(word), *parts)

    def query(self, text: str) -> Query:
        """A question's search terms: for each word, itself if an entry has it, else its
        compound's parts, else the closest word an entry has (a typo); then their synonyms.

        A word no entry has and nothing replaced stays, so that it counts against the score.
        """
        terms: list[str] = []
        guessed: set[str] = set()
        words = words_of(text)
        stems = [self.stem(word) for word in words]
        for position, (word, stem) in enumerate(zip(words, stems, strict=True)):
            for phrase, meanings in self._phrases.get(stem, ()):
                if self._phrase_follows(words, stems, position, phrase):
                    terms.extend(meanings)
            if self.is_stopword(word):
                continue
            parts = [self.stem(part) for part in self.split(word) if not self.is_stopword(part)]
            if stem in self.vocabulary:
                found = [stem]  # a compound an entry has too counts once, not again with parts
            elif stem in self._synonyms:
                found = []  # a word the synonyms know is taken whole ("henkilö|kunta" is staff)
            elif parts:
                found = parts
            else:
                mended = self.mend(stem)
                found = [stem] if mended is None else [mended]
                if mended is not None:
                    guessed.add(mended)
            synonyms = [
                meaning for term in [stem, *found] for meaning in self._synonyms.get(term, ())
            ]
            terms.extend([*found, *synonyms])
        unique = list(dict.fromkeys(terms))
        return Query(unique, frozenset(guessed))

    def _phrase_follows(
        self, words: list[str], stems: list[str], position: int, phrase: tuple[str, ...]
    ) -> bool:
        """Whether a phrase starting at a position goes on in the question, each of its words
        after the first coming next or after a few stop words ("ei ole meidän asiakas")."""
        at = position
        for stem in phrase[1:]:
            for step in range(1, _PHRASE_GAP + 2):
                following = at + step
                if following >= len(stems):
                    return False
                if stems[following] == stem:
                    at = following
                    break
                if not self.is_stopword(words[following]):
                    return False
            else:
                return False
        return True

    def split(self, word: str) -> list[str]:
        """The parts of a compound whose parts are known words, longest first part first."""
        if len(word) < _SHORTEST_COMPOUND:
            return []
        for cut in range(len(word) - _SHORTEST_PART, _SHORTEST_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            if not self._known_head(head):
                continue
            if self._known(tail):
                return [head, tail]
            rest = self.split(tail)
            if rest:
                return [head, *rest]
        return []

    def _known(self, word: str) -> bool:
        return self.stem(word) in self.vocabulary or word in self._parts

    def _known_head(self, head: str) -> bool:
        # Swedish glues parts with an s ("ålders|gräns"); Finnish often with a genitive n.
        return self._known(head) or (head[-1] in "sn" and self._known(head[:-1]))

    def mend(self, stem: str) -> str | None:
        """The known term a stem most likely meant: the longest known term it starts with (an
        ending the stemmer left, "gymm|et"), else the closest one if close enough (a typo)."""
        for end in range(len(stem) - 1, _SHORTEST_PREFIX - 1, -1):
            if end >= _PREFIX_SHARE * len(stem) and stem[:end] in self._known_terms:
                return stem[:end]
        if len(stem) < _SHORTEST_MENDED:
            return None
        # Typos rarely hit the first letter; looking only there keeps this fast.
        candidates = self._by_initial.get(stem[0], [])
        match = process.extractOne(
            stem, candidates, scorer=fuzz.ratio, score_cutoff=_MENDING_CUTOFF
        )
        return str(match[0]) if match is not None else None
