"""`deskctl shift clock-in|clock-out` and corrections (clock: 2026-11-23 09:00 Asia/Shanghai)."""

from __future__ import annotations

import pytest


@pytest.fixture
def rota(staffed):
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    staffed.ok("--as", "lead", "shift", "type", "add", "night", "--start", "20:00", "--end", "08:00")
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-23", "day", "zhang")
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-23", "night", "wang")
    return staffed


def shift_of(desk, who, day="2026-11-23"):
    return desk.json("shift", "list", "--from", day, "--to", day, "--who", who)[0]


def test_clock_in_within_grace_is_not_late(rota):
    rota.set_now("2026-11-23T08:04:00+08:00")
    view = rota.json("--as", "zhang", "shift", "clock-in")
    assert view["clock_in_at"] == "2026-11-23T08:04:00+08:00"
    assert view["late_seconds"] is None and view["attendance"] == "on duty"


def test_clock_in_late_beyond_grace_is_recorded_as_late(rota):
    res = rota.run("--as", "zhang", "shift", "clock-in")
    assert res.exit_code == 0
    assert "late" in res.stderr
    view = shift_of(rota, "zhang")
    assert view["late_seconds"] == 3600 and view["attendance"] == "late"


def test_clock_in_early_within_window_attaches_to_next_shift(rota):
    rota.set_now("2026-11-23T18:30:00+08:00")
    view = rota.json("--as", "wang", "shift", "clock-in")
    assert view["type"] == "night" and view["late_seconds"] is None


def test_clock_in_twice_exits_4(rota):
    rota.ok("--as", "zhang", "shift", "clock-in")
    res = rota.run("--as", "zhang", "shift", "clock-in")
    assert res.exit_code == 4
    assert "already" in res.stderr
    assert shift_of(rota, "zhang")["clock_in_at"] == "2026-11-23T09:00:00+08:00"


def test_clock_in_with_no_shift_nearby_exits_4(rota):
    res = rota.run("--as", "wang", "shift", "clock-in")  # wang starts at 20:00, beyond the 2h window
    assert res.exit_code == 4
    assert "clock_window" in res.stderr
    assert shift_of(rota, "wang")["clock_in_at"] is None


def test_clock_in_by_non_staff_exits_5(rota):
    assert rota.run("--as", "ghost", "shift", "clock-in").exit_code == 5


def test_clock_out_without_clock_in_exits_4(rota):
    res = rota.run("--as", "zhang", "shift", "clock-out")
    assert res.exit_code == 4
    assert "clock in first" in res.stderr


def test_clock_out_early_is_recorded_as_early_leave(rota):
    rota.set_now("2026-11-23T07:58:00+08:00")
    rota.ok("--as", "zhang", "shift", "clock-in")
    rota.set_now("2026-11-23T19:00:00+08:00")
    res = rota.run("--as", "zhang", "shift", "clock-out", "--json")
    assert res.exit_code == 0
    assert res.json()["early_leave_seconds"] == 3600
    assert res.json()["attendance"] == "early leave"
    assert rota.run("--as", "zhang", "shift", "clock-out").exit_code == 4


def test_clock_out_on_time_is_ok(rota):
    rota.set_now("2026-11-23T07:58:00+08:00")
    rota.ok("--as", "zhang", "shift", "clock-in")
    rota.set_now("2026-11-23T20:03:00+08:00")
    assert rota.json("--as", "zhang", "shift", "clock-out")["attendance"] == "ok"


def test_no_show_is_derived_after_the_shift(rota):
    rota.set_now("2026-11-23T19:59:00+08:00")
    assert shift_of(rota, "zhang")["no_show"] is False
    rota.set_now("2026-11-23T20:00:00+08:00")
    view = shift_of(rota, "zhang")
    assert view["no_show"] is True and view["attendance"] == "no-show"


def test_correction_by_supervisor_with_reason_is_audited(rota):
    res = rota.run("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "today 08:02",
                   "--reason", "badge reader down", "--json")
    assert res.exit_code == 0, res.stderr
    assert res.json()["clock_in_at"] == "2026-11-23T08:02:00+08:00"
    assert res.json()["late_seconds"] is None
    rota.ok("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "today 08:30",
            "--reason", "video shows 08:30")
    events = [e for e in rota.json("audit", "log", "--entity", "shift") if e["kind"] == "clock_in_corrected"]
    assert len(events) == 2
    latest = max(events, key=lambda e: e["id"])
    assert latest["actor"] == "lead"
    # instants in the audit log are shown in the desk zone (issue 9)
    assert latest["from"] == "2026-11-23T08:02:00+08:00" and latest["to"] == "2026-11-23T08:30:00+08:00"
    assert latest["details"]["reason"] == "video shows 08:30"
    assert shift_of(rota, "zhang")["late_seconds"] == 1800


def test_correction_of_clock_out_after_the_fact(rota):
    rota.set_now("2026-11-24T10:00:00+08:00")
    rota.ok("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "2026-11-23 07:55", "--reason", "paper log")
    rota.ok("--as", "lead", "shift", "clock-out", "--for", "zhang", "--at", "2026-11-23 20:05", "--reason", "paper log")
    view = shift_of(rota, "zhang")
    assert view["attendance"] == "ok" and view["clock_out_at"] == "2026-11-23T20:05:00+08:00"


def test_correction_by_officer_exits_5(rota):
    res = rota.run("--as", "wang", "shift", "clock-in", "--for", "zhang", "--reason", "x")
    assert res.exit_code == 5
    assert shift_of(rota, "zhang")["clock_in_at"] is None


def test_correction_without_reason_exits_2(rota):
    res = rota.run("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "today 08:00")
    assert res.exit_code == 2
    assert "--reason" in res.stderr


def test_correction_in_the_future_or_before_clock_in_exits_2(rota):
    assert rota.run("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "+1h",
                    "--reason", "x").exit_code == 2
    rota.ok("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "today 08:30", "--reason", "x")
    res = rota.run("--as", "lead", "shift", "clock-out", "--for", "zhang", "--at", "today 08:10", "--reason", "x")
    assert res.exit_code == 2
