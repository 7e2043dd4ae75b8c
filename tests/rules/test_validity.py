"""A card is valid twelve months less a day, never past the pilot, counted in local days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.rules.validity import today, valid_until

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.mark.parametrize(
    ("issued", "months", "expected"),
    [
        (date(2025, 3, 15), 12, date(2026, 3, 14)),
        (date(2025, 1, 1), 12, date(2025, 12, 31)),
        (date(2025, 12, 31), 12, date(2026, 12, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2025, 11, 30), 1, date(2025, 12, 29)),
        (date(2025, 12, 31), 1, date(2026, 1, 30)),
        (date(2025, 7, 31), 7, date(2026, 2, 28)),
        (date(2025, 6, 1), 24, date(2027, 5, 31)),
    ],
)
def test_a_card_is_valid_for_the_months_less_one_day(
    issued: date, months: int, expected: date
) -> None:
    assert valid_until(issued, months, None) == expected


@pytest.mark.parametrize(
    ("pilot_end", "expected"),
    [
        (date(2025, 12, 31), date(2025, 12, 31)),
        (date(2026, 3, 13), date(2026, 3, 13)),
        (date(2026, 3, 14), date(2026, 3, 14)),
        (date(2026, 3, 15), date(2026, 3, 14)),
        (date(2027, 1, 1), date(2026, 3, 14)),
    ],
)
def test_the_pilot_end_caps_validity_only_when_earlier(pilot_end: date, expected: date) -> None:
    assert valid_until(date(2025, 3, 15), 12, pilot_end) == expected


@pytest.mark.parametrize("months", [0, -12])
def test_a_validity_shorter_than_a_month_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="at least one month"):
        valid_until(date(2025, 3, 15), months, None)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 12, 31, 22, 30, tzinfo=UTC), date(2026, 1, 1)),
        (datetime(2025, 12, 31, 21, 59, tzinfo=UTC), date(2025, 12, 31)),
        (datetime(2025, 6, 30, 21, 0, tzinfo=UTC), date(2025, 7, 1)),
        (datetime(2025, 6, 30, 20, 59, tzinfo=UTC), date(2025, 6, 30)),
        (datetime(2025, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))), date(2025, 2, 28)),
    ],
)
def test_today_is_the_date_in_the_localitys_zone(now: datetime, expected: date) -> None:
    assert today(HELSINKI, now) == expected


def test_today_without_a_moment_is_the_current_local_date() -> None:
    before = datetime.now(HELSINKI).date()
    assert before <= today(HELSINKI) <= datetime.now(HELSINKI).date()


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        today(HELSINKI, datetime(2025, 1, 1, 12, 0))
