"""Local wall time to instants, for schedules (shifts, inspections, business hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo


def wall_to_utc(day: date, wall: time, tz: tzinfo) -> datetime:
    """A local wall time on a date as a UTC instant, never refused.

    In a DST gap the time does not exist: it moves forward by the gap (02:30 → 03:30).
    In an overlap it happens twice: the first (summer-time) one is taken.
    """
    # fold=0 is exactly that: in a gap it applies the offset from before the change (which lands
    # after the gap), in an overlap it picks the first occurrence.
    return datetime.combine(day, wall).replace(tzinfo=tz, fold=0).astimezone(UTC)
