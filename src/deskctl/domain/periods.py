"""Report periods: half-open [start, end) UTC instants computed from the desk's local calendar.

Accepted `--period` values (see docs/reports.md):

    today  yesterday  week  month  quarter  year
    YYYY-MM-DD   one local day
    YYYY-MM      a calendar month          (2026-11)
    YYYY-Www     an ISO week, Monday first  (2026-W47)
    YYYY-Qn      a quarter                  (2026-Q4)
    YYYY         a year

`--from/--to` give a range: a date in `--from` starts at that local midnight; a date in `--to`
includes that whole day (the interval ends at the next local midnight); a time is used as is.
Every period is half-open: an instant equal to `end` belongs to the next period.

Pure logic: no I/O, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from deskctl.domain.limits import FIRST_YEAR, LAST_YEAR
from deskctl.domain.wallclock import wall_to_utc
from deskctl.errors import InvalidInput, quote
from deskctl.i18n import _

ACCEPTED = "today, yesterday, week, month, quarter, year, YYYY-MM-DD, YYYY-MM, YYYY-Www, YYYY-Qn or YYYY"


@dataclass(frozen=True)
class Period:
    """A half-open interval of instants [start, end), with the local days it covers."""

    start: datetime  # aware UTC
    end: datetime  # aware UTC, exclusive
    label: str
    first_day: date  # local date of `start`
    end_day: date  # local date after the last day touched (exclusive)

    def view(self) -> dict:
        return {"from": self.start, "to": self.end, "label": self.label}

    def days(self) -> list[date]:
        out, day = [], self.first_day
        while day < self.end_day:
            out.append(day)
            day += timedelta(days=1)
        return out

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The first instant of a local day, as aware UTC (a midnight in a DST gap moves forward)."""
    return wall_to_utc(day, time(0), tz)


def local_date(instant: datetime, tz: tzinfo) -> date:
    return instant.astimezone(tz).date()


def days_period(first: date, end_day: date, tz: tzinfo, label: str) -> Period:
    """The local days first .. end_day (exclusive) as a period."""
    if end_day <= first:
        raise InvalidInput(_("empty period {label}: it must cover at least one day").format(label=quote(label)))
    return Period(local_midnight(first, tz), local_midnight(end_day, tz), label, first, end_day)


def day_period(day: date, tz: tzinfo) -> Period:
    return days_period(day, day + timedelta(days=1), tz, day.isoformat())


def _month_after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def _month(year: int, month: int, tz: tzinfo) -> Period:
    return days_period(date(year, month, 1), _month_after(year, month), tz, f"{year:04d}-{month:02d}")


def _iso_week(year: int, week: int, tz: tzinfo) -> Period:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InvalidInput(_("{year}-W{week:02d} is not an ISO week of {year}").format(year=year, week=week)) from None
    return days_period(monday, monday + timedelta(days=7), tz, f"{year:04d}-W{week:02d}")


def _quarter(year: int, q: int, tz: tzinfo) -> Period:
    first = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return days_period(first, end, tz, f"{year:04d}-Q{q}")


def _year(year: int, tz: tzinfo) -> Period:
    return days_period(date(year, 1, 1), date(year + 1, 1, 1), tz, f"{year:04d}")


def _bad(text: str, why: str = "") -> InvalidInput:
    if why:
        return InvalidInput(_("invalid period {text}: {why} (use {accepted}, or --from/--to)").format(
            text=quote(text), why=why, accepted=ACCEPTED))
    return InvalidInput(_("invalid period {text} (use {accepted}, or --from/--to)").format(
        text=quote(text), accepted=ACCEPTED))


def parse_period(text: str, *, tz: tzinfo, now: datetime) -> Period:
    """A `--period` value as a half-open interval in the desk zone."""
    try:
        period = _parse_period(text, tz=tz, now=now)
    except InvalidInput:
        raise
    except (ValueError, OverflowError):  # year 0, or a period ending after 9999-12-31
        raise _bad(text, _("it is out of range (years {first} to {last})").format(
            first=FIRST_YEAR, last=LAST_YEAR)) from None
    if not (FIRST_YEAR <= period.first_day.year and period.end_day.year <= LAST_YEAR + 1):
        raise _bad(text, _("it is out of range (years {first} to {last})").format(first=FIRST_YEAR, last=LAST_YEAR))
    return period


