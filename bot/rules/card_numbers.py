"""What a typed card number may look like: the locality's pattern, learned from examples.

A locality gives one or two example numbers. Each example's shape is a format: a run of letters
that every example of that shape shares is fixed ("KK" in KK123456), the other runs are any
letters or any digits of the same length. Without examples any 4-16 letters and digits do.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from babel.lists import format_list

from bot.rules.privacy import IdentifyingInputError, IdentifyingKind, find_identifying

if TYPE_CHECKING:
    from bot.i18n import Translator

MOBILE_ONLY = "X"
"""The national register's card number for a client who wants a mobile card only."""

_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_PLAIN = re.compile(r"[A-Z0-9]{4,16}")

MOST_EXAMPLES = 2
"""A locality gives one or two examples (an old and a new series, say)."""

Shape = tuple[tuple[str, int], ...]


class CardNumberFormatError(ValueError):
    """A typed card number does not fit the locality's pattern."""


class RunKind(StrEnum):
    """What a run of a card-number format holds."""

    FIXED = "fixed"
    LETTERS = "letters"
    DIGITS = "digits"


@dataclass(frozen=True, slots=True)
class Run:
    """Fixed letters (`text`), or any letters or digits, `length` characters long."""

    kind: RunKind
    length: int
    text: str = ""


Format = tuple[Run, ...]


def normalise(text: str) -> str:
    """The number as stored: trimmed, upper-case, without spaces and hyphens."""
    return _SEPARATORS.sub("", text).upper()


def shape(number: str) -> Shape:
    """Runs of letters ("A") and digits ("9"), e.g. "KK123456" -> (("A", 2), ("9", 6))."""
    return tuple(
        (kind, len(list(run))) for kind, run in itertools.groupby(number, key=_character_kind)
    )


def formats(examples: Sequence[str]) -> list[Format]:
    """The formats the examples define, one per shape (none: any plain number)."""
    by_shape: dict[Shape, list[str]] = {}
    for example in examples:
        number = normalise(example)
        by_shape.setdefault(shape(number), []).append(number)
    found = []
    for runs_of_shape, numbers in by_shape.items():
        runs, start = [], 0
        for kind, length in runs_of_shape:
            texts = {number[start : start + length] for number in numbers}
            if kind == "A" and len(texts) == 1:
                runs.append(Run(RunKind.FIXED, length, texts.pop()))
            else:
                runs.append(Run(RunKind.LETTERS if kind == "A" else RunKind.DIGITS, length))
            start += length
        found.append(tuple(runs))
    return found


def fits(number: str, number_format: Format) -> bool:
    """Whether a normalised number has the format: its runs, and the fixed letters."""
    if shape(number) != tuple(
        ("9" if run.kind is RunKind.DIGITS else "A", run.length) for run in number_format
    ):
        return False
    start = 0
    for run in number_format:
        if run.kind is RunKind.FIXED and number[start : start + run.length] != run.text:
            return False
        start += run.length
    return True


def accepts(number: str, examples: Sequence[str]) -> bool:
    """Whether the number fits one of the examples' formats (or is plain, without any)."""
    number = normalise(number)
    if _PLAIN.fullmatch(number) is None:
        return False
    if not examples:
        return True
    return any(fits(number, number_format) for number_format in formats(examples))


def describe_formats(examples: Sequence[str], t: Translator) -> str:
    """The expected shape in the reader's words, e.g. "KK and 6 digits"."""
    if not examples:
        return t.gettext("4 to 16 letters and digits")
    described = [
        format_list([_describe_run(run, t) for run in number_format], locale=t.locale)
        for number_format in formats(examples)
    ]
    return format_list(described, style="or", locale=t.locale)


def _describe_run(run: Run, t: Translator) -> str:
    if run.kind is RunKind.FIXED:
        return run.text
    if run.kind is RunKind.LETTERS:
        return t.ngettext("{count} letter", "{count} letters", run.length).format(count=run.length)
    return t.ngettext("{count} digit", "{count} digits", run.length).format(count=run.length)


def check_typed_card_number(text: str, examples: Sequence[str]) -> str:
    """The normalised card number, or raise if it identifies a client or does not fit."""
    number = normalise(text)
    # The normalised form is checked too: dropping separators must not let anything through.
    kind = find_identifying(text)
    if kind is None and number != text and _PLAIN.fullmatch(number):
        # Only what could be taken as a number: anything longer is refused as not one anyway.
        kind = find_identifying(number)
    if kind is not None:
        raise IdentifyingInputError(kind)
    if number == MOBILE_ONLY:
        return number
    if not accepts(number, examples):
        raise CardNumberFormatError
    return number


_IDENTIFYING_NAMES = {
    IdentifyingKind.PERSONAL_IDENTITY_CODE: "a personal identity code",
    IdentifyingKind.PHONE_NUMBER: "a phone number",
    IdentifyingKind.EMAIL_ADDRESS: "an e-mail address",
}


def normalise_examples(examples: Iterable[str]) -> list[str]:
    """A locality's one or two example card numbers, normalised and deduplicated.

    Raises ValueError (the reason in English, for the command line) for a blank example (it
    would switch the check off), one that is not 4-16 letters and digits, one that looks like
    something identifying a client (staff would be told to type such things), or more than two.
    """
    normalised: list[str] = []
    for example in examples:
        number = normalise(example)
        if not number:
            raise ValueError("an example card number cannot be empty")
        kind = find_identifying(example) or find_identifying(number)
        if kind is not None:
            # The example itself is not repeated: it may be someone's real identity code.
            raise ValueError(
                f"an example card number must not look like {_IDENTIFYING_NAMES[kind]}"
            )
        if _PLAIN.fullmatch(number) is None:
            raise ValueError(f"example card number {example!r} is not 4-16 letters and digits")
        if number not in normalised:
            normalised.append(number)
    if len(normalised) > MOST_EXAMPLES:
        raise ValueError(f"give one or two example card numbers, not {len(normalised)}")
    return normalised


def _character_kind(character: str) -> str:
    """ "A" for an ASCII letter, "9" for an ASCII digit, the character itself otherwise."""
    if "A" <= character <= "Z" or "a" <= character <= "z":
        return "A"
    if "0" <= character <= "9":
        return "9"
    return character
