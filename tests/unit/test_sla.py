"""SLA calendars and clocks (domain/sla.py): hand-checked cases and hypothesis properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskctl.domain import sla
from deskctl.domain.sla import AlwaysOn, BusinessHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = frozenset(range(5))


def _cal(tz, opens=time(9), closes=time(18), days=WEEKDAYS, holidays=()):
    return BusinessHours(tz=tz, opens=opens, closes=closes, weekdays=frozenset(days),
                         holidays=frozenset(holidays))


def _at(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz).astimezone(UTC)


# --- strategies --------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2027, 1, 10), timezones=st.just(UTC)
).map(lambda dt: dt.replace(microsecond=0))  # stored instants; the clocks count whole seconds
seconds = st.integers(min_value=0, max_value=10 * 86400)
HOURS = [
    (time(9), time(18)),
    (time(0), time(23, 59)),
    (time(1, 30), time(3, 30)),  # straddles Berlin's 02:00/03:00 changes
    (time(2, 15), time(2, 45)),  # lies inside the spring gap
    (time(8, 0), time(9, 0)),
]
calendars = st.one_of(
    st.just(AlwaysOn()),
    st.builds(
        lambda tz, hours, days, hol: _cal(tz, hours[0], hours[1], days, hol),
        st.sampled_from([SHANGHAI, BERLIN]),
        st.sampled_from(HOURS),
        st.frozensets(st.integers(0, 6), min_size=1),
        st.frozensets(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=20),
    ),
)


# --- properties ---------------------------------------------------------------------------------


@given(calendars, instants, instants)
def test_seconds_between_never_negative(cal, a, b):
    assert cal.seconds_between(a, b) >= 0
    if b <= a:
        assert cal.seconds_between(a, b) == 0


@settings(max_examples=300)
@given(calendars, instants, seconds)
def test_seconds_between_inverts_add(cal, a, s):
    due = cal.add(a, s)
    assert due >= a
    assert cal.seconds_between(a, due) == s


@given(calendars, instants, seconds, seconds)
def test_add_is_monotonic(cal, a, s1, s2):
    lo, hi = sorted((s1, s2))
    assert cal.add(a, lo) <= cal.add(a, hi)


@given(calendars, instants, instants, instants)
def test_seconds_between_is_additive(cal, a, b, c):
    a, b, c = sorted((a, b, c))
    assert cal.seconds_between(a, b) + cal.seconds_between(b, c) == cal.seconds_between(a, c)


@given(instants, instants)
def test_business_hours_never_count_more_than_wall_time(a, b):
    cal = _cal(BERLIN)
    assert cal.seconds_between(a, b) <= AlwaysOn().seconds_between(a, b)


@given(st.sampled_from([SHANGHAI, BERLIN]), st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_weekends_and_holidays_count_nothing(tz, day):
    cal = _cal(tz, holidays={day})
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    assert cal.seconds_between(start, end) == 0  # a holiday
    plain = _cal(tz)
    expected = 0 if day.weekday() >= 5 else 9 * 3600
    assert plain.seconds_between(start, end) == expected


# --- hand-checked cases --------------------------------------------------------------------------


def test_always_on_counts_every_second():
    cal = AlwaysOn()
    a = _at(SHANGHAI, 2026, 11, 23, 9)
    assert cal.seconds_between(a, a + timedelta(hours=3)) == 3 * 3600
    assert cal.add(a, 900) == a + timedelta(minutes=15)
    assert cal.add(a, -5) == a


def test_business_hours_friday_evening_rolls_to_monday():
    cal = _cal(SHANGHAI)
    friday = _at(SHANGHAI, 2026, 11, 27, 17)  # a Friday
    assert cal.add(friday, 2 * 3600) == _at(SHANGHAI, 2026, 11, 30, 10)


def test_business_hours_skip_a_holiday_monday():
    cal = _cal(SHANGHAI, holidays={date(2026, 11, 30)})
    friday = _at(SHANGHAI, 2026, 11, 27, 17)
    assert cal.add(friday, 2 * 3600) == _at(SHANGHAI, 2026, 12, 1, 10)
    assert cal.seconds_between(friday, _at(SHANGHAI, 2026, 12, 1, 10)) == 2 * 3600


def test_business_hours_outside_hours_start_at_opening():
    cal = _cal(SHANGHAI)
    night = _at(SHANGHAI, 2026, 11, 23, 22)  # Monday 22:00
    assert cal.add(night, 0) == _at(SHANGHAI, 2026, 11, 24, 9)
    assert cal.add(night, 60) == _at(SHANGHAI, 2026, 11, 24, 9, 1)
    assert cal.seconds_between(night, _at(SHANGHAI, 2026, 11, 24, 8, 59)) == 0


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 3, 29), 22), (date(2026, 10, 25), 24), (date(2026, 6, 14), 23)],
)
def test_business_hours_follow_berlin_dst(day, hours):
    """00:00-23:00 local is 22 h on the spring Sunday, 24 h on the autumn one, 23 h otherwise."""
    cal = _cal(BERLIN, opens=time(0), closes=time(23), days=range(7))
    start = datetime.combine(day, time(0), tzinfo=BERLIN).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN).astimezone(UTC)
    assert cal.seconds_between(start, end) == hours * 3600
    assert cal.add(start, hours * 3600) == datetime.combine(day, time(23), tzinfo=BERLIN).astimezone(UTC)


def test_business_hours_ninety_hour_target_in_shanghai():
    cal = _cal(SHANGHAI)
    opened = _at(SHANGHAI, 2026, 11, 23, 9)  # Monday 09:00
    due = cal.add(opened, 5 * 9 * 3600)  # a whole working week
    assert due == _at(SHANGHAI, 2026, 11, 27, 18)
    assert cal.seconds_between(opened, due) == 45 * 3600


# --- clocks ----------------------------------------------------------------------------------------


def _clock(**kw):
    base = dict(target_seconds=3600, elapsed_seconds=0, paused_seconds=0, due_at=None,
                stopped_at=None, breached_at=None, running=True)
    base.update(kw)
    return sla.Clock(**base)


def test_clock_states():
    now = datetime(2026, 11, 23, tzinfo=UTC)
    assert _clock().state == "running"
    assert _clock(running=False).state == "paused"
    assert _clock(elapsed_seconds=3601).state == "breached"
    assert _clock(stopped_at=now, elapsed_seconds=100).state == "met"
    assert _clock(stopped_at=now, elapsed_seconds=100, breached_at=now).state == "breached"


def test_clock_remaining_goes_negative_past_due():
    c = _clock(elapsed_seconds=4000)
    assert c.remaining_seconds == -400
    assert c.breached


def test_clock_at_risk():
    assert _clock(elapsed_seconds=2880).at_risk(0.8)
    assert not _clock(elapsed_seconds=2879).at_risk(0.8)
    assert not _clock(elapsed_seconds=3601).at_risk(0.8)  # breached, not at risk
    assert not _clock(elapsed_seconds=3000, stopped_at=datetime(2026, 1, 1, tzinfo=UTC)).at_risk(0.8)


def test_elapsed_subtracts_pauses_and_the_current_wait():
    cal = AlwaysOn()
    opened = _at(SHANGHAI, 2026, 11, 23, 9)
    end = opened + timedelta(hours=5)
    used, paused = sla.elapsed(cal, opened_at=opened, end=end, paused_seconds=3600,
                               waiting_since=opened + timedelta(hours=4))
    assert paused == 2 * 3600
    assert used == 3 * 3600


@given(calendars, instants, st.integers(0, 10**6), st.one_of(st.none(), instants), instants)
def test_elapsed_never_negative(cal, opened, paused, waiting, end):
    used, total_paused = sla.elapsed(cal, opened_at=opened, end=end, paused_seconds=paused,
                                     waiting_since=waiting)
    assert used >= 0
    assert total_paused >= paused


def test_deadline_after_pause():
    cal = AlwaysOn()
    now = _at(SHANGHAI, 2026, 11, 23, 12)
    assert sla.deadline_after_pause(cal, now=now, target_seconds=3600, elapsed_seconds=600) == now + timedelta(
        seconds=3000
    )
    assert sla.deadline_after_pause(cal, now=now, target_seconds=3600, elapsed_seconds=4000) == now