def _parse_period(text: str, *, tz: tzinfo, now: datetime) -> Period:
    raw = (text or "").strip()
    low = raw.lower()
    today = local_date(now, tz)
    if low == "today":
        return day_period(today, tz)
    if low == "yesterday":
        return day_period(today - timedelta(days=1), tz)
    if low == "week":
        iso = today.isocalendar()
        return _iso_week(iso.year, iso.week, tz)
    if low == "month":
        return _month(today.year, today.month, tz)
    if low == "quarter":
        return _quarter(today.year, (today.month - 1) // 3 + 1, tz)
    if low == "year":
        return _year(today.year, tz)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw):
        try:
            return day_period(date(int(m[1]), int(m[2]), int(m[3])), tz)
        except ValueError as exc:
            raise _bad(text, str(exc)) from None
    if m := re.fullmatch(r"(\d{4})-(\d{2})", raw):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise _bad(text, _("there is no month {month}").format(month=month))
        return _month(year, month, tz)
    if m := re.fullmatch(r"(\d{4})-[Ww](\d{2})", raw):
        year, week = int(m[1]), int(m[2])
        if week < 1:
            raise _bad(text, _("weeks are numbered from 01"))
        try:
            return _iso_week(year, week, tz)
        except InvalidInput as exc:
            raise _bad(text, exc.message) from None
    if m := re.fullmatch(r"(\d{4})-[Qq](\d)", raw):
        year, q = int(m[1]), int(m[2])
        if not 1 <= q <= 4:
            raise _bad(text, _("there is no quarter {q}").format(q=q))
        return _quarter(year, q, tz)
    if m := re.fullmatch(r"(\d{4})", raw):
        return _year(int(m[1]), tz)
    raise _bad(text)


def between(start: date | datetime, end: date | datetime | None, *, tz: tzinfo, now: datetime) -> Period:
    """`--from/--to`: a date in `start` means its local midnight; a date in `end` includes that
    day; an instant is taken as given; a missing `end` means now."""
    if isinstance(start, datetime):
        start_at = start.astimezone(UTC)
        start_label = start.astimezone(tz).replace(microsecond=0).isoformat()
    else:
        start_at = local_midnight(start, tz)
        start_label = start.isoformat()
    if end is None:
        end_at = now.astimezone(UTC)
        end_label = "now"
    elif isinstance(end, datetime):
        end_at = end.astimezone(UTC)
        end_label = end.astimezone(tz).replace(microsecond=0).isoformat()
    else:
        end_at = local_midnight(end + timedelta(days=1), tz)
        end_label = end.isoformat()
    if end_at <= start_at:
        raise InvalidInput(
            _(
                "--from {start_label} is not before --to {end_label}: the period would be empty (a date in "
                "--to includes that whole day)"
            ).format(start_label=start_label, end_label=end_label)
        )
    first_day = local_date(start_at, tz)
    last_instant = end_at - timedelta(microseconds=1)
    return Period(start_at, end_at, f"{start_label}..{end_label}", first_day,
                  local_date(last_instant, tz) + timedelta(days=1))


def bucket_starts(period: Period, by: str) -> list[date]:
    """The local first days of the days, ISO weeks (Monday) or calendar months the period
    touches, in order; the first may begin before the period."""
    first = period.first_day
    if by == "week":
        first -= timedelta(days=first.weekday())
    elif by == "month":
        first = first.replace(day=1)
    elif by != "day":
        raise ValueError(f"unknown bucket {by!r}")
    out, day = [], first
    while day < period.end_day:
        out.append(day)
        if by == "day":
            day += timedelta(days=1)
        elif by == "week":
            day += timedelta(days=7)
        else:
            day = _month_after(day.year, day.month)
    return out


def bucket_count(period: Period, by: str) -> int:
    """How many days, ISO weeks or months the period touches (without listing them)."""
    first, last = period.first_day, period.end_day - timedelta(days=1)
    if by == "day":
        return (period.end_day - first).days
    if by == "week":
        return ((last - timedelta(days=last.weekday())) - (first - timedelta(days=first.weekday()))).days // 7 + 1
    return (last.year - first.year) * 12 + last.month - first.month + 1


def bucket_label(start: date, by: str) -> str:
    """`2026-11-23`, `2026-W48` (ISO week of its Monday) or `2026-11`."""
    if by == "week":
        iso = start.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if by == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return start.isoformat()


def bucket_bounds(period: Period, tz: tzinfo, by: str) -> list[tuple[str, datetime, datetime]]:
    """Each local day, ISO week or calendar month of the period with its [start, end) instants,
    clipped to the period."""
    out = []
    for first in bucket_starts(period, by):
        after = (first + timedelta(days=1) if by == "day" else first + timedelta(days=7) if by == "week"
                 else _month_after(first.year, first.month))
        start = max(local_midnight(first, tz), period.start)
        end = min(local_midnight(after, tz), period.end)
        if start < end:
            out.append((bucket_label(first, by), start, end))
    return out


def day_bounds(period: Period, tz: tzinfo) -> list[tuple[date, datetime, datetime]]:
    """Each local day of the period with its [start, end) instants, clipped to the period."""
    out = []
    for day in period.days():
        start = max(local_midnight(day, tz), period.start)
        end = min(local_midnight(day + timedelta(days=1), tz), period.end)
        if start < end:
            out.append((day, start, end))
    return out
