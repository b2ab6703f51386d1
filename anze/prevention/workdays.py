"""Working days for complaint deadlines (docs/spec/DOMAIN.md §6: answered within 10 working days, 30 when more checking
is needed)."""

from __future__ import annotations

from datetime import date, timedelta

ANSWER_DAYS = 10
EXTENDED_ANSWER_DAYS = 30


def add_working_days(start: date, days: int) -> date:
    """The day ``days`` working days after ``start`` (the filing day itself not counted), Monday to Friday.

    Public holidays and their make-up working days (调休) are not taken into account: the State Council
    announces them each year and the platform's base data does not hold them yet. A deadline may therefore
    fall a few days earlier than the legal one around 春节 or 国庆 — early, never late, for the complainant.
    """
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day
