"""Every check on typed text takes time linear in the text, whatever a person (or an attacker)
types: a message of Telegram's 4096 characters is checked in a few milliseconds on the event
loop. Not timed to the millisecond (the machine is shared): each adversarial text is timed at
n and 4n characters, and the longer must take about four times as long, not sixteen; and a
ceiling ten times what the checks take here catches anything that is merely slow."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date

import pytest

from bot.rules.background import AnswerError, parse_birth_year, parse_children, parse_postal_code
from bot.rules.card_numbers import CardNumberFormatError, check_typed_card_number
from bot.rules.privacy import (
    IdentifyingInputError,
    IdentifyingKind,
    find_identifying,
    looks_like_birth_date,
)

TELEGRAM_LIMIT = 4096
CEILING = 0.050  # seconds for a whole message; the checks take under 5 ms here
LINEAR = 8.0  # 4n characters take ~4x as long as n; quadratic would be ~16x


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


def fastest(check: Callable[[str], object], text: str, repeats: int = 5) -> float:
    """The shortest of a few runs: what the check costs, without the machine's other work."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        check(text)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("check_name", CHECKS)
@pytest.mark.parametrize("text_name", ADVERSARIAL)
def test_a_check_takes_time_linear_in_the_text(text_name: str, check_name: str) -> None:
    check, make = CHECKS[check_name], ADVERSARIAL[text_name]
    short_text, full_text = make(TELEGRAM_LIMIT // 4), make(TELEGRAM_LIMIT)
    check(full_text)  # the first run of a kind may load phone-number metadata once per process
    # A few rounds, each timing both lengths back to back: other developers' work on the
    # shared machine slows a round down, never speeds one up, so the best round counts.
    rounds = [(fastest(check, short_text), fastest(check, full_text)) for _ in range(3)]
    full = min(full for _, full in rounds)
    ratio = min(full / short for short, full in rounds)

    assert full < CEILING, f"{full * 1000:.1f} ms for {TELEGRAM_LIMIT} characters"
    # Below a millisecond the ratio is mostly the timer's noise.
    assert full < 0.001 or ratio < LINEAR, f"{ratio:.1f} times as long for 4 times the text"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1/" * 2000 + " 040 123 4567", IdentifyingKind.PHONE_NUMBER),
        ("0/" * 2000 + " 010190-123A", IdentifyingKind.PERSONAL_IDENTITY_CODE),
        ("+1" * 2000 + " +358 40 123 4567", IdentifyingKind.PHONE_NUMBER),
        ("010190 " * 580 + "matti@example.fi", IdentifyingKind.EMAIL_ADDRESS),
        ("310490-123A" * 370 + " 290200-123A", IdentifyingKind.PERSONAL_IDENTITY_CODE),
    ],
)
def test_what_identifies_is_found_at_the_end_of_a_long_adversarial_text(
    text: str, kind: IdentifyingKind
) -> None:
    assert len(text) <= TELEGRAM_LIMIT
    assert find_identifying(text) is kind
