"""Clock-in, clock-out and supervisor corrections at the service layer (clock: 2026-11-23 09:00
Asia/Shanghai; zhang works the day 08:00–20:00, wang the night 20:00–08:00; grace 5 min)."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, InvalidInput, PermissionDenied
from deskctl.services.shifts import attendance
from tests.services.shift_steps import add_day_and_night, assign, shift_of
from tests.services.ticket_steps import at, events


@pytest.fixture
def rota(staffed):
    add_day_and_night(staffed)
    assign(staffed, "2026-11-23", "day", "zhang")
    assign(staffed, "2026-11-23", "night", "wang")
    return staffed


def _in(desk, actor="zhang", **kw):
    return desk.write(attendance.clock_in, actor=actor, **kw)


def _out(desk, actor="zhang", **kw):
    return desk.write(attendance.clock_out, actor=actor, **kw)


def test_clock_in_within_grace_is_not_late(rota):
    rota.set_now("2026-11-23T08:04:00+08:00")
    view = _in(rota)
    assert view["clock_in_at"] == at("2026-11-23T08:04:00+08:00")
    assert view["late_seconds"] is None and view["attendance"] == "on duty"
    assert view["note"].startswith("clocked in on shift")


def test_clock_in_late_beyond_grace_is_recorded_as_late(rota):
    view = _in(rota)
    assert view["late_seconds"] == 3600 and view["attendance"] == "late"
    assert "1h late" in view["note"]
    stored = shift_of(rota, "zhang")
    assert stored["late_seconds"] == 3600 and stored["attendance"] == "late"
    assert [(e["kind"], e["actor"]) for e in events(rota, entity="shift")][-1] == ("clock_in", "zhang")


def test_clock_in_grace_is_configurable(rota):
    rota.configure("shift.grace", "2h")
    assert _in(rota)["late_seconds"] is None


def test_clock_in_early_within_window_attaches_to_next_shift(rota):
    rota.set_now("2026-11-23T18:30:00+08:00")
    view = _in(rota, actor="wang")
    assert view["type"] == "night" and view["late_seconds"] is None


def test_clock_in_twice_is_a_conflict(rota):
    _in(rota)
    with pytest.raises(Conflict, match="already"):
        _in(rota)
    assert shift_of(rota, "zhang")["clock_in_at"] == at("2026-11-23T09:00:00+08:00")


def test_clock_in_with_no_shift_nearby_is_a_conflict(rota):
    with pytest.raises(Conflict, match="clock_window"):  # wang starts at 20:00, beyond the 2h window
        _in(rota, actor="wang")
    assert shift_of(rota, "wang")["clock_in_at"] is None


def test_clock_in_by_non_staff_is_permission_denied(rota):
    with pytest.raises(PermissionDenied):
        _in(rota, actor="ghost")


def test_clock_out_without_clock_in_is_a_conflict(rota):
    with pytest.raises(Conflict, match="clock in first"):
        _out(rota)


def test_clock_out_early_is_recorded_as_early_leave(rota):
    rota.set_now("2026-11-23T07:58:00+08:00")
    _in(rota)
    rota.set_now("2026-11-23T19:00:00+08:00")
    view = _out(rota)
    assert (view["early_leave_seconds"], view["attendance"]) == (3600, "early leave")
    assert "early leave" in view["note"]
    with pytest.raises(Conflict):
        _out(rota)


def test_clock_out_on_time_is_ok(rota):
    rota.set_now("2026-11-23T07:58:00+08:00")
    _in(rota)
    rota.set_now("2026-11-23T20:03:00+08:00")
    view = _out(rota)
    assert view["attendance"] == "ok" and view["clock_out_at"] == at("2026-11-23T20:03:00+08:00")


def test_clock_out_long_after_the_shift_needs_a_supervisor(rota):
    _in(rota)
    rota.set_now("2026-11-23T23:00:00+08:00")  # 3 h after the end, beyond the 2 h window
    with pytest.raises(Conflict, match="ask a supervisor"):
        _out(rota)


def test_no_show_is_derived_after_the_shift(rota):
    rota.set_now("2026-11-23T19:59:00+08:00")
    assert shift_of(rota, "zhang")["no_show"] is False
    rota.set_now("2026-11-23T20:00:00+08:00")
    view = shift_of(rota, "zhang")
    assert view["no_show"] is True and view["attendance"] == "no-show"


def test_correction_by_supervisor_with_reason_is_audited(rota):
    view = _in(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T08:02:00+08:00"), reason="badge reader down")
    assert view["clock_in_at"] == at("2026-11-23T08:02:00+08:00")
    assert view["late_seconds"] is None
    _in(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T08:30:00+08:00"), reason="video shows 08:30")
    corrected = [e for e in events(rota, entity="shift") if e["kind"] == "clock_in_corrected"]
    assert len(corrected) == 2
    latest = corrected[-1]
    assert latest["actor"] == "lead"
    assert (latest["from"], latest["to"]) == (at("2026-11-23T08:02:00+08:00"), at("2026-11-23T08:30:00+08:00"))
    assert latest["details"] == {"for": "zhang", "reason": "video shows 08:30"}
    assert shift_of(rota, "zhang")["late_seconds"] == 1800


def test_correction_of_clock_out_after_the_fact(rota):
    rota.set_now("2026-11-24T10:00:00+08:00")
    _in(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T07:55:00+08:00"), reason="paper log")
    _out(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T20:05:00+08:00"), reason="paper log")
    view = shift_of(rota, "zhang")
    assert view["attendance"] == "ok" and view["clock_out_at"] == at("2026-11-23T20:05:00+08:00")


def test_correction_by_shift_id_must_be_that_persons_shift(rota):
    wangs = shift_of(rota, "wang")["id"]
    with pytest.raises(InvalidInput, match="not zhang's"):
        _in(rota, actor="lead", for_handle="zhang", shift_id=wangs, reason="x")


def test_correction_by_officer_is_permission_denied(rota):
    with pytest.raises(PermissionDenied):
        _in(rota, actor="wang", for_handle="zhang", reason="x")
    assert shift_of(rota, "zhang")["clock_in_at"] is None


def test_correction_without_reason_is_invalid(rota):
    with pytest.raises(InvalidInput, match="--reason"):
        _in(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T08:00:00+08:00"))


def test_correction_in_the_future_or_before_clock_in_is_invalid(rota):
    with pytest.raises(InvalidInput, match="in the future"):
        _in(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T10:00:00+08:00"), reason="x")
    _in(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T08:30:00+08:00"), reason="x")
    with pytest.raises(InvalidInput, match="before the clock-in"):
        _out(rota, actor="lead", for_handle="zhang", at=at("2026-11-23T08:10:00+08:00"), reason="x")
