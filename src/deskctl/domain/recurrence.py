"""Recurrence of inspection plans: the short forms and RFC 5545 RRULEs, evaluated with dateutil.

Pure logic: no I/O, no database, no clock. Every instant in and out is an aware UTC datetime.

A schedule is normalised into two RFC 5545 lines, `DTSTART:…` and `RRULE:…`, with every
by-part that dateutil would otherwise derive from DTSTART written out, so the text alone
describes the occurrences:

- **Wall-clock rules** (DAILY, WEEKLY, MONTHLY, YEARLY, and any rule with a BY… part) have a
  floating DTSTART (no `Z`) at local midnight of the plan's first day. They are evaluated on
  local wall times in the desk time zone, and each wall time becomes an instant with
  `wall_to_utc`: a daily 09:00 stays at 09:00 local across DST. A wall time inside a DST gap
  moves forward by the gap; in an overlap the first of the two instants is taken; two wall
  times that land on the same instant count once.
- **Interval rules** (`every Nh`, `every Nm`, and HOURLY or MINUTELY RRULEs without BY… parts)
  are fixed intervals in absolute time: their DTSTART is a UTC instant (`…Z`, local midnight
  of the first day), and every occurrence is exactly N hours or minutes after the previous one
  whatever the clocks do. Across a DST change their local times therefore shift by an hour.
- `monthly N HH:MM` with N beyond the month's length (29, 30, 31 in a short month) falls on the
  month's last day (`BYMONTHDAY=28,29,30;BYSETPOS=-1` for 30, `BYMONTHDAY=-1` for 31). A raw
  RRULE with `BYMONTHDAY=31` keeps RFC 5545 semantics instead: months without a 31st are skipped.

dateutil iterates until it finds an occurrence, so a rule that can never match would loop to
the year 9999; every evaluation here is bounded by an UNTIL at the end of its window.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from deskctl.domain.wallclock import wall_to_utc
from deskctl.errors import InvalidInput
from deskctl.i18n import _

if TYPE_CHECKING:

    class _Rule(rrule):
        """The private attributes of dateutil's rrule read here (its stubs leave them out)."""

        _dtstart: datetime
        _freq: int
        _interval: int
        _count: int | None
        _until: datetime | None


ACCEPTED_FORMS = (
    "daily HH:MM",
    "weekly mon[,thu] HH:MM",
    "monthly N HH:MM (N = 1-31 or last; a day beyond the month's end means its last day)",
    "every Nh",
    "every Nm",
    "an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO;BYHOUR=10",
)
ACCEPTED = "accepted forms: " + "; ".join(ACCEPTED_FORMS)
HORIZON_YEARS = 10  # a rule with no occurrence within this many years "yields nothing"

_DAYS = {
    "mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
    "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
    "saturday": "SA", "sunday": "SU", "tues": "TU", "thur": "TH", "thurs": "TH",
}
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PART_ORDER = (
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYMONTH", "BYWEEKNO", "BYYEARDAY",
    "BYMONTHDAY", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS",
)
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY")
_DAY_PARTS = ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")
_UNIT_SECONDS = {"HOURLY": 3600, "MINUTELY": 60}
_TINY = timedelta(microseconds=1)
_WALL_MARGIN = timedelta(hours=3)
_FIRST: dict[tuple[str, str], datetime | None] = {}
_PREVIOUS: dict[tuple[str, str, datetime], datetime | None] = {}


def _accepted() -> str:
    return _("accepted forms: {forms}").format(forms="; ".join(ACCEPTED_FORMS))


def _bad(text: str, why: str) -> InvalidInput:
    return InvalidInput(_("invalid schedule {text!r}: {why} ({accepted})").format(
        text=text, why=why, accepted=_accepted()))


# --- parsing ----------------------------------------------------------------------------


MAX_INTERVAL = 1000


