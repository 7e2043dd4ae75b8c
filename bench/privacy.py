"""The checks on typed text against adversarial messages of Telegram's 4096 characters.

Prints, for each check, the slowest of the texts (best of a few runs) and which text it was.
`python -m bench.privacy`
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date

from bot.rules.background import AnswerError, parse_birth_year, parse_postal_code
from bot.rules.card_numbers import CardNumberFormatError, check_typed_card_number
from bot.rules.privacy import IdentifyingInputError, find_identifying, looks_like_birth_date

LIMIT = 4096


def _repeated(unit: str) -> str:
    return (unit * (LIMIT // len(unit) + 1))[:LIMIT]


def _drawn(alphabet: str) -> str:
    chosen = random.Random(16)
    return "".join(chosen.choice(alphabet) for _ in range(LIMIT))


TEXTS = {
    "slashes and digits": _repeated("1/"),
    "slashes and zeros": _repeated("0/"),
    "digits": _repeated("1"),
    "dates": _repeated("01.02.1985 "),
    "date-shaped groups": _repeated("010190 "),
    "impossible identity codes": _repeated("310490-123A"),
    "February 29ths of common years": _repeated("290201-123A "),
    "plus signs": _repeated("+1"),
    "zeros, ones and spaces": _drawn("01 "),
    "digits and separators": _drawn("0123456789 -./()+"),
    "e-mail pieces": _repeated("a@b.c"),
}


def _refusing(check: Callable[[str], object]) -> Callable[[str], object]:
    def run(text: str) -> object:
        try:
            return check(text)
        except (AnswerError, IdentifyingInputError, CardNumberFormatError):
            return None

    return run


CHECKS: dict[str, Callable[[str], object]] = {
    "privacy (find_identifying)": find_identifying,
    "full date": looks_like_birth_date,
    "card number": _refusing(lambda text: check_typed_card_number(text, ["KK123456"])),
    "birth year": _refusing(lambda text: parse_birth_year(text, date.today())),
    "postal code": _refusing(parse_postal_code),
}


def best_of(check: Callable[[str], object], text: str, runs: int = 7) -> float:
    """The fastest of a few runs, in seconds."""
    check(text)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        check(text)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    print(f"checks on typed text, {LIMIT} characters, slowest of {len(TEXTS)} adversarial texts")
    for name, check in CHECKS.items():
        slowest = max(TEXTS, key=lambda text_name: best_of(check, TEXTS[text_name], 3))
        print(f"{name}: {best_of(check, TEXTS[slowest]) * 1000:.2f} ms ({slowest})")


if __name__ == "__main__":
    main()
