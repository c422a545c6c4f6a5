"""Shift times: local wall times of a shift type turned into UTC instants, and the attendance
facts derived from clock-in/out (docs/design.md §4).

A shift type says "20:00 to 08:00" in the desk time zone. A shift on a date is the instant of
20:00 that evening to the instant of 08:00 the next morning, each computed from the wall clock
on its own date, so a night over a DST change lasts 11 h or 13 h and neither end moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from deskctl.domain.wallclock import wall_to_utc

NIGHT_END = time(6, 0)  # a shift touching 00:00-06:00 local is a night shift
WEEKEND = (5, 6)  # Saturday, Sunday


def crosses_midnight(start: time, end: time) -> bool:
    """End at or before start means the shift ends on the next day (start == end: 24 h)."""
    return end <= start


def shift_instants(day: date, start: time, end: time, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC start and end of a shift of type start→end on `day` in zone `tz`."""
    end_day = day + timedelta(days=1) if crosses_midnight(start, end) else day
    return wall_to_utc(day, start, tz), wall_to_utc(end_day, end, tz)


def is_night(start: time, end: time) -> bool:
    """A night shift crosses midnight or starts before 06:00."""
    return crosses_midnight(start, end) or start < NIGHT_END


def is_weekend(day: date) -> bool:
    """A weekend shift starts on a Saturday or a Sunday."""
    return day.weekday() in WEEKEND


@dataclass(frozen=True)
class Attendance:
    """What clock-in/out say about one shift, as facts derived at `now`."""

    state: str  # upcoming | in_progress | done | no_show
    late_seconds: int | None  # beyond the grace only
    early_leave_seconds: int | None  # beyond the grace only
    no_show: bool
    missing_clock_out: bool
    not_clocked_in: bool = False  # started more than the grace ago, still no clock-in
    awaiting_clock_in: bool = False  # started, within the grace, no clock-in yet

    @property
    def summary(self) -> str:
        parts = []
        if self.no_show:
            return "no-show"
        if self.not_clocked_in:
            return "not clocked in"
        if self.awaiting_clock_in:
            return "awaiting clock-in"
        if self.late_seconds:
            parts.append("late")
        if self.early_leave_seconds:
            parts.append("early leave")
        if self.missing_clock_out:
            parts.append("no clock-out")
        if not parts:
            return {"upcoming": "", "in_progress": "on duty", "done": "ok"}.get(self.state, "")
        return ", ".join(parts)


def attendance(
    *,
    start: datetime,
    end: datetime,
    clock_in: datetime | None,
    clock_out: datetime | None,
    now: datetime,
    grace: timedelta,
) -> Attendance:
    """Late and early leave beyond `grace`; a no-show is no clock-in by the end of the shift."""
    if now < start and clock_in is None:
        state = "upcoming"
    elif now < end:
        state = "in_progress"
    else:
        state = "done"
    late = None
    if clock_in is not None and clock_in - start > grace:
        late = int((clock_in - start).total_seconds())
    early = None
    if clock_out is not None and end - clock_out > grace:
        early = int((end - clock_out).total_seconds())
    no_show = clock_in is None and now >= end
    missing_out = clock_in is not None and clock_out is None and now >= end
    started_without = clock_in is None and start <= now < end
    not_in = started_without and now > start + grace
    if no_show:
        state = "no_show"
    return Attendance(state, late, early, no_show, missing_out, not_clocked_in=not_in,
                      awaiting_clock_in=started_without and not not_in)


def handover_flagged(created_at: datetime, taken_over_at: datetime | None, *, now: datetime,
                     window: timedelta) -> bool:
    """A handover is flagged when it was taken over later than `window` after it was written,
    or is still not taken over `window` after it was written."""
    end = taken_over_at if taken_over_at is not None else now
    return end - created_at > window
