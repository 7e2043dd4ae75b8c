"""The periods a summary covers: the buttons' presets and the scheduled summaries' periods."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from storage.models import SummaryFrequency
from storage.summaries import Period


class Preset(StrEnum):
    """A period a coordinator picks with a button; the value goes into the callback data."""

    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_YEAR = "this_year"


def preset_period(preset: Preset, today: date) -> Period:
    """The days of a preset as seen on `today`; "this" periods end today, not in the future."""
    monday = today - timedelta(days=today.weekday())
    if preset is Preset.THIS_WEEK:
        return Period(monday, today)
    if preset is Preset.LAST_WEEK:
        return Period(monday - timedelta(days=7), monday - timedelta(days=1))
    first = today.replace(day=1)
    if preset is Preset.THIS_MONTH:
        return Period(first, today)
    if preset is Preset.LAST_MONTH:
        end = first - timedelta(days=1)
        return Period(end.replace(day=1), end)
    return Period(today.replace(month=1, day=1), today)


def scheduled_period(frequency: SummaryFrequency, sent_on: date) -> Period:
    """What a scheduled summary sent on a day covers: whole days before it, never that day.

    Daily: the day before. Weekly: the seven days before. Monthly: the calendar month before.
    """
    yesterday = sent_on - timedelta(days=1)
    if frequency is SummaryFrequency.DAILY:
        return Period(yesterday, yesterday)
    if frequency is SummaryFrequency.WEEKLY:
        return Period(sent_on - timedelta(days=7), yesterday)
    end = sent_on.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)
