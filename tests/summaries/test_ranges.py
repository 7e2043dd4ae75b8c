"""Typed periods, read the way each language writes dates, and refused with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from bot.i18n import translator
from bot.summaries.ranges import Problem, RangeRefused, example, parse_period, reason
from storage.summaries import Period

TODAY = date(2026, 12, 6)
SPRING = Period(date(2026, 3, 1), date(2026, 5, 31))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "1.3.2026–31.5.2026"),
        ("fi", "1.3.–31.5.2026"),
        ("fi", "1.3.2026 - 31.5.2026"),
        ("fi", "1.3.26-31.5.26"),
        ("fi", "1. maaliskuuta 2026 – 31. toukokuuta 2026"),
        ("fi", "1.3.–31.5."),  # this year
        ("fi", "2026-03-01–2026-05-31"),
        ("sv", "1/3 2026 – 31/5 2026"),
        ("sv", "1/3–31/5 2026"),
        ("sv", "2026-03-01 – 2026-05-31"),
        ("sv", "1 mars 2026 till 31 maj 2026"),
        ("sv", "1.3.2026–31.5.2026"),
        ("en", "1 March 2026 - 31 May 2026"),
        ("en", "Mar 1, 2026 – May 31, 2026"),
        ("en", "March 1st to May 31st 2026"),
        ("en", "3/1/2026-5/31/2026"),  # English short dates put the month first
        ("en", "2026-03-01 to 2026-05-31"),
    ],
)
def test_a_period_is_read_as_the_reader_writes_dates(language: str, text: str) -> None:
    assert parse_period(text, language, TODAY) == SPRING


def test_a_start_without_a_year_before_new_year_is_of_the_year_before() -> None:
    assert parse_period("1.12.–31.1.2026", "fi", TODAY) == Period(
        date(2025, 12, 1), date(2026, 1, 31)
    )


def test_one_date_is_that_day() -> None:
    assert parse_period("1.3.2026", "fi", TODAY) == Period(date(2026, 3, 1), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("last spring", Problem.UNREADABLE),
        ("1.3.2026–31.5.2026–1.6.2026", Problem.UNREADABLE),
        ("1.3.2026 and 15", Problem.UNREADABLE),
        ("31.2.2026–31.5.2026", Problem.NO_SUCH_DATE),
        ("31.5.2026–1.3.2026", Problem.ENDS_BEFORE_START),
        ("1.12.2026–31.12.2026", Problem.IN_THE_FUTURE),
        ("1.1.2021–6.12.2026", Problem.TOO_LONG),
    ],
)
def test_a_period_that_cannot_be_summarised_is_refused(text: str, problem: Problem) -> None:
    with pytest.raises(RangeRefused) as refused:
        parse_period(text, "fi", TODAY)
    assert refused.value.problem is problem


def test_five_whole_years_are_the_longest_period() -> None:
    assert parse_period("7.12.2021–6.12.2026", "fi", TODAY).days == 1826


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "1.11.2026–30.11.2026"),
        ("sv", "1 nov. 2026 – 30 nov. 2026"),
        ("en", "Nov 1, 2026 – Nov 30, 2026"),
    ],
)
def test_the_example_is_last_month_in_the_readers_format_and_reads_back(
    language: str, expected: str
) -> None:
    shown = example(translator(language), TODAY)

    assert shown == expected
    assert parse_period(shown, language, TODAY) == Period(date(2026, 11, 1), date(2026, 11, 30))


def test_the_reason_is_translated() -> None:
    english = reason(translator("en"), Problem.ENDS_BEFORE_START)
    finnish = reason(translator("fi"), Problem.ENDS_BEFORE_START)

    assert english == "The period ends before it starts."
    assert finnish != english
