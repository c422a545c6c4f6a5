"""Parsing people's times and durations (SPEC §7) and the DESKCTL_NOW clock (SPEC §8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskctl.errors import ExitCode, InvalidInput
from deskctl.timeparse import (
    Clock,
    format_duration,
    get_zone,
    iso,
    localize,
    parse_date,
    parse_duration,
    parse_instant,
    parse_time_of_day,
    wall_to_utc,
)

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, a Monday


def _sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T08:30:00+08:00", _sh(2026, 11, 20, 8, 30)),
        ("2026-11-20T00:30:00Z", datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
        ("2026-11-20T08:30:00-05:00", datetime(2026, 11, 20, 13, 30, tzinfo=UTC)),
        ("2026-11-20T08:30", _sh(2026, 11, 20, 8, 30)),
        ("2026-11-20 08:30", _sh(2026, 11, 20, 8, 30)),
        ("2026-11-20", _sh(2026, 11, 20)),
        ("now", NOW),
        ("NOW", NOW),
        ("today", _sh(2026, 11, 23)),
        ("yesterday", _sh(2026, 11, 22)),
        ("tomorrow", _sh(2026, 11, 24)),
        ("yesterday 17:45", _sh(2026, 11, 22, 17, 45)),
        ("today 09:00", _sh(2026, 11, 23, 9)),
        ("tomorrow 7:05", _sh(2026, 11, 24, 7, 5)),
        ("+2h", NOW + timedelta(hours=2)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("+1h30m", NOW + timedelta(minutes=90)),
        ("3d ago", NOW - timedelta(days=3)),
        ("2h ago", NOW - timedelta(hours=2)),
        ("  today  ", _sh(2026, 11, 23)),
    ],
)
def test_parse_instant_accepts(text, expected):
    got = parse_instant(text, tz=SH, now=NOW)
    assert got == expected
    assert got.utcoffset() == timedelta(0)


def test_parse_instant_words_follow_the_desk_zone_date():
    # 23:30 UTC on the 22nd is already the 23rd in Shanghai
    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    assert parse_instant("today", tz=SH, now=late) == _sh(2026, 11, 23)
    assert parse_instant("today", tz=ZoneInfo("UTC"), now=late) == datetime(2026, 11, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["2026-02-30", "yesterday 25:00", "today 12:60", "", "   ", "soon", "2026-13-01", "+", "+2x",
     "3 ago", "yesterday 9", "next week", "2026-11-20T25:00"],
)
def test_parse_instant_refuses(text):
    with pytest.raises(InvalidInput) as info:
        parse_instant(text, tz=SH, now=NOW)
    assert info.value.exit_code == ExitCode.USAGE == 2


def test_parse_instant_refuses_the_berlin_spring_gap():
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_instant("2026-03-29 02:30", tz=BERLIN, now=NOW)
    spring_now = datetime(2026, 3, 29, 10, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_instant("today 02:30", tz=BERLIN, now=spring_now)


def test_parse_instant_refuses_the_berlin_autumn_overlap_without_offset():
    with pytest.raises(InvalidInput) as info:
        parse_instant("2026-10-25 02:30", tz=BERLIN, now=NOW)
    assert "happens twice" in info.value.message
    assert "+02:00" in info.value.message and "+01:00" in info.value.message


@pytest.mark.parametrize(
    ("text", "utc_hour"), [("2026-10-25T02:30+02:00", 0), ("2026-10-25T02:30+01:00", 1)]
)
def test_parse_instant_overlap_with_offset_is_accepted(text, utc_hour):
    assert parse_instant(text, tz=BERLIN, now=NOW) == datetime(2026, 10, 25, utc_hour, 30, tzinfo=UTC)


def test_parse_instant_just_around_the_gap_is_fine():
    assert parse_instant("2026-03-29 01:59", tz=BERLIN, now=NOW) == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert parse_instant("2026-03-29 03:00", tz=BERLIN, now=NOW) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_localize_plain_time():
    assert localize(datetime(2026, 7, 1, 12), BERLIN) == datetime(2026, 7, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1w", timedelta(weeks=1)),
        ("90s", timedelta(seconds=90)),
        ("2H", timedelta(hours=2)),
        ("1d 2h", timedelta(days=1, hours=2)),
        ("1:30", timedelta(hours=1, minutes=30)),
    ],
)
def test_parse_duration_accepts(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "15", "m", "1.5h", "-2h", "2 hours", "1:75", "h1", "2y"])
def test_parse_duration_refuses(text):
    with pytest.raises(InvalidInput) as info:
        parse_duration(text)
    assert info.value.exit_code == 2


@given(st.integers(0, 400), st.integers(0, 23), st.integers(0, 59))
def test_parse_duration_round_trips_format_duration(d, h, m):
    delta = timedelta(days=d, hours=h, minutes=m)
    text = format_duration(delta).replace(" ", "")
    assert parse_duration(text) == delta


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0m"), (59, "0m"), (3600, "1h"), (5400, "1h 30m"), (90000, "1d 1h"), (-600, "-10m"), (None, "")],
)
def test_format_duration(value, text):
    assert format_duration(value) == text


def test_parse_date():
    assert parse_date("2026-02-28", tz=SH, now=NOW) == date(2026, 2, 28)
    assert parse_date("yesterday", tz=SH, now=NOW) == date(2026, 11, 22)
    with pytest.raises(InvalidInput):
        parse_date("2026-02-30", tz=SH, now=NOW)


@pytest.mark.parametrize("text", ["24:00", "9", "12:60", "ab:cd", ""])
def test_parse_time_of_day_refuses(text):
    with pytest.raises(InvalidInput):
        parse_time_of_day(text)


def test_get_zone_unknown_exits_2():
    with pytest.raises(InvalidInput) as info:
        get_zone("Mars/Olympus")
    assert info.value.exit_code == 2
    assert get_zone("Europe/Berlin") == BERLIN


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-23T09:00:00+08:00", datetime(2026, 11, 23, 1, tzinfo=UTC)),
        ("2026-11-23T01:00:00Z", datetime(2026, 11, 23, 1, tzinfo=UTC)),
        ("2026-11-23T01:00:00", datetime(2026, 11, 23, 1, tzinfo=UTC)),  # no offset: UTC
        ("  2026-11-23T09:00+08:00 ", datetime(2026, 11, 23, 1, tzinfo=UTC)),
    ],
)
def test_clock_from_env_freezes(raw, expected):
    clock = Clock.from_env({"DESKCTL_NOW": raw})
    assert clock.now() == expected
    assert clock.now() == clock.now()
    assert clock.now().tzinfo is not None


def test_clock_from_env_unset_is_live():
    before = datetime.now(UTC)
    now = Clock.from_env({}).now()
    assert now.tzinfo is not None
    assert now >= before
    assert Clock.from_env({"DESKCTL_NOW": ""}).fixed is None


@pytest.mark.parametrize("raw", ["tomorrow", "2026-13-01T00:00", "1700000000"])
def test_clock_from_env_refuses_garbage(raw):
    with pytest.raises(InvalidInput, match="DESKCTL_NOW"):
        Clock.from_env({"DESKCTL_NOW": raw})


def test_wall_to_utc_never_refuses():
    # spring gap moves forward, autumn overlap takes the first (summer-time) one
    assert wall_to_utc(date(2026, 3, 29), datetime(2026, 1, 1, 2, 30).time(), BERLIN) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert wall_to_utc(date(2026, 10, 25), datetime(2026, 1, 1, 2, 30).time(), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_iso_in_desk_zone():
    assert iso(datetime(2026, 11, 23, 1, 0, 0, 123456, tzinfo=UTC), SH) == "2026-11-23T09:00:00+08:00"
    assert iso(None, SH) is None


def test_parse_duration_too_big_is_invalid_input():
    with pytest.raises(InvalidInput):
        parse_duration("99999999999d")


@pytest.mark.parametrize("text", ["+3000000d", "9999-12-31T23:00:00-05:00"])
def test_parse_instant_out_of_range_is_invalid_input(text):
    with pytest.raises(InvalidInput):
        parse_instant(text, tz=SH, now=NOW)


def test_parse_instant_today_on_a_midnight_dst_change():
    santiago = ZoneInfo("America/Santiago")
    got = parse_instant("today", tz=santiago, now=datetime(2026, 9, 6, 12, tzinfo=UTC))
    assert got == datetime(2026, 9, 6, 1, 0, tzinfo=santiago).astimezone(UTC)


def test_parse_instant_bare_date_on_a_midnight_dst_change_is_the_days_start():
    santiago = ZoneInfo("America/Santiago")
    got = parse_instant("2026-09-06", tz=santiago, now=NOW)
    assert got == datetime(2026, 9, 6, 1, 0, tzinfo=santiago).astimezone(UTC)
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_instant("2026-09-06T00:30", tz=santiago, now=NOW)
