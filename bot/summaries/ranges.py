"""A typed period of days, read the way the reader writes dates, and the limits it must keep.

Generous on purpose: ISO dates everywhere; day and month with dots ("1.3.2026", "1.3.", in
every language) or a slash ("1/3 2026", Swedish), or month first with a slash in English
("3/1/2026"), as Babel's short date pattern of the reader's locale orders them; month names
and their abbreviations in the reader's language and in English ("1 March 2026",
"Mar 1, 2026", "1. maaliskuuta 2026", "1 mars 2026"). A start without a year takes the end's
("1.3.–31.5.2026"); no year at all means this year. Whatever separates the two dates ("–",
"-", "to", "till") is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import cache

from babel import Locale

from bot.i18n import Translator
from storage.summaries import Period

# A custom period spans at most this many years (a summary of more says little, and costs).
MAX_YEARS = 5

_ISO = r"(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})(?!\d)"
# Day and month (or month and day) with dots or slashes; the year after a dot or slash (2 or 4
# digits) or after a space (4 digits only: "1.3 31.5." must not read 31 as a year).
_NUMERIC = (
    r"(?<![\d.])(?P<a>\d{1,2})\s?(?P<separator>[./])\s?(?P<b>\d{1,2})"
    r"(?:[./]\s?(?P<num_y>\d{4}|\d{2})(?![\d./])|\s(?P<num_y4>\d{4})(?!\d)|\.)?"
)
_ORDINAL = r"(?:st|nd|rd|th|:e|:a)?"


@cache
def _month_names(language: str) -> dict[str, int]:
    """Every way the reader's language (and English) names a month, lower-cased, no dots."""
    names: dict[str, int] = {}
    for code in dict.fromkeys((language, "en")):
        locale = Locale.parse(code)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    names[name.lower().rstrip(".")] = number
    return names


@cache
def _pattern(language: str) -> re.Pattern[str]:
    """A date in any of the shapes this module reads, month names of the reader's language."""
    # Longest first, so that "maaliskuuta" is not read as "maalis" and a stray "kuuta".
    month = "|".join(re.escape(name) for name in sorted(_month_names(language), key=len)[::-1])
    day_first = (
        rf"(?<!\d)(?P<day_d>\d{{1,2}}){_ORDINAL}\.?\s*(?P<day_name>{month})(?![^\W\d_])\.?,?"
        r"(?:\s*(?P<day_y>\d{4})(?!\d))?"
    )
    name_first = (
        rf"(?<![^\W\d_])(?P<name_name>{month})\.?\s*(?P<name_d>\d{{1,2}})(?!\d){_ORDINAL},?"
        r"(?:\s*(?P<name_y>\d{4})(?!\d))?"
    )
    parts = (_ISO, day_first, name_first, _NUMERIC)
    return re.compile("|".join(f"(?:{part})" for part in parts), re.IGNORECASE)


class Problem(Enum):
    """Why a typed period was refused."""

    UNREADABLE = "unreadable"
    NO_SUCH_DATE = "no such date"
    ENDS_BEFORE_START = "ends before start"
    IN_THE_FUTURE = "in the future"
    TOO_LONG = "too long"


class RangeRefused(Exception):
    """A typed period that cannot be summarised, and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)  # never the text itself: it is not logged
        self.problem = problem


@dataclass(frozen=True, slots=True)
class _Day:
    day: int
    month: int
    year: int | None


@cache
def month_first(language: str) -> bool:
    """Whether the reader's short dates put the month before the day (English: 3/1/26)."""
    pattern = str(Locale.parse(language).date_formats["short"].pattern)
    if pattern.lstrip("'").lower().startswith("y"):
        return False  # Swedish writes ISO dates, and d/m when it writes day and month
    return pattern.find("M") < pattern.find("d")


