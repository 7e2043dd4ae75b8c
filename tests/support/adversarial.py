"""Adversarial texts of any length, and the checks on typed text that must stay linear on
them: shared by tests/rules/test_linear_time.py and bench/privacy.py."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from bot.rules.background import AnswerError, parse_birth_year, parse_children, parse_postal_code
from bot.rules.card_numbers import CardNumberFormatError, check_typed_card_number
from bot.rules.privacy import IdentifyingInputError, find_identifying, looks_like_birth_date


def repeated(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def drawn(alphabet: str, seed: int = 16) -> Callable[[int], str]:
    def text(n: int) -> str:
        chosen = random.Random(seed)
        return "".join(chosen.choice(alphabet) for _ in range(n))

    return text


def groups(make: Callable[[random.Random], str], seed: int = 16) -> Callable[[int], str]:
    def text(n: int) -> str:
        chosen = random.Random(seed)
        parts: list[str] = []
        while sum(map(len, parts)) < n:
            parts.append(make(chosen))
        return "".join(parts)[:n]

    return text


def digits(chosen: random.Random, count: int) -> str:
    return "".join(chosen.choice("0123456789") for _ in range(count))


ADVERSARIAL = {
    # The reported one: slashes and digits made the phone matcher take ~0.45 s.
    "slashes and digits": repeated("1/"),
    "slashes and zeros": repeated("0/"),
    "digits": repeated("1"),
    "zeros": repeated("0"),
    "digits and spaces": repeated("1 "),
    "dates": repeated("01.02.1985 "),
    "date-shaped groups": repeated("010190 "),
    "impossible identity codes": repeated("310490-123A"),
    "February 29ths of common years": repeated("290201-123A "),
    "long gaps": repeated("0 - - - - - - - - - - - - 1"),
    "plus signs": repeated("+1"),
    "country codes": repeated("+358 "),
    "near US numbers": groups(lambda c: f"+1 {digits(c, 3)} 555 01{digits(c, 1)} "),
    "international groups": groups(lambda c: f"00{digits(c, 1)}/"),
    "trunk-zero groups": groups(lambda c: f"0{digits(c, 1)} "),
    "zeros, ones and spaces": drawn("01 "),
    "digits and separators": drawn("0123456789 -./()+"),
    "at signs": repeated("a@"),
    "dotted words": repeated("a."),
    "e-mail pieces": repeated("a@b.c"),
    "letters": repeated("a"),
    "anything": drawn("abc019 @.-+/()"),
}


def ignoring_refusals(check: Callable[[str], object]) -> Callable[[str], object]:
    def run(text: str) -> object:
        try:
            return check(text)
        except (AnswerError, IdentifyingInputError, CardNumberFormatError):
            return None

    return run


CHECKS: dict[str, Callable[[str], object]] = {
    "privacy": find_identifying,
    "full date": looks_like_birth_date,
    "card number": ignoring_refusals(lambda text: check_typed_card_number(text, ["KK123456"])),
    "birth year": ignoring_refusals(lambda text: parse_birth_year(text, date(2026, 12, 6))),
    "postal code": ignoring_refusals(parse_postal_code),
    "children": ignoring_refusals(parse_children),
}
