"""Every check on typed text takes time linear in the text, whatever a person (or an attacker)
types: a message of Telegram's 4096 characters is checked in a few milliseconds on the event
loop. Not timed to the millisecond (the machine is shared): each adversarial text is timed at
n and 4n characters, and the longer must take about four times as long, not sixteen; and a
ceiling ten times what the checks take here catches anything that is merely slow."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.rules.privacy import IdentifyingKind, find_identifying
from tests.support.adversarial import ADVERSARIAL, CHECKS

TELEGRAM_LIMIT = 4096
CEILING = 0.050  # seconds for a whole message; the checks take under 5 ms here
LINEAR = 10.0  # 4n characters take ~4x as long as n; quadratic would be ~16x


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
    rounds = [(fastest(check, short_text), fastest(check, full_text)) for _ in range(5)]
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
