"""How long a card is valid, and which day it is where the locality is."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHORTEST_VALIDITY_MONTHS, LONGEST_VALIDITY_MONTHS = 1, 60


def check_validity_months(months: int) -> None:
    """Raise ValueError unless a card's validity in months is sensible."""
    if not SHORTEST_VALIDITY_MONTHS <= months <= LONGEST_VALIDITY_MONTHS:
        raise ValueError(
            f"must be between {SHORTEST_VALIDITY_MONTHS} and {LONGEST_VALIDITY_MONTHS}"
        )


def check_pilot_end(pilot_end: date, today: date) -> None:
    """Raise ValueError for a pilot end in the past: every new card would be stored expired."""
    if pilot_end < today:
        raise ValueError(
            f"{pilot_end.isoformat()} is in the past: every new card would already have expired"
        )


def valid_until(issue_date: date, months: int, pilot_end: date | None) -> date:
    """The last valid day: issue date + months - 1 day, or the pilot's end if that is earlier."""
    if months < 1:
        raise ValueError("a card is valid for at least one month")
    month_index = issue_date.month - 1 + months
    year, month = issue_date.year + month_index // 12, month_index % 12 + 1
    try:
        same_day = date(year, month, issue_date.day)
    except ValueError:
        # The day does not exist in the target month (31st, Feb 29): it counts as the next 1st.
        same_day = date(year + month // 12, month % 12 + 1, 1)
    last_day = same_day - timedelta(days=1)
    if pilot_end is not None and pilot_end < last_day:
        return pilot_end
    return last_day


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    """Today's date in the zone (from `now`, which must be timezone-aware, when given)."""
    if now is None:
        return datetime.now(zone).date()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone).date()
