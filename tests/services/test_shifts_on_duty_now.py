"""Who is on duty now: a person clocked in for a shift starting soon is on duty, and a shift
that started with nobody clocked in says so plainly once the grace is over (issue 9, item 10)."""

from __future__ import annotations

from datetime import date

import pytest

from deskctl.services.shifts import attendance as clocking
from deskctl.services.shifts import rota, types, views
from deskctl.services.status import desk_status


@pytest.fixture
def morning(staffed):
    """A day type 08:00-20:00; zhang on 24 November; nobody on the night before."""
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    staffed.write(rota.assign, day=date(2026, 11, 24), type_name="day", handle="zhang")
    return staffed


def test_clocked_in_before_the_start_is_on_duty(morning):
    morning.set_now("2026-11-24T07:55:00+08:00")
    before = morning.read(views.duty_now)
    assert before["nobody_on_duty"] is True  # nobody has a shift now, nobody clocked in
    morning.write(clocking.clock_in, actor="zhang")
    now = morning.read(views.duty_now)
    assert now["nobody_on_duty"] is False
    assert [(r["who"], r["attendance"]) for r in now["on_duty"]] == [("zhang", "on duty")]
    status = morning.read(desk_status)
    assert "on_duty_alert" not in status
    assert [r["who"] for r in status["on_duty"]] == ["zhang"]


def test_not_clocked_in_is_said_plainly_from_the_first_minute_past_the_grace(morning):
    morning.set_now("2026-11-24T08:05:00+08:00")  # start + grace (5 min): not past it yet
    row = morning.read(views.duty_now)["on_duty"][0]
    assert (row["who"], row["clocked_in_at"], row["attendance"]) == ("zhang", None, "awaiting clock-in")
    assert "not_clocked_in_alert" not in morning.read(desk_status)

    morning.set_now("2026-11-24T08:06:00+08:00")
    row = morning.read(views.duty_now)["on_duty"][0]
    assert row["attendance"] == "not clocked in"
    status = morning.read(desk_status)
    assert status["on_duty"][0]["attendance"] == "not clocked in"
    assert status["not_clocked_in_alert"] == "NOT CLOCKED IN: zhang (day since 08:00)"

    morning.set_now("2026-11-24T08:40:00+08:00")  # still said 40 minutes in, never "on duty"
    assert morning.read(views.duty_now)["on_duty"][0]["attendance"] == "not clocked in"
    morning.write(clocking.clock_in, actor="zhang")
    assert morning.read(views.duty_now)["on_duty"][0]["attendance"] == "late"
    assert "not_clocked_in_alert" not in morning.read(desk_status)



def test_daily_page_does_not_call_a_missing_clock_in_ok(morning):
    from deskctl.domain.periods import parse_period
    from deskctl.services.reports import daily

    morning.set_now("2026-11-24T08:03:00+08:00")
    period = parse_period("2026-11-24", tz=morning.tz, now=morning.now)
    assert [d["attendance"] for d in morning.read(daily.build, period=period)["on_duty"]] == ["awaiting clock-in"]
    morning.set_now("2026-11-24T08:06:00+08:00")
    page = morning.read(daily.build, period=period)
    assert [d["attendance"] for d in page["on_duty"]] == ["not clocked in"]
    assert [a["handle"] for a in page["attendance_anomalies"]] == ["zhang"]
