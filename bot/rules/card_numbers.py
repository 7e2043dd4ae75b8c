"""What a typed card number may look like: the locality's pattern, learned from examples."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from bot.rules.privacy import IdentifyingInputError, find_identifying

MOBILE_ONLY = "X"
"""The national register's card number for a client who wants a mobile card only."""

_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_PLAIN = re.compile(r"[A-Z0-9]{4,16}")

Shape = tuple[tuple[str, int], ...]


class CardNumberFormatError(ValueError):
    """A typed card number does not fit the locality's pattern."""


def normalise(text: str) -> str:
    """The number as stored: trimmed, upper-case, without spaces and hyphens."""
    return _SEPARATORS.sub("", text).upper()


def shape(number: str) -> Shape:
    """Runs of letters ("A") and digits ("9"), e.g. "KK123456" -> (("A", 2), ("9", 6))."""
    return tuple(
        (kind, len(list(run))) for kind, run in itertools.groupby(number, key=_character_kind)
    )


def accepts(number: str, examples: Sequence[str]) -> bool:
    """Whether the number has the shape of one of the examples (or is plain, without any)."""
    number = normalise(number)
    if _PLAIN.fullmatch(number) is None:
        return False
    if not examples:
        return True
    return shape(number) in {shape(normalise(example)) for example in examples}


def check_typed_card_number(text: str, examples: Sequence[str]) -> str:
    """The normalised card number, or raise if it identifies a client or does not fit."""
    number = normalise(text)
    # The normalised form is checked too: dropping separators must not let anything through.
    kind = find_identifying(text) or find_identifying(number)
    if kind is not None:
        raise IdentifyingInputError(kind)
    if number == MOBILE_ONLY:
        return number
    if not accepts(number, examples):
        raise CardNumberFormatError
    return number


def normalise_examples(examples: Iterable[str]) -> list[str]:
    """A locality's example card numbers, normalised and deduplicated; blank ones dropped."""
    normalised: list[str] = []
    for example in examples:
        number = normalise(example)
        if not number:
            continue
        if _PLAIN.fullmatch(number) is None:
            raise ValueError(f"example card number {example!r} is not 4-16 letters and digits")
        if number not in normalised:
            normalised.append(number)
    return normalised


def _character_kind(character: str) -> str:
    """ "A" for an ASCII letter, "9" for an ASCII digit, the character itself otherwise."""
    if "A" <= character <= "Z" or "a" <= character <= "z":
        return "A"
    if "0" <= character <= "9":
        return "9"
    return character