def _read(found: re.Match[str], language: str) -> _Day:
    """One date as matched."""
    groups = found.groupdict()
    if groups["iso_y"]:
        return _Day(int(groups["iso_d"]), int(groups["iso_m"]), int(groups["iso_y"]))
    for prefix in ("day", "name"):
        if groups[f"{prefix}_name"]:
            month = _month_names(language)[groups[f"{prefix}_name"].lower()]
            year = groups[f"{prefix}_y"]
            return _Day(int(groups[f"{prefix}_d"]), month, int(year) if year else None)
    first, second = int(groups["a"]), int(groups["b"])
    # Dots are day first in every language; a slash follows the reader's short dates.
    slash_month_first = groups["separator"] == "/" and month_first(language)
    day, month = (second, first) if slash_month_first else (first, second)
    year_text = groups["num_y"] or groups["num_y4"]
    year = int(year_text) if year_text else None
    if year is not None and year < 100:
        year += 2000
    return _Day(day, month, year)


def _date(day: _Day, year: int) -> date:
    try:
        return date(day.year or year, day.month, day.day)
    except ValueError:
        raise RangeRefused(Problem.NO_SUCH_DATE) from None


def _scan(text: str, language: str) -> tuple[list[_Day], str]:
    """The dates found in a text, and what is left of it besides them."""
    days: list[_Day] = []
    rest = text
    for found in _pattern(language).finditer(text):
        days.append(_read(found, language))
        rest = rest.replace(found.group(0), " ", 1)
    return days, rest


def besides_dates(text: str, language: str) -> str:
    """What a typed period says besides its dates (for the privacy check: the dates
    themselves are no one's, but "2026-03-01" is shaped much like an identity code)."""
    return _scan(text, language)[1]


def parse_period(text: str, language: str, today: date) -> Period:
    """The period a person typed (one date: that day), or RangeRefused saying why not."""
    days, rest = _scan(text, language)
    # Digits nothing read as a date mean the text says something else.
    if not 1 <= len(days) <= 2 or any(character.isdigit() for character in rest):
        raise RangeRefused(Problem.UNREADABLE)
    last = days[-1]
    end = _date(last, today.year)
    start = _date(days[0], end.year)
    if days[0].year is None and start > end:
        start = _date(days[0], end.year - 1)  # "1.12.–31.1.2026" runs over New Year
    if start > end:
        raise RangeRefused(Problem.ENDS_BEFORE_START)
    return checked(Period(start, end), today)


def checked(period: Period, today: date) -> Period:
    """The period if a summary can cover it: over by today, and not longer than five years."""
    if period.end > today:
        raise RangeRefused(Problem.IN_THE_FUTURE)
    if period.start < _years_before(period.end, MAX_YEARS):
        raise RangeRefused(Problem.TOO_LONG)
    return period


def _years_before(day: date, years: int) -> date:
    """The day after the same date `years` years earlier (a 29 February counts as 1 March)."""
    try:
        earlier = day.replace(year=day.year - years)
    except ValueError:
        earlier = date(day.year - years, 3, 1) - timedelta(days=1)
    return earlier + timedelta(days=1)


def example(t: Translator, today: date) -> str:
    """A period as the reader would type it: last month, in the reader's medium dates."""
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    first, last = t.date(start, "medium"), t.date(end, "medium")
    separator = " – " if " " in first else "–"
    return f"{first}{separator}{last}"


def reason(t: Translator, problem: Problem) -> str:
    """Why a typed period was refused (the question asked again shows an example)."""
    if problem is Problem.NO_SUCH_DATE:
        return t.gettext("One of the dates does not exist.")
    if problem is Problem.ENDS_BEFORE_START:
        return t.gettext("The period ends before it starts.")
    if problem is Problem.IN_THE_FUTURE:
        return t.gettext("The period goes beyond today: a summary counts what has happened.")
    if problem is Problem.TOO_LONG:
        return t.ngettext(
            "A summary covers at most {years} year.",
            "A summary covers at most {years} years.",
            MAX_YEARS,
        ).format(years=t.number(MAX_YEARS))
    return t.gettext("I could not read the dates in that.")
