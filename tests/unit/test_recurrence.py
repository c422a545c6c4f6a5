"""Recurrence: the short forms, RRULEs, DST, short months, zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskctl.domain.recurrence import ACCEPTED_FORMS, load, parse_schedule
from deskctl.errors import InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, tzinfo=UTC)


def local(instants, tz):
    return [t.astimezone(tz) for t in instants]


def test_recurrence_daily_0900_berlin_stays_0900_across_both_2026_dst_changes():
    rec = parse_schedule("daily 09:00", start=START, tz=BERLIN)
    for lo, hi in ((datetime(2026, 3, 26), datetime(2026, 4, 2)), (datetime(2026, 10, 22), datetime(2026, 10, 29))):
        occ = rec.between(lo.replace(tzinfo=UTC), hi.replace(tzinfo=UTC), BERLIN)
        assert len(occ) == 7
        assert {(t.hour, t.minute) for t in local(occ, BERLIN)} == {(9, 0)}
        offsets = [t.astimezone(BERLIN).utcoffset() for t in occ]
        assert len(set(offsets)) == 2  # the change really is inside the window
        days = [t.astimezone(BERLIN).date() for t in occ]
        assert days == sorted(set(days))
    # in absolute time the gaps are 23 h and 25 h on the change days
    spring = rec.between(datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC), BERLIN)
    assert spring[1] - spring[0] == timedelta(hours=23)
    autumn = rec.between(datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC), BERLIN)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_recurrence_wall_time_in_dst_gap_moves_forward_and_never_repeats():
    rec = parse_schedule("daily 02:30", start=START, tz=BERLIN)
    occ = rec.between(datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC), BERLIN)
    assert [t.astimezone(BERLIN).strftime("%d %H:%M") for t in occ] == ["28 02:30", "29 03:30", "30 02:30"]
    half_hourly = parse_schedule("FREQ=MINUTELY;INTERVAL=30;BYHOUR=1,2,3", start=START, tz=BERLIN)
    occ = half_hourly.between(datetime(2026, 3, 28, 22, tzinfo=UTC), datetime(2026, 3, 29, 6, tzinfo=UTC), BERLIN)
    assert occ == sorted(set(occ))
    assert [t.astimezone(BERLIN).strftime("%H:%M") for t in occ] == ["01:00", "01:30", "03:00", "03:30"]


def test_recurrence_every_4h_is_fixed_in_absolute_time_across_dst():
    rec = parse_schedule("every 4h", start=START, tz=BERLIN)
    assert rec.absolute
    for lo in (datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 10, 23, tzinfo=UTC)):
        occ = rec.between(lo, lo + timedelta(days=4), BERLIN)
        assert len(occ) == 24
        assert {b - a for a, b in zip(occ, occ[1:], strict=False)} == {timedelta(hours=4)}
        hours = {t.astimezone(BERLIN).hour for t in occ}
        assert hours == {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21}  # the local hours shift by one


def test_recurrence_every_minutes_form():
    rec = parse_schedule("every 30m", start=START, tz=SHANGHAI)
    occ = rec.between(datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 1, 3, tzinfo=UTC), SHANGHAI)
    assert len(occ) == 6 and occ[1] - occ[0] == timedelta(minutes=30)


def test_recurrence_monthly_31st_falls_on_the_last_day_of_short_months():
    rec = parse_schedule("monthly 31 09:00", start=START, tz=BERLIN)
    occ = local(rec.between(START, datetime(2027, 1, 1, tzinfo=UTC), BERLIN), BERLIN)
    assert [t.day for t in occ] == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert {t.hour for t in occ} == {9}


def test_recurrence_monthly_30th_in_february_and_leap_years():
    rec = parse_schedule("monthly 30 09:00", start=START, tz=SHANGHAI)
    occ = local(rec.between(datetime(2028, 1, 1, tzinfo=UTC), datetime(2028, 4, 1, tzinfo=UTC), SHANGHAI), SHANGHAI)
    assert [(t.month, t.day) for t in occ] == [(1, 30), (2, 29), (3, 30)]


def test_recurrence_raw_rrule_bymonthday_31_skips_short_months():
    rec = parse_schedule("FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=9", start=START, tz=BERLIN)
    occ = local(rec.between(START, datetime(2026, 7, 1, tzinfo=UTC), BERLIN), BERLIN)
    assert [t.month for t in occ] == [1, 3, 5]


def test_recurrence_asia_shanghai_daily_is_0100_utc():
    rec = parse_schedule("daily 09:00", start=START, tz=SHANGHAI)
    occ = rec.between(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), SHANGHAI)
    assert {(t.hour, t.minute) for t in occ} == {(1, 0)}
    assert len(occ) == (datetime(2026, 11, 1) - datetime(2026, 3, 1)).days


def test_recurrence_weekly_short_form_and_rrule_agree():
    a = parse_schedule("weekly mon,thu 10:00", start=START, tz=SHANGHAI)
    b = parse_schedule("FREQ=WEEKLY;BYDAY=TH,MO;BYHOUR=10", start=START, tz=SHANGHAI)
    window = (datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC))
    assert a.between(*window, SHANGHAI) == b.between(*window, SHANGHAI)
    assert {t.astimezone(SHANGHAI).strftime("%a %H:%M") for t in a.between(*window, SHANGHAI)} == {
        "Mon 10:00", "Thu 10:00"}


def test_recurrence_normalised_text_spells_out_defaults():
    rec = parse_schedule("FREQ=WEEKLY;BYDAY=MO;BYHOUR=10", start=START, tz=SHANGHAI)
    assert rec.rrule == "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0;BYSECOND=0"
    assert rec.text.startswith("DTSTART:20260101T000000\n")
    assert load(rec.text) == rec


def test_recurrence_previous_and_following_far_from_the_start():
    rec = parse_schedule("weekly mon 10:00", start=datetime(2021, 1, 1, tzinfo=UTC), tz=SHANGHAI)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert rec.previous(now, SHANGHAI) == datetime(2026, 11, 23, 2, tzinfo=UTC)
    assert rec.following(now, SHANGHAI) == datetime(2026, 11, 30, 2, tzinfo=UTC)
    assert rec.previous(datetime(2020, 1, 1, tzinfo=UTC), SHANGHAI) is None


@pytest.mark.parametrize("text", ["sometimes", "daily", "daily 25:00", "weekly xyz 10:00", "monthly 32 09:00",
                                  "every 4d", "every 0h", "FREQ=SECONDLY", "FREQ=DAILY;BYHOUR=99",
                                  "FREQ=DAILY;FOO=1", "FREQ=DAILY;COUNT=2;UNTIL=20270101"])
def test_recurrence_unparsable_lists_accepted_forms(text):
    with pytest.raises(InvalidInput) as err:
        parse_schedule(text, start=START, tz=BERLIN)
    assert err.value.exit_code == 2
    assert all(form in err.value.message for form in ACCEPTED_FORMS)


@pytest.mark.parametrize("text", ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;UNTIL=20250101",
                                  "FREQ=DAILY;COUNT=1;BYHOUR=0"])
def test_recurrence_rule_yielding_nothing_is_refused(text):
    with pytest.raises(InvalidInput) as err:
        parse_schedule(text, start=datetime(2026, 1, 1, 12, tzinfo=UTC), tz=SHANGHAI)
    assert "yields no occurrence" in err.value.message


@pytest.mark.parametrize("interval", ["99999999999999999999", "999999999", "1001"])
def test_recurrence_huge_interval_is_refused_before_dateutil_overflows(interval):
    with pytest.raises(InvalidInput, match="INTERVAL is at most 1000"):
        parse_schedule(f"FREQ=DAILY;INTERVAL={interval}", start=START, tz=BERLIN)


def test_recurrence_interval_1000_is_accepted():
    rec = parse_schedule("FREQ=DAILY;INTERVAL=1000", start=START, tz=BERLIN)
    assert rec is not None


@pytest.mark.parametrize(
    "rule",
    ["FREQ=DAILY;BYSETPOS=5", "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=3", "FREQ=MONTHLY;BYDAY=1MO;BYSETPOS=2",
     "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1;BYSETPOS=-2"],
)
def test_recurrence_bysetpos_beyond_the_set_is_refused_at_once(rule):
    """dateutil would search such a rule until the year 9999; it yields nothing: exit 2."""
    with pytest.raises(InvalidInput, match="can never match"):
        parse_schedule(rule, start=START, tz=BERLIN)


@pytest.mark.parametrize(
    "rule",
    ["FREQ=DAILY;BYHOUR=9,17;BYSETPOS=2", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
     "FREQ=WEEKLY;BYDAY=MO,FR;BYSETPOS=2"],
)
def test_recurrence_bysetpos_within_the_set_is_accepted(rule):
    rec = parse_schedule(rule, start=START, tz=BERLIN)
    assert rec.following(START, BERLIN) is not None
