"""The clock, and the parsing of instants, dates and durations (docs/design.md §7, §8).

Only `Clock` reads the system time. Everything else takes `now` and a time zone.
All instants returned are timezone-aware UTC datetimes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deskctl.domain.limits import MAX_DURATION, check_year
from deskctl.domain.wallclock import wall_to_utc
from deskctl.errors import InvalidInput, quote
from deskctl.i18n import _

__all__ = [
    "Clock", "local_text", "localize", "parse_date", "parse_duration", "parse_instant", "parse_until", "wall_to_utc",
]

UTC_ZONE = UTC


@dataclass(frozen=True)
class Clock:
    """Where the program's idea of "now" comes from. `fixed` freezes it."""

    fixed: datetime | None = None

    def now(self) -> datetime:
        if self.fixed is not None:
            return self.fixed
        return datetime.now(UTC)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Clock:
        """`DESKCTL_NOW` (an ISO instant with offset, or UTC if none) freezes the clock."""
        env = os.environ if environ is None else environ
        raw = env.get("DESKCTL_NOW", "").strip()
        if not raw:
            return cls()
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(
                _(
                    "DESKCTL_NOW={raw} is not an ISO 8601 instant (e.g. 2026-11-23T09:00:00+08:00)"
                ).format(raw=quote(raw))
            ) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        check_year(value, f"DESKCTL_NOW={quote(raw)}")
        return cls(fixed=value.astimezone(UTC))


def get_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            _("unknown time zone {name} (use an IANA name like Asia/Shanghai)").format(name=quote(name))
        ) from None


def system_zone_name() -> str:
    """The system's IANA zone name, best effort; UTC when it cannot be told."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz:
        try:
            ZoneInfo(tz)
            return tz
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        link = os.readlink("/etc/localtime")
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    try:
        with open("/etc/timezone", encoding="utf-8") as fh:
            name = fh.read().strip()
            if name:
                ZoneInfo(name)
                return name
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return "UTC"


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach `tz` to a wall-clock time, refusing times that do not exist or are ambiguous."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Either a gap (time does not exist) or an overlap (time happens twice).
        roundtrip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if roundtrip != naive:
            raise InvalidInput(
                _(
                    "{naive:%Y-%m-%d %H:%M} does not exist in {tz} (the clocks skip it at a DST change)"
                ).format(naive=naive, tz=tz)
            )
        raise InvalidInput(
            _("{naive:%Y-%m-%d %H:%M} happens twice in {tz} (DST change); give an offset, "
              "e.g. {naive:%Y-%m-%dT%H:%M}{first} or {second}").format(
                naive=naive, tz=tz, first=_fmt_offset(first), second=_fmt_offset(second))
        )
    return first.astimezone(UTC)


def _fmt_offset(dt: datetime) -> str:
    off = dt.utcoffset() or timedelta(0)
    total = int(off.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"


_DURATION_PART = re.compile(r"(\d+)\s*([wdhms])", re.IGNORECASE)
_DURATION_FULL = re.compile(r"^\s*(?:\d+\s*[wdhms]\s*)+$", re.IGNORECASE)
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """`15m`, `2h`, `1d`, `1h30m`, `1w`; also HH:MM. Never negative, never empty."""
    raw = (text or "").strip()
    if re.fullmatch(r"\d{1,3}:\d{2}", raw):
        h, m = raw.split(":")
        if int(m) >= 60:
            raise InvalidInput(_("invalid duration {text}: minutes must be below 60").format(text=quote(text)))
        return timedelta(hours=int(h), minutes=int(m))
    if not raw or not _DURATION_FULL.match(raw):
        raise InvalidInput(_("invalid duration {text} (use forms like 15m, 2h, 1d, 1h30m)").format(text=quote(text)))
    seconds = sum(int(n) * _UNIT_SECONDS[u.lower()] for n, u in _DURATION_PART.findall(raw))
    if seconds > MAX_DURATION.total_seconds():
        raise InvalidInput(_(
                "duration {text} is too long (at most {days}d)"
            ).format(text=quote(text), days=MAX_DURATION.days))
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta | float | None) -> str:
    """`1d 2h 5m` style; negative durations get a leading minus."""
    if delta is None:
        return ""
    seconds = int(delta.total_seconds() if isinstance(delta, timedelta) else delta)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    d, rem = divmod(seconds, 86400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    parts = [f"{d}d"] if d else []
    if h:
        parts.append(f"{h}h")
    if m or not parts:
        parts.append(f"{m}m")
    return sign + " ".join(parts)


_RELATIVE = re.compile(r"^([+-])\s*(.+)$")
_AGO = re.compile(r"^(.+?)\s+ago$", re.IGNORECASE)
_WORD_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def parse_time_of_day(text: str) -> time:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*", text or "")
    if not m:
        raise InvalidInput(_("invalid time of day {text} (use HH:MM, 00:00 to 23:59)").format(text=quote(text)))
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise InvalidInput(_("invalid time of day {text} (use HH:MM, 00:00 to 23:59)").format(text=quote(text)))
    return time(h, mi, s)


def parse_date(text: str, *, tz: tzinfo, now: datetime) -> date:
    """An ISO date or today / yesterday / tomorrow, in the desk time zone."""
    raw = (text or "").strip().lower()
    if raw in _WORD_DAYS:
        return (now.astimezone(tz) + timedelta(days=_WORD_DAYS[raw])).date()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_(
                "invalid date {text} (use YYYY-MM-DD, today, yesterday or tomorrow)"
            ).format(text=quote(text))) from None
    check_year(day, repr(text))
    return day


def parse_instant(text: str, *, tz: tzinfo, now: datetime) -> datetime:
    """Parse an instant as typed by a person (docs/design.md §7), returning aware UTC.

    Accepts ISO dates and date-times (with or without offset), `now`, `today`, `yesterday`,
    `tomorrow` (midnight local, optionally followed by HH:MM), `+2h`, `-30m`, `3d ago`.
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput(_("empty time (use an ISO date or time, now, today, +2h, 3d ago …)"))
    try:
        value = _parse_instant(raw, text, tz, now)
    except OverflowError:
        value = datetime.max.replace(tzinfo=UTC)  # beyond the calendar: refused just below
    check_year(value, repr(text))
    return value


