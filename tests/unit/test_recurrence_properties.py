"""Property tests: occurrences are strictly increasing, never repeat, and do not depend on how
a period is cut into windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from deskctl.domain.recurrence import parse_schedule

ZONES = [ZoneInfo(z) for z in ("Europe/Berlin", "Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "UTC")]

times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
days = st.lists(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1, max_size=3, unique=True)
schedules = st.one_of(
    times.map(lambda t: f"daily {t}"),
    st.builds(lambda d, t: f"weekly {','.join(d)} {t}", days, times),
    st.builds(lambda n, t: f"monthly {n} {t}", st.integers(1, 31), times),
    st.integers(1, 12).map(lambda n: f"every {n}h"),
    st.sampled_from([10, 15, 30, 45, 90]).map(lambda n: f"every {n}m"),
    st.builds(lambda h: f"FREQ=HOURLY;INTERVAL=2;BYHOUR={2 * h}", st.integers(0, 11)),
    st.builds(lambda h, m: f"FREQ=MINUTELY;INTERVAL=20;BYHOUR={h};BYMINUTE={m}",
              st.integers(0, 23), st.sampled_from([0, 20, 40])),
)
instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


@settings(max_examples=150, deadline=None)
@given(schedules, st.sampled_from(ZONES), instants, st.integers(1, 24 * 40), st.integers(1, 24 * 40 - 1))
def test_occurrences_strictly_increase_and_windows_compose(text, tz, start, hours, cut):
    rec = parse_schedule(text, start=datetime(2024, 6, 1, tzinfo=UTC), tz=tz)
    end = start + timedelta(hours=hours)
    whole = rec.between(start, end, tz)
    assert all(a < b for a, b in zip(whole, whole[1:], strict=False))
    assert all(start <= t < end for t in whole)
    middle = start + timedelta(hours=min(cut, hours))
    assert rec.between(start, middle, tz) + rec.between(middle, end, tz) == whole


@settings(max_examples=100, deadline=None)
@given(schedules, st.sampled_from(ZONES), instants)
def test_previous_and_following_bracket_an_instant(text, tz, at):
    rec = parse_schedule(text, start=datetime(2024, 6, 1, tzinfo=UTC), tz=tz)
    before, after = rec.previous(at, tz), rec.following(at, tz)
    assert before is not None and after is not None
    assert before <= at < after
    assert rec.between(before, after + timedelta(microseconds=1), tz) == [before, after]