def parse_schedule(text: str, *, start: datetime, tz: tzinfo) -> Recurrence:
    """Parse what a supervisor typed into a normalised recurrence anchored at `start`'s day.

    Raises InvalidInput (exit 2) listing the accepted forms when the text cannot be read, and
    when the rule yields no occurrence at or after `start` within HORIZON_YEARS.
    """
    raw = " ".join((text or "").split())
    if not raw:
        raise _bad(text, _("empty"))
    first_day = start.astimezone(tz).date()
    low = raw.lower()
    if low.startswith(("daily", "weekly", "monthly", "every")):
        parts, absolute = _short_form(raw, low)
    elif "FREQ=" in raw.upper():
        parts, absolute = _rrule_parts(raw)
    else:
        raise _bad(text, _("not a short form or an RRULE"))
    if absolute:
        anchor_utc = wall_to_utc(first_day, time(0), tz)
        dtstart = "DTSTART:" + anchor_utc.strftime("%Y%m%dT%H%M%SZ")
        if "UNTIL" in parts:
            parts["UNTIL"] = _until_utc(parts["UNTIL"], tz, raw)
    else:
        _fill_defaults(parts, first_day)
        _check_setpos(parts, raw)
        dtstart = "DTSTART:" + first_day.strftime("%Y%m%dT000000")
        if "UNTIL" in parts:
            parts["UNTIL"] = _until_local(parts["UNTIL"], tz, raw)
    body = ";".join(f"{k}={parts[k]}" for k in _PART_ORDER if k in parts)
    rec = load(f"{dtstart}\nRRULE:{body}")
    if rec.following(start - _TINY, tz, horizon_years=HORIZON_YEARS) is None:
        raise InvalidInput(_(
            "schedule {text!r} yields no occurrence from {start} within {years} years; check "
            "BYMONTH/BYMONTHDAY, COUNT and UNTIL ({accepted})"
        ).format(text=text, start=f"{start.astimezone(tz):%Y-%m-%d %H:%M}", years=HORIZON_YEARS, accepted=_accepted()))
    return rec


