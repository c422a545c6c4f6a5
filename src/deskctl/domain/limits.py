"""Bounds of what deskctl stores and computes, applied where values enter.

- Ids, counts and row limits are 64-bit integers in SQLite and PostgreSQL: at most `ID_MAX`.
- Dates and instants people type lie in the years `FIRST_YEAR`..`LAST_YEAR`, and durations are
  at most `MAX_DURATION`, so no arithmetic on them (a period around a date, a window ahead, a
  deadline after a target) can leave the calendar Python knows (years 1 to 9999).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from deskctl.errors import InvalidInput
from deskctl.i18n import _

ID_MAX = 2**63 - 1
FIRST_YEAR = 1000
LAST_YEAR = 8999
MAX_DURATION = timedelta(days=36600)  # a hundred years


def check_year(value: date | datetime, what: str) -> None:
    """Refuse a date or instant outside the years deskctl computes with (exit 2)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(_("a date is out of range: {what} (use years {first} to {last})").format(
            what=what, first=FIRST_YEAR, last=LAST_YEAR))


def check_duration(value: timedelta, what: str) -> timedelta:
    if value > MAX_DURATION:
        raise InvalidInput(_("duration {what} is too long (at most {days}d)").format(what=what, days=MAX_DURATION.days))
    return value