def _parse_instant(raw: str, text: str, tz: tzinfo, now: datetime) -> datetime:
    low = raw.lower()
    if low == "now":
        return now
    words = low.split()
    if words[0] in _WORD_DAYS and len(words) <= 2:
        day = parse_date(words[0], tz=tz, now=now)
        if len(words) == 1:
            # The day's start, even where local midnight is skipped by a DST change.
            return wall_to_utc(day, time(0), tz)
        return localize(datetime.combine(day, parse_time_of_day(words[1])), tz)
    rel = _RELATIVE.match(raw)
    if rel and _DURATION_FULL.match(rel.group(2)):
        delta = parse_duration(rel.group(2))
        return now + delta if rel.group(1) == "+" else now - delta
    ago = _AGO.match(raw)
    if ago:
        return now - parse_duration(ago.group(1))
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise InvalidInput(
            _(
                "invalid time {text} (use an ISO date or time, now, today, yesterday 09:00, +2h, 3d ago)"
            ).format(text=quote(text))
        ) from None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return wall_to_utc(value.date(), time(0), tz)  # a bare date: the day's start
    return localize(value, tz)


def is_bare_date(text: str) -> bool:
    """An ISO date (YYYY-MM-DD) or one of today / yesterday / tomorrow, with no time of day."""
    raw = (text or "").strip().lower()
    return raw in _WORD_DAYS or re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) is not None


def parse_until(text: str, *, tz: tzinfo, now: datetime) -> datetime:
    """An upper bound (`--until`, `--to`) as typed by a person, as aware UTC, exclusive.

    A bare date means the **end** of that local day (the next local midnight), as report periods
    already read `--to`: `--since 2026-12-08 --until 2026-12-08` is the whole of 8 December.
    Anything else is an instant, as `parse_instant` reads it."""
    if is_bare_date(text):
        return wall_to_utc(parse_date(text, tz=tz, now=now) + timedelta(days=1), time(0), tz)
    return parse_instant(text, tz=tz, now=now)


def to_local(value: datetime | None, tz: tzinfo) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)


def local_text(value: datetime, tz: tzinfo) -> str:
    """An instant as a person reads it in messages: `2026-11-23 09:00`, in the desk zone."""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def iso(value: datetime | None, tz: tzinfo) -> str | None:
    """ISO 8601 with offset, in the desk time zone, to the second."""
    local = to_local(value, tz)
    return None if local is None else local.replace(microsecond=0).isoformat()
