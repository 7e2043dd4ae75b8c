"""The summaries' forms: a summary of a typed period, and the schedule of summaries."""

from handlers.summary_forms.period import RANGE
from handlers.summary_forms.schedule import SCHEDULING

__all__ = ["RANGE", "SCHEDULING"]
