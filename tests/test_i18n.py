"""Each reply's language: the stored choice, else Telegram's, else the default."""

from __future__ import annotations

from datetime import date

import pytest

from bot.i18n import Translator, choose_language, negotiate


@pytest.mark.parametrize(
    ("stored", "telegram", "expected"),
    [
        ("sv", "en", "sv"),
        (None, "en", "en"),
        (None, "sv-FI", "sv"),
        (None, "en-US", "en"),
        (None, "de", "fi"),
        (None, None, "fi"),
        (None, "", "fi"),
        ("xx", "sv", "sv"),
    ],
)
def test_language_is_chosen_by_the_rules(
    stored: str | None, telegram: str | None, expected: str
) -> None:
    assert choose_language(stored, telegram, "fi") == expected


def test_the_default_applies_when_telegram_gives_no_language() -> None:
    assert negotiate(None) is None
    assert choose_language(None, None, "sv") == "sv"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "1\u00a0234\u00a0567,5"), ("sv", "1\u00a0234\u00a0567,5"), ("en", "1,234,567.5")],
)
def test_numbers_are_written_as_the_reader_writes_them(language: str, expected: str) -> None:
    assert Translator(language).number(1234567.5) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "14. maaliskuuta 2026"), ("sv", "14 mars 2026"), ("en", "March 14, 2026")],
)
def test_dates_are_written_as_the_reader_writes_them(language: str, expected: str) -> None:
    assert Translator(language).date(date(2026, 3, 14)) == expected