def _hhmm(text: str, raw: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise _bad(raw, _("{text!r} is not a time of day HH:MM (00:00 to 23:59)").format(text=text))
    return int(m.group(1)), int(m.group(2))


def _short_form(raw: str, low: str) -> tuple[dict[str, str], bool]:
    words = low.split()
    kind = words[0]
    if kind == "every":
        m = re.fullmatch(r"every\s*(\d+)\s*(h|m|hours?|min|mins|minutes?)", low)
        if not m:
            raise _bad(raw, _("write `every Nh` or `every Nm`, e.g. every 4h"))
        n = int(m.group(1))
        unit = "HOURLY" if m.group(2).startswith("h") else "MINUTELY"
        if n < 1 or (unit == "HOURLY" and n > 24 * 366) or (unit == "MINUTELY" and n > 60 * 24 * 366):
            raise _bad(raw, _("the interval must be at least 1 and at most a year"))
        parts = {"FREQ": unit}
        if n > 1:
            parts["INTERVAL"] = str(n)
        return parts, True
    if kind == "daily":
        if len(words) != 2:
            raise _bad(raw, _("write `daily HH:MM`, e.g. daily 09:00"))
        h, mi = _hhmm(words[1], raw)
        return {"FREQ": "DAILY", "BYHOUR": str(h), "BYMINUTE": str(mi), "BYSECOND": "0"}, False
    if kind == "weekly":
        if len(words) != 3:
            raise _bad(raw, _("write `weekly mon[,thu] HH:MM`, e.g. weekly mon,thu 10:00"))
        codes = []
        for name in words[1].split(","):
            code = _DAYS.get(name.strip())
            if code is None:
                raise _bad(raw, _("{name!r} is not a weekday (mon, tue, wed, thu, fri, sat, sun)").format(name=name))
            if code not in codes:
                codes.append(code)
        codes.sort(key=_WEEKDAY_CODES.index)
        h, mi = _hhmm(words[2], raw)
        return {"FREQ": "WEEKLY", "BYDAY": ",".join(codes), "BYHOUR": str(h), "BYMINUTE": str(mi),
                "BYSECOND": "0"}, False
    # monthly N HH:MM
    if len(words) != 3:
        raise _bad(raw, _("write `monthly N HH:MM`, e.g. monthly 1 09:00"))
    h, mi = _hhmm(words[2], raw)
    if words[1] == "last":
        n = 31
    elif words[1].isdigit() and 1 <= int(words[1]) <= 31:
        n = int(words[1])
    else:
        raise _bad(raw, _("{word!r} is not a day of the month (1-31 or last)").format(word=words[1]))
    parts = {"FREQ": "MONTHLY", "BYHOUR": str(h), "BYMINUTE": str(mi), "BYSECOND": "0"}
    if n <= 28:
        parts["BYMONTHDAY"] = str(n)
    elif n == 31:
        parts["BYMONTHDAY"] = "-1"
    else:  # 29 or 30: that day, or the month's last day when it is shorter
        parts["BYMONTHDAY"] = ",".join(str(d) for d in range(28, n + 1))
        parts["BYSETPOS"] = "-1"
    return parts, False


def _rrule_parts(raw: str) -> tuple[dict[str, str], bool]:
    body = raw.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if "\n" in body or "DTSTART" in body.upper():
        raise _bad(raw, _("give only the RRULE; the plan's start is set with --start"))
    parts: dict[str, str] = {}
    for chunk in body.replace(" ", "").strip(";").split(";"):
        if "=" not in chunk:
            raise _bad(raw, _("{chunk!r} is not NAME=VALUE").format(chunk=chunk))
        key, value = chunk.split("=", 1)
        key = key.upper()
        if key not in _PART_ORDER:
            raise _bad(raw, _("{key} is not supported").format(key=key))
        if key in parts:
            raise _bad(raw, _("{key} is given twice").format(key=key))
        if not value:
            raise _bad(raw, _("{key} has no value").format(key=key))
        parts[key] = value.upper()
    freq = parts.get("FREQ")
    if freq not in _FREQS:
        raise _bad(raw, _("FREQ must be one of {freqs}").format(freqs=', '.join(_FREQS)))
    if "COUNT" in parts and "UNTIL" in parts:
        raise _bad(raw, _("COUNT and UNTIL cannot both be given"))
    for key in ("INTERVAL", "COUNT"):
        if key in parts and (not parts[key].isdigit() or int(parts[key]) < 1):
            raise _bad(raw, _("{key} must be a positive whole number").format(key=key))
    if "INTERVAL" in parts and parts["INTERVAL"] == "1":
        del parts["INTERVAL"]
    if "COUNT" in parts and int(parts["COUNT"]) > 100_000:
        raise _bad(raw, _("COUNT is at most 100000"))
    interval = parts.get("INTERVAL", "1")
    if interval.isdigit() and int(interval) > MAX_INTERVAL:  # beyond that dateutil overflows
        raise _bad(raw, _("INTERVAL is at most {most}").format(most=MAX_INTERVAL))
    try:  # let dateutil judge the values
        rrulestr("RRULE:" + ";".join(f"{k}={v}" for k, v in parts.items() if k != "UNTIL"),
                 dtstart=datetime(2000, 1, 3))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise _bad(raw, str(exc) or _("a value is out of range")) from None
    absolute = freq in _UNIT_SECONDS and not any(k.startswith("BY") for k in parts)
    return parts, absolute


def _check_setpos(parts: dict[str, str], raw: str) -> None:
    """Refuse a BYSETPOS beyond the largest set the rule can build: dateutil would search for it
    until the year 9999 (minutes of CPU) instead of saying the rule yields nothing."""
    if "BYSETPOS" not in parts:
        return
    freq = parts["FREQ"]
    coarse = _FREQS.index(freq)
    size = _days_per_set(parts, freq)
    for key, level in (("BYHOUR", 4), ("BYMINUTE", 5), ("BYSECOND", 6)):
        if coarse < level:
            size *= len(parts[key].split(",")) if key in parts else (24 if key == "BYHOUR" else 60)
    for value in parts["BYSETPOS"].split(","):
        if value.lstrip("+-").isdigit() and abs(int(value)) > size:
            if size == 1:
                why = _("BYSETPOS={value} can never match: each {freq} set has at most {size} occurrence")
            else:
                why = _("BYSETPOS={value} can never match: each {freq} set has at most {size} occurrences")
            raise _bad(raw, why.format(value=value, freq=freq, size=size))


def _days_per_set(parts: dict[str, str], freq: str) -> int:
    """An upper bound of the days one YEARLY / MONTHLY / WEEKLY set can hold (1 below that)."""
    def count(key: str) -> int:
        return len(parts[key].split(",")) if key in parts else 0

    def weekdays(per: int) -> int:  # "MO" is every Monday of the span, "1MO" one of them
        return sum(1 if d.strip().lstrip("+-")[:1].isdigit() else per for d in parts["BYDAY"].split(","))

    if freq == "WEEKLY":
        return count("BYDAY") or 7
    if freq == "MONTHLY":
        bound = count("BYMONTHDAY") or 31
        return min(bound, weekdays(5)) if "BYDAY" in parts else bound
    if freq == "YEARLY":
        months = count("BYMONTH") or 12
        bound = months * (count("BYMONTHDAY") or 31)
        if "BYDAY" in parts:
            bound = min(bound, weekdays(5 * months if "BYMONTH" in parts else 53))
        if "BYYEARDAY" in parts:
            bound = min(bound, count("BYYEARDAY"))
        return min(bound, 366)
    return 1


def _fill_defaults(parts: dict[str, str], first_day: date) -> None:
    """Write out the by-parts dateutil would take from DTSTART (see rrule.__init__)."""
    freq = parts["FREQ"]
    if not any(k in parts for k in _DAY_PARTS):
        if freq == "YEARLY":
            parts.setdefault("BYMONTH", str(first_day.month))
            parts["BYMONTHDAY"] = str(first_day.day)
        elif freq == "MONTHLY":
            parts["BYMONTHDAY"] = str(first_day.day)
        elif freq == "WEEKLY":
            parts["BYDAY"] = _WEEKDAY_CODES[first_day.weekday()]
    coarse = _FREQS.index(freq)
    for key, level in (("BYHOUR", 4), ("BYMINUTE", 5), ("BYSECOND", 6)):
        if coarse < level:
            parts.setdefault(key, "0")


def _parse_until(value: str, raw: str) -> tuple[datetime, bool]:
    m = re.fullmatch(r"(\d{8})(?:T(\d{6})(Z?))?", value)
    if not m:
        raise _bad(raw, _("UNTIL={value} is not YYYYMMDD or YYYYMMDDTHHMMSS[Z]").format(value=value))
    try:
        day = datetime.strptime(m.group(1), "%Y%m%d")
        if m.group(2):
            moment = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        else:  # a date: through the end of that day
            moment = day + timedelta(days=1) - timedelta(seconds=1)
    except ValueError:
        raise _bad(raw, _("UNTIL={value} is not a valid date").format(value=value)) from None
    return moment, bool(m.group(3))


def _until_local(value: str, tz: tzinfo, raw: str) -> str:
    moment, is_utc = _parse_until(value, raw)
    if is_utc:
        moment = moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    return moment.strftime("%Y%m%dT%H%M%S")


def _until_utc(value: str, tz: tzinfo, raw: str) -> str:
    moment, is_utc = _parse_until(value, raw)
    instant = moment.replace(tzinfo=UTC) if is_utc else wall_to_utc(moment.date(), moment.time(), tz)
    return instant.strftime("%Y%m%dT%H%M%SZ")


# --- evaluation ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def load(text: str) -> Recurrence:
    """A stored normalised rule (DTSTART + RRULE lines) ready to evaluate."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rule = rrulestr(text)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidInput(_("stored recurrence {text!r} cannot be read: {reason}").format(
            text=text, reason=exc)) from None
    if not isinstance(rule, rrule):
        raise InvalidInput(_("stored recurrence {text!r} is not a single RRULE").format(text=text))
    return Recurrence(text=text, rule=cast("_Rule", rule))


@dataclass(frozen=True)
class Recurrence:
    text: str
    rule: _Rule = field(compare=False, repr=False)

    @property
    def rrule(self) -> str:
        """The RRULE line without DTSTART."""
        return self.text.split("RRULE:", 1)[1]

    @property
    def absolute(self) -> bool:
        return self.rule._dtstart.tzinfo is not None

    @property
    def freq(self) -> str:
        return _FREQS[self.rule._freq]

    @property
    def interval(self) -> int:
        return self.rule._interval

    def period_hint(self) -> timedelta:
        """Roughly how far apart occurrences are (a starting span for searches)."""
        base = {
            "YEARLY": timedelta(days=366), "MONTHLY": timedelta(days=31), "WEEKLY": timedelta(days=7),
            "DAILY": timedelta(days=1), "HOURLY": timedelta(hours=1), "MINUTELY": timedelta(minutes=1),
        }[self.freq]
        return base * self.interval

    # -- the one primitive: occurrences in [start, end) -------------------------------------

    def between(self, start: datetime, end: datetime, tz: tzinfo) -> list[datetime]:
        """Occurrences in [start, end) as aware UTC instants, strictly increasing."""
        if end <= start:
            return []
        if self.absolute:
            lo, hi = start.astimezone(UTC), end.astimezone(UTC)
            rule = self._window_rule(lo - timedelta(seconds=1), hi)
            return [t.astimezone(UTC) for t in rule.between(lo, hi, inc=True) if lo <= t < hi]
        # wall times: a margin either side covers any DST shift of a wall time
        lo = start.astimezone(tz).replace(tzinfo=None) - _WALL_MARGIN
        hi = end.astimezone(tz).replace(tzinfo=None) + _WALL_MARGIN
        rule = self._window_rule(lo, hi)
        out: list[datetime] = []
        for wall in rule.between(lo, hi, inc=True):
            instant = wall_to_utc(wall.date(), wall.time(), tz)
            if start <= instant < end and (not out or instant > out[-1]):
                out.append(instant)
        return out

    def _window_rule(self, lo: datetime, hi: datetime) -> _Rule:
        """The rule with DTSTART moved forward by whole periods to just before `lo`, and an
        UNTIL at `hi`, so dateutil iterates only over the window (never to the year 9999)."""
        rule = self.rule
        dtstart = rule._dtstart
        new_start = dtstart
        if rule._count is None and lo > dtstart:
            new_start = self._shift(dtstart, lo)
        until = hi if rule._until is None else min(hi, rule._until)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return rule.replace(dtstart=new_start, until=until)

    def _shift(self, dtstart: datetime, lo: datetime) -> datetime:
        freq, k = self.freq, self.interval
        if freq in ("YEARLY", "MONTHLY"):
            step = k * (12 if freq == "YEARLY" else 1)
            months = (lo.year - dtstart.year) * 12 + (lo.month - dtstart.month)
            m = max(0, months // step - 1)
            return dtstart + relativedelta(months=m * step)
        if freq in ("WEEKLY", "DAILY"):
            step_days = k * (7 if freq == "WEEKLY" else 1)
            m = max(0, (lo - dtstart).days // step_days - 1)
            return dtstart + timedelta(days=m * step_days)
        step = k * _UNIT_SECONDS[freq]
        if not self.absolute:  # wall-clock by-parts repeat with the day
            step = step * 86400 // math.gcd(step, 86400)
        m = max(0, int((lo - dtstart).total_seconds()) // step - 1)
        return dtstart + timedelta(seconds=m * step)

    # -- built on between ----------------------------------------------------------------

    def previous(self, at: datetime, tz: tzinfo) -> datetime | None:
        """The latest occurrence at or before `at` (memoised: many plans share a rule)."""
        key = (self.text, str(tz), at)
        if key not in _PREVIOUS:
            if len(_PREVIOUS) > 10_000:
                _PREVIOUS.clear()
            _PREVIOUS[key] = self._previous(at, tz)
        return _PREVIOUS[key]

    def _previous(self, at: datetime, tz: tzinfo) -> datetime | None:
        first = self.first(tz)
        if first is None or first > at:
            return None
        span = self.period_hint() + timedelta(hours=1)
        while True:
            lo = max(at - span, first)
            found = self.between(lo, at + _TINY, tz)
            if found:
                return found[-1]
            if lo <= first:
                return None
            span *= 4

    def following(self, at: datetime, tz: tzinfo, *, horizon_years: int = 30) -> datetime | None:
        """The earliest occurrence strictly after `at` (None when there is none in the horizon)."""
        limit = at + timedelta(days=366 * horizon_years)
        span = self.period_hint() * 2 + timedelta(days=2)
        lo = at + _TINY
        while lo < limit:
            hi = min(lo + span, limit)
            found = self.between(lo, hi, tz)
            if found:
                return found[0]
            if self.rule._until is not None and self._until_utc(tz) < hi:
                return None
            lo, span = hi, span * 4
        return None

    def first(self, tz: tzinfo) -> datetime | None:
        """The rule's first occurrence (cached per rule and zone)."""
        key = (self.text, str(tz))
        if key not in _FIRST:
            _FIRST[key] = self._first(tz)
        return _FIRST[key]

    def _first(self, tz: tzinfo) -> datetime | None:
        dtstart = self.rule._dtstart
        if self.absolute:
            start = dtstart.astimezone(UTC)
        else:
            start = wall_to_utc(dtstart.date(), dtstart.time(), tz) - timedelta(days=1)
        return self.following(start - _TINY, tz, horizon_years=HORIZON_YEARS + 1)

    def _until_utc(self, tz: tzinfo) -> datetime:
        until = self.rule._until
        assert until is not None  # called only for a rule with an UNTIL
        if until.tzinfo is not None:
            return until.astimezone(UTC)
        return wall_to_utc(until.date(), until.time(), tz) + timedelta(days=1)

    def is_occurrence(self, at: datetime, tz: tzinfo) -> bool:
        return bool(self.between(at, at + _TINY, tz))

    def describe(self) -> str:
        return self.rrule
