"""A shift belongs to the period in which it starts, and counts once it has ended by the time of
the report: the daily page, `report attendance` and `report performance` agree, and periods that
tile a span add up to the span (issue 9, item 1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from deskctl.domain.periods import parse_period
from deskctl.services.reports import attendance, daily, performance
from deskctl.services.reports.common import resolve_period
from deskctl.services.shifts import attendance as clocking
from deskctl.services.shifts import rota, types

UTC = ZoneInfo("Etc/UTC")


@pytest.fixture
def night_desk(staffed):
    """Zone Etc/UTC, a night type 20:00-08:00, clock at 2026-11-23T09:00Z."""
    staffed.configure("timezone", "Etc/UTC")
    staffed.set_now("2026-11-23T09:00:00+00:00")
    staffed.write(types.add_type, name="night", start="20:00", end="08:00")
    return staffed


def _period(desk, text):
    return parse_period(text, tz=UTC, now=desk.now)


def _wang(view, key="people"):
    return next((p for p in view[key] if p["handle"] == "wang"), None)


def _counts(desk, text) -> tuple[int, int, int]:
    """wang's (shifts, no_show, late) as report attendance, report performance and the daily
    page's attendance summary each say, checked to agree."""
    period = _period(desk, text)
    att = _wang(desk.read(attendance.build, period=period))
    perf = _wang(desk.read(performance.build, period=period))
    page = desk.read(daily.build, period=period)
    att_counts = (att["shifts"], att["no_show"], att["late"]) if att else (0, 0, 0)
    d = perf["inputs"]["discipline"] if perf else {"shifts": 0, "no_show": 0, "late": 0}
    perf_counts = (d["shifts"], d["no_show"], d["late"])
    page_row = _wang(page, "attendance") or {"shifts": 0, "no_show": 0, "late": 0}
    page_counts = (page_row["shifts"], page_row["no_show"], page_row["late"])
    assert att_counts == perf_counts == page_counts, (text, att_counts, perf_counts, page_counts)
    return att_counts


def test_night_across_the_week_end_counts_in_the_week_it_starts(night_desk):
    # Sunday 15 November 20:00 to Monday 16 November 08:00 UTC; W46 ends at Monday 00:00.
    night_desk.write(rota.assign, day=date(2026, 11, 15), type_name="night", handle="wang")
    assert _counts(night_desk, "2026-W46") == (1, 1, 0)
    assert _counts(night_desk, "2026-W47") == (0, 0, 0)
    assert _counts(night_desk, "2026-11-15") == (1, 1, 0)
    assert _counts(night_desk, "2026-11-16") == (0, 0, 0)
    assert _counts(night_desk, "2026-11") == (1, 1, 0)


def test_a_night_still_running_at_the_time_of_the_report_is_not_judged(night_desk):
    night_desk.write(rota.assign, day=date(2026, 11, 22), type_name="night", handle="wang")
    night_desk.set_now("2026-11-23T07:00:00+00:00")  # the night ends at 08:00
    assert _counts(night_desk, "2026-11-22") == (0, 0, 0)
    night_desk.set_now("2026-11-23T08:00:00+00:00")  # ended: now it counts, in the day it started
    assert _counts(night_desk, "2026-11-22") == (1, 1, 0)
    assert _counts(night_desk, "2026-11-23") == (0, 0, 0)


def test_weeks_and_days_of_november_add_up_to_the_month(night_desk):
    # Nights on every Sunday of November (each crosses a week boundary), and on the last day of
    # October and of November (each crosses a month boundary). wang clocks in 20 min late on
    # 8 November and not at all on the others.
    nights = [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 8), date(2026, 11, 15),
              date(2026, 11, 22), date(2026, 11, 30)]
    night_desk.set_now("2026-12-02T09:00:00+00:00")
    for day in nights:
        night_desk.write(rota.assign, day=day, type_name="night", handle="wang")
    night_desk.set_now("2026-11-08T20:20:00+00:00")
    night_desk.write(clocking.clock_in, actor="wang")
    night_desk.set_now("2026-12-02T09:00:00+00:00")

    # By hand: November's nights start on 1, 8, 15, 22 and 30 November: 5 shifts, 1 late, 4 no-shows.
    month = _counts(night_desk, "2026-11")
    assert month == (5, 4, 1)
    days = [_counts(night_desk, (date(2026, 11, 1) + timedelta(days=i)).isoformat()) for i in range(30)]
    assert tuple(map(sum, zip(*days, strict=True))) == month
    # The ISO weeks W44 (26 Oct-1 Nov) .. W49 (30 Nov-6 Dec) cover 26 October to 6 December, and add
    # up to that span: 6 nights (31 Oct included), 1 late, 5 no-shows.
    weeks = [_counts(night_desk, f"2026-W{w:02d}") for w in range(44, 50)]
    span = resolve_period(period=None, from_="2026-10-26", to="2026-12-06", tz=UTC, now=night_desk.now)
    att = _wang(night_desk.read(attendance.build, period=span))
    assert tuple(map(sum, zip(*weeks, strict=True))) == (att["shifts"], att["no_show"], att["late"]) == (6, 5, 1)
    # each no-show is in exactly one week
    # W44: 31 Oct and 1 Nov; W45: 8 Nov (late, not a no-show); W46: 15; W47: 22; W48: none; W49: 30 Nov
    assert [w[1] for w in weeks] == [2, 0, 1, 1, 0, 1]


def test_attendance_anomalies_list_a_no_show_once(night_desk):
    night_desk.write(rota.assign, day=date(2026, 11, 15), type_name="night", handle="wang")
    listed = []
    for day in ("2026-11-15", "2026-11-16"):
        page = night_desk.read(daily.build, period=_period(night_desk, day))
        listed += [a for a in page["attendance_anomalies"] if a["handle"] == "wang"]
        # who was on duty that day still shows the night (it overlapped both days)
        assert [d["handle"] for d in page["on_duty"]] == ["wang"]
    assert [a["attendance"] for a in listed] == ["no-show"]
    assert listed[0]["start_at"] == datetime(2026, 11, 15, 20, tzinfo=UTC)
