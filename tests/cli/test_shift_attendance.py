"""`deskctl shift clock-in|clock-out` and corrections (clock: 2026-11-23 09:00 Asia/Shanghai): the
note on stderr, JSON, --for/--at/--reason parsing, exit codes. The attendance rules:
tests/services/test_shift_attendance.py."""

from __future__ import annotations

import pytest

from tests.services.shift_steps import add_day_and_night, assign


@pytest.fixture
def rota(staffed):
    add_day_and_night(staffed)
    assign(staffed, "2026-11-23", "day", "zhang")
    assign(staffed, "2026-11-23", "night", "wang")
    return staffed


def test_clock_in_on_time_says_so_on_stderr(rota):
    rota.set_now("2026-11-23T08:04:00+08:00")
    res = rota.run("--as", "zhang", "shift", "clock-in")
    assert res.exit_code == 0, res.stderr
    assert "clocked in on shift 1 (day, 2026-11-23 08:00–2026-11-23 20:00)" in res.stderr
    assert "shift 1" in res.stdout


def test_clock_in_late_warns_and_json_has_no_note(rota):
    res = rota.run("--as", "zhang", "shift", "clock-in", "--json")
    assert res.exit_code == 0
    assert "1h late" in res.stderr
    view = res.json()
    assert (view["late_seconds"], view["attendance"], view["clock_in_at"]) == (
        3600, "late", "2026-11-23T09:00:00+08:00")
    assert "note" not in view


def test_clock_in_twice_exits_4(rota):
    rota.ok("--as", "zhang", "shift", "clock-in")
    res = rota.run("--as", "zhang", "shift", "clock-in")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "already" in res.stderr


def test_clock_out_early_json(rota):
    rota.set_now("2026-11-23T07:58:00+08:00")
    rota.ok("--as", "zhang", "shift", "clock-in")
    rota.set_now("2026-11-23T19:00:00+08:00")
    res = rota.run("--as", "zhang", "shift", "clock-out", "--json")
    assert res.exit_code == 0
    assert (res.json()["early_leave_seconds"], res.json()["attendance"]) == (3600, "early leave")
    assert "early leave" in res.stderr


def test_correction_parses_at_in_the_desk_zone_and_is_audited(rota):
    res = rota.run("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "today 08:02",
                   "--reason", "badge reader down", "--json")
    assert res.exit_code == 0, res.stderr
    assert res.json()["clock_in_at"] == "2026-11-23T08:02:00+08:00"
    rota.ok("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "today 08:30",
            "--reason", "video shows 08:30")
    events = [e for e in rota.json("audit", "log", "--entity", "shift") if e["kind"] == "clock_in_corrected"]
    latest = max(events, key=lambda e: e["id"])
    # instants in the audit log are shown in the desk zone (issue 9)
    assert latest["from"] == "2026-11-23T08:02:00+08:00" and latest["to"] == "2026-11-23T08:30:00+08:00"
    assert latest["details"]["reason"] == "video shows 08:30"


def test_correction_by_shift_id(rota):
    rota.set_now("2026-11-24T10:00:00+08:00")
    res = rota.run("--as", "lead", "shift", "clock-in", "--for", "wang", "--shift", "2", "--at", "2026-11-23 19:58",
                   "--reason", "paper log", "--json")
    assert res.exit_code == 0, res.stderr
    assert (res.json()["id"], res.json()["clock_in_at"]) == (2, "2026-11-23T19:58:00+08:00")


def test_correction_bad_input_exits_2(rota):
    res = rota.run("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "today 08:00")
    assert res.exit_code == 2 and "--reason" in res.stderr
    assert rota.run("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "+1h",
                    "--reason", "x").exit_code == 2
    res = rota.run("--as", "lead", "shift", "clock-in", "--for", "zhang", "--at", "half past eight", "--reason", "x")
    assert res.exit_code == 2 and "half past eight" in res.stderr
    assert rota.json("shift", "list", "--who", "zhang", "--from", "2026-11-23", "--to", "2026-11-23")[0][
        "clock_in_at"] is None


def test_correction_by_officer_exits_5(rota):
    res = rota.run("--as", "wang", "shift", "clock-in", "--for", "zhang", "--reason", "x")
    assert res.exit_code == 5
