"""The checks on typed text against adversarial messages of Telegram's 4096 characters.

Prints, for each check, the slowest of the texts (best of a few runs) and which text it was.
`python -m bench.privacy`
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.support.adversarial import ADVERSARIAL, CHECKS

LIMIT = 4096


TEXTS = {name: make(LIMIT) for name, make in ADVERSARIAL.items()}


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
