"""SLA clocks on a calendar: 24×7, or business hours with holidays (docs/design.md §3, docs/sla.md).

A calendar answers two questions: how many counting seconds lie between two instants, and
which instant comes a number of counting seconds after another. Everything else (elapsed,
paused, remaining, breach) is arithmetic on those answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from deskctl.domain.wallclock import wall_to_utc

_MAX_DAYS = 366 * 20  # a deadline further than this is a configuration mistake


class AlwaysOn:
    """24×7: every second counts."""

    name = "24x7"

    def seconds_between(self, start: datetime, end: datetime) -> int:
        return max(0, int((end - start).total_seconds()))

    def add(self, start: datetime, seconds: int) -> datetime:
        return start + timedelta(seconds=max(0, seconds))


@dataclass(frozen=True)
class BusinessHours:
    """Counting time is [open, close) local wall time on business days that are not holidays."""

    tz: tzinfo
    opens: time
    closes: time
    weekdays: frozenset[int]  # 0 = Monday
    holidays: frozenset[date]
    name: str = "business"

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self.weekdays or day in self.holidays:
            return None
        return wall_to_utc(day, self.opens, self.tz), wall_to_utc(day, self.closes, self.tz)

    def seconds_between(self, start: datetime, end: datetime) -> int:
        if end <= start:
            return 0
        total = 0
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            window = self._window(day)
            if window:
                lo, hi = max(start, window[0]), min(end, window[1])
                if hi > lo:
                    total += int((hi - lo).total_seconds())
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, seconds: int) -> datetime:
        remaining = max(0, seconds)
        day = start.astimezone(self.tz).date()
        for _ in range(_MAX_DAYS):
            window = self._window(day)
            if window:
                lo = max(start, window[0])
                if lo < window[1]:
                    room = int((window[1] - lo).total_seconds())
                    if remaining <= room:
                        return lo + timedelta(seconds=remaining)
                    remaining -= room
            day += timedelta(days=1)
        raise ValueError("the SLA calendar has no business hours in twenty years")


Calendar = AlwaysOn | BusinessHours


@dataclass(frozen=True)
class Clock:
    """One SLA clock (response or resolution) of one ticket, as seen at `now`."""

    target_seconds: int
    elapsed_seconds: int
    paused_seconds: int
    due_at: datetime | None
    stopped_at: datetime | None  # when the clock stopped (acknowledged / resolved)
    breached_at: datetime | None
    running: bool  # counting now (not stopped, not paused)

    @property
    def remaining_seconds(self) -> int:
        return self.target_seconds - self.elapsed_seconds

    @property
    def breached(self) -> bool:
        return self.breached_at is not None or self.remaining_seconds < 0

    @property
    def state(self) -> str:
        if self.stopped_at is not None:
            return "breached" if self.breached else "met"
        if self.breached:
            return "breached"
        return "running" if self.running else "paused"

    def at_risk(self, ratio: float) -> bool:
        return (
            self.stopped_at is None
            and not self.breached
            and self.elapsed_seconds >= ratio * self.target_seconds
        )


def elapsed(
    calendar: Calendar,
    *,
    opened_at: datetime,
    end: datetime,
    paused_seconds: int,
    waiting_since: datetime | None,
) -> tuple[int, int]:
    """(elapsed counting seconds, paused counting seconds) from opening to `end`. Never negative."""
    paused = paused_seconds
    if waiting_since is not None and end > waiting_since:
        paused += calendar.seconds_between(waiting_since, end)
    gross = calendar.seconds_between(opened_at, end)
    return max(0, gross - paused), paused


def deadline_after_pause(
    calendar: Calendar, *, now: datetime, target_seconds: int, elapsed_seconds: int
) -> datetime:
    """The due instant when a paused clock starts again at `now` with time already used."""
    return calendar.add(now, target_seconds - elapsed_seconds) if elapsed_seconds < target_seconds else now


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)
