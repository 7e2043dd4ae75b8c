"""The periods a summary covers, and when a schedule is due."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.summaries.delivery import latest_slot
from bot.summaries.periods import Preset, preset_period, scheduled_period
from storage.models import SummaryFrequency, SummarySchedule
from storage.summaries import Period

HELSINKI = ZoneInfo("Europe/Helsinki")
WEDNESDAY = date(2026, 1, 7)


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        (Preset.THIS_WEEK, date(2026, 1, 5), WEDNESDAY),
        (Preset.LAST_WEEK, date(2025, 12, 29), date(2026, 1, 4)),
        (Preset.THIS_MONTH, date(2026, 1, 1), WEDNESDAY),
        (Preset.LAST_MONTH, date(2025, 12, 1), date(2025, 12, 31)),
        (Preset.THIS_YEAR, date(2026, 1, 1), WEDNESDAY),
    ],
)
def test_each_preset_covers_its_days_and_this_ends_today(
    preset: Preset, start: date, end: date
) -> None:
    assert preset_period(preset, WEDNESDAY) == Period(start, end)


def test_the_previous_period_has_as_many_days_just_before() -> None:
    november = Period(date(2026, 11, 1), date(2026, 11, 30))

    assert november.previous() == Period(date(2026, 10, 2), date(2026, 10, 31))
    assert november.previous().days == november.days == 30


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        Period(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("frequency", "sent_on", "start", "end"),
    [
        (SummaryFrequency.DAILY, date(2026, 3, 1), date(2026, 2, 28), date(2026, 2, 28)),
        (SummaryFrequency.WEEKLY, date(2026, 3, 2), date(2026, 2, 23), date(2026, 3, 1)),
        (SummaryFrequency.MONTHLY, date(2024, 3, 15), date(2024, 2, 1), date(2024, 2, 29)),
        (SummaryFrequency.MONTHLY, date(2026, 1, 1), date(2025, 12, 1), date(2025, 12, 31)),
    ],
)
def test_a_scheduled_summary_covers_whole_days_before_it_is_sent(
    frequency: SummaryFrequency, sent_on: date, start: date, end: date
) -> None:
    assert scheduled_period(frequency, sent_on) == Period(start, end)


def schedule(frequency: SummaryFrequency, **slot: int) -> SummarySchedule:
    return SummarySchedule(
        frequency=frequency,
        hour=slot.pop("hour", 8),
        weekday=slot.pop("weekday", None),
        day_of_month=slot.pop("day_of_month", None),
        starts_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("chosen", "now", "due"),
    [
        # Daily at 8: before 8 the slot is yesterday's.
        (schedule(SummaryFrequency.DAILY), datetime(2026, 3, 10, 7, 59), datetime(2026, 3, 9, 8)),
        (schedule(SummaryFrequency.DAILY), datetime(2026, 3, 10, 8), datetime(2026, 3, 10, 8)),
        # Weekly on Mondays (0) at 9: 9 March 2026 is a Monday.
        (
            schedule(SummaryFrequency.WEEKLY, weekday=0, hour=9),
            datetime(2026, 3, 15, 12),
            datetime(2026, 3, 9, 9),
        ),
        # Monthly on the 28th at 6, seen in March: February's 28th.
        (
            schedule(SummaryFrequency.MONTHLY, day_of_month=28, hour=6),
            datetime(2026, 3, 27, 23),
            datetime(2026, 2, 28, 6),
        ),
        # The summer-time change night (29 March 2026): 8 o'clock is still 8 o'clock.
        (schedule(SummaryFrequency.DAILY), datetime(2026, 3, 29, 9), datetime(2026, 3, 29, 8)),
    ],
)
def test_the_latest_slot_is_the_last_chosen_hour_passed_in_the_bots_zone(
    chosen: SummarySchedule, now: datetime, due: datetime
) -> None:
    slot = latest_slot(chosen, now.replace(tzinfo=HELSINKI), HELSINKI)

    assert slot == due.replace(tzinfo=HELSINKI)


def test_no_slot_is_owed_from_before_the_schedule_was_chosen() -> None:
    chosen = schedule(SummaryFrequency.MONTHLY, day_of_month=1)
    chosen.starts_at = datetime(2026, 3, 5, tzinfo=UTC)

    assert latest_slot(chosen, datetime(2026, 3, 20, tzinfo=UTC), HELSINKI) is None
    assert latest_slot(chosen, datetime(2026, 4, 1, 9, tzinfo=HELSINKI), HELSINKI) is not None
