"""Shift instants from local wall times: DST in Berlin and New York, Shanghai, midnight, month ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskctl.domain.shift_time import (
    attendance,
    crosses_midnight,
    is_night,
    is_weekend,
    shift_instants,
)

DAY = (time(8), time(20))
NIGHT = (time(20), time(8))
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def hours(span: tuple[datetime, datetime]) -> float:
    return (span[1] - span[0]).total_seconds() / 3600


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_night_berlin_spring_forward_lasts_11_hours():
    start, end = shift_instants(date(2026, 3, 28), *NIGHT, BERLIN)
    assert (start, end) == (utc(2026, 3, 28, 19), utc(2026, 3, 29, 6))
    assert hours((start, end)) == 11


def test_night_berlin_fall_back_lasts_13_hours():
    start, end = shift_instants(date(2026, 10, 24), *NIGHT, BERLIN)
    assert (start, end) == (utc(2026, 10, 24, 18), utc(2026, 10, 25, 7))
    assert hours((start, end)) == 13


def test_wall_times_do_not_move_across_dst_in_berlin():
    for day in (date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 24), date(2026, 10, 25)):
        start, end = shift_instants(day, *NIGHT, BERLIN)
        assert start.astimezone(BERLIN).time() == time(20)
        assert end.astimezone(BERLIN).time() == time(8)
        assert end.astimezone(BERLIN).date() == day + timedelta(days=1)


def test_day_shift_on_dst_sundays_is_12_hours():
    assert hours(shift_instants(date(2026, 3, 29), *DAY, BERLIN)) == 12
    assert hours(shift_instants(date(2026, 10, 25), *DAY, BERLIN)) == 12
    assert hours(shift_instants(date(2026, 3, 8), *DAY, NEW_YORK)) == 12


def test_night_new_york_spring_forward_lasts_11_hours():
    start, end = shift_instants(date(2026, 3, 7), *NIGHT, NEW_YORK)
    assert (start, end) == (utc(2026, 3, 8, 1), utc(2026, 3, 8, 12))
    assert hours((start, end)) == 11


def test_night_new_york_fall_back_lasts_13_hours():
    start, end = shift_instants(date(2026, 10, 31), *NIGHT, NEW_YORK)
    assert (start, end) == (utc(2026, 11, 1, 0), utc(2026, 11, 1, 13))
    assert hours((start, end)) == 13


def test_night_before_and_after_dst_is_12_hours():
    for tz, day in ((BERLIN, date(2026, 3, 27)), (BERLIN, date(2026, 3, 29)),
                    (NEW_YORK, date(2026, 3, 6)), (NEW_YORK, date(2026, 11, 1))):
        assert hours(shift_instants(day, *NIGHT, tz)) == 12


def test_shanghai_has_no_dst_every_night_is_12_hours():
    day = date(2026, 1, 1)
    while day < date(2027, 1, 1):
        start, end = shift_instants(day, *NIGHT, SHANGHAI)
        assert start == datetime.combine(day, time(12), tzinfo=UTC)
        assert hours((start, end)) == 12
        day += timedelta(days=7)


def test_shift_starting_in_the_dst_gap_starts_after_it():
    start, end = shift_instants(date(2026, 3, 29), time(2, 30), time(10), BERLIN)
    assert start.astimezone(BERLIN).time() == time(3, 30)
    assert hours((start, end)) == 6.5


@pytest.mark.parametrize(
    "day, end_day",
    [
        (date(2026, 1, 31), date(2026, 2, 1)),
        (date(2026, 2, 28), date(2026, 3, 1)),
        (date(2028, 2, 28), date(2028, 2, 29)),
        (date(2026, 4, 30), date(2026, 5, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
    ],
)
def test_night_across_month_and_year_ends(day, end_day):
    start, end = shift_instants(day, *NIGHT, SHANGHAI)
    assert start.astimezone(SHANGHAI).date() == day
    assert end.astimezone(SHANGHAI).date() == end_day
    assert end.astimezone(SHANGHAI).time() == time(8)


def test_end_equal_to_start_is_a_24_hour_shift():
    assert crosses_midnight(time(8), time(8))
    assert hours(shift_instants(date(2026, 6, 1), time(8), time(8), SHANGHAI)) == 24
    assert hours(shift_instants(date(2026, 10, 24), time(8), time(8), BERLIN)) == 25


def test_midnight_end_belongs_to_next_day():
    start, end = shift_instants(date(2026, 5, 31), time(16), time(0), SHANGHAI)
    assert end.astimezone(SHANGHAI) == datetime(2026, 6, 1, 0, 0, tzinfo=SHANGHAI)
    assert hours((start, end)) == 8


def test_night_and_weekend_classification():
    assert is_night(*NIGHT)
    assert not is_night(*DAY)
    assert is_night(time(0), time(8))
    assert not is_night(time(6), time(14))
    assert is_weekend(date(2026, 11, 28)) and is_weekend(date(2026, 11, 29))
    assert not is_weekend(date(2026, 11, 27))


START, END = utc(2026, 11, 23, 0), utc(2026, 11, 23, 12)
GRACE = timedelta(minutes=5)


def facts(clock_in=None, clock_out=None, now=utc(2026, 11, 24)):
    return attendance(start=START, end=END, clock_in=clock_in, clock_out=clock_out, now=now, grace=GRACE)


def test_attendance_late_only_beyond_the_grace():
    assert facts(START + timedelta(minutes=5), END).late_seconds is None
    late = facts(START + timedelta(minutes=6), END)
    assert late.late_seconds == 360
    assert late.summary == "late"


def test_attendance_early_leave_beyond_the_grace():
    assert facts(START, END - timedelta(minutes=4)).early_leave_seconds is None
    early = facts(START, END - timedelta(minutes=30))
    assert early.early_leave_seconds == 1800
    assert early.summary == "early leave"


def test_attendance_no_show_once_the_shift_is_over():
    assert facts(now=END - timedelta(seconds=1)).no_show is False
    assert facts(now=END).no_show is True
    assert facts(now=END).summary == "no-show"


def test_attendance_states():
    assert facts(now=START - timedelta(hours=1)).state == "upcoming"
    assert facts(START, now=START + timedelta(hours=1)).summary == "on duty"
    assert facts(START, END).summary == "ok"
    assert facts(START).missing_clock_out is True
