from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskctl.domain.periods import between, day_bounds, local_midnight, parse_period
from deskctl.errors import InvalidInput

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, Monday of ISO week 48


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_period_month_is_local_midnight_to_local_midnight():
    p = parse_period("2026-11", tz=SH, now=NOW)
    assert (p.start, p.end, p.label) == (utc(2026, 10, 31, 16), utc(2026, 11, 30, 16), "2026-11")
    assert p.days()[0] == date(2026, 11, 1) and p.days()[-1] == date(2026, 11, 30)


@pytest.mark.parametrize("text, start, end, label", [
    ("today", utc(2026, 11, 22, 16), utc(2026, 11, 23, 16), "2026-11-23"),
    ("yesterday", utc(2026, 11, 21, 16), utc(2026, 11, 22, 16), "2026-11-22"),
    ("week", utc(2026, 11, 22, 16), utc(2026, 11, 29, 16), "2026-W48"),
    ("month", utc(2026, 10, 31, 16), utc(2026, 11, 30, 16), "2026-11"),
    ("2026-W01", utc(2025, 12, 28, 16), utc(2026, 1, 4, 16), "2026-W01"),
    ("2026-Q4", utc(2026, 9, 30, 16), utc(2026, 12, 31, 16), "2026-Q4"),
    ("2026-q1", utc(2025, 12, 31, 16), utc(2026, 3, 31, 16), "2026-Q1"),
    ("2026-12", utc(2026, 11, 30, 16), utc(2026, 12, 31, 16), "2026-12"),
    ("2026-11-01", utc(2026, 10, 31, 16), utc(2026, 11, 1, 16), "2026-11-01"),
    ("2026", utc(2025, 12, 31, 16), utc(2026, 12, 31, 16), "2026"),
])
def test_period_forms(text, start, end, label):
    p = parse_period(text, tz=SH, now=NOW)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-W54", "2026-W00", "2026-Q5", "2026-Q0",
                                  "2026-02-30", "last-month", "", "11/2026"])
def test_period_invalid_is_refused_with_accepted_forms(text):
    with pytest.raises(InvalidInput) as err:
        parse_period(text, tz=SH, now=NOW)
    assert "YYYY-MM" in err.value.message and "--from/--to" in err.value.message


def test_period_week_53_exists_only_in_long_years():
    assert parse_period("2026-W53", tz=SH, now=NOW).label == "2026-W53"
    with pytest.raises(InvalidInput):
        parse_period("2025-W53", tz=SH, now=NOW)


def test_period_day_is_23_hours_when_dst_starts():
    p = parse_period("2026-03-08", tz=NY, now=NOW)
    assert p.end - p.start == timedelta(hours=23)
    assert p.start == utc(2026, 3, 8, 5) and p.end == utc(2026, 3, 9, 4)


def test_period_between_dates_includes_the_to_day():
    p = between(date(2026, 11, 1), date(2026, 11, 15), tz=SH, now=NOW)
    assert (p.start, p.end) == (utc(2026, 10, 31, 16), utc(2026, 11, 15, 16))
    assert p.label == "2026-11-01..2026-11-15"


def test_period_between_instants_is_half_open():
    p = between(utc(2026, 11, 1, 2), utc(2026, 11, 1, 5), tz=SH, now=NOW)
    assert p.contains(utc(2026, 11, 1, 2)) and not p.contains(utc(2026, 11, 1, 5))


def test_period_from_after_to_is_refused():
    with pytest.raises(InvalidInput, match="not before"):
        between(date(2026, 11, 15), date(2026, 11, 1), tz=SH, now=NOW)


def test_period_between_without_end_runs_to_now():
    p = between(date(2026, 11, 20), None, tz=SH, now=NOW)
    assert p.end == NOW


@given(st.integers(2000, 2100), st.integers(1, 12))
def test_period_months_tile_without_gap_or_overlap(year, month):
    p = parse_period(f"{year:04d}-{month:02d}", tz=NY, now=NOW)
    nxt = parse_period(f"{year + month // 12:04d}-{month % 12 + 1:02d}", tz=NY, now=NOW)
    assert p.end == nxt.start and p.start < p.end


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)))
def test_period_every_instant_lies_in_exactly_its_local_day(instant):
    day = instant.astimezone(NY).date()
    p = parse_period(day.isoformat(), tz=NY, now=NOW)
    assert p.contains(instant)
    assert not parse_period((day + timedelta(days=1)).isoformat(), tz=NY, now=NOW).contains(instant)


def test_period_day_bounds_cover_the_period_exactly():
    p = parse_period("2026-11", tz=NY, now=NOW)  # DST ends on 2026-11-01
    bounds = day_bounds(p, NY)
    assert len(bounds) == 30 and bounds[0][1] == p.start and bounds[-1][2] == p.end
    assert all(a[2] == b[1] for a, b in zip(bounds, bounds[1:], strict=False))
    assert bounds[0][2] - bounds[0][1] == timedelta(hours=25)
    assert local_midnight(date(2026, 11, 2), NY) == utc(2026, 11, 2, 5)


@pytest.mark.parametrize("text", ["9999-12", "9999-Q4", "9999", "9999-W52", "0000", "0000-01"])
def test_parse_period_beyond_the_calendar_is_invalid_input(text):
    with pytest.raises(InvalidInput, match="out of range"):
        parse_period(text, tz=SH, now=NOW)
