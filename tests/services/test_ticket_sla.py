"""SLA clocks (SPEC §3) at the service layer: elapsed / paused / remaining / due, pauses while
waiting, breaches recorded once, and the business-hours calendar."""

from __future__ import annotations

import pytest

from deskctl.errors import InvalidInput
from deskctl.services.tickets import lifecycle, views
from deskctl.services.tickets.sweep import sweep
from tests.services.ticket_steps import at, open_ticket, show, timeline

H = 3600


def _sla(desk, tid=1):
    return show(desk, tid)["sla"]


def _open(desk, priority="P3", when=None):
    if when:
        desk.set_now(when)
    return open_ticket(desk, "vpn down", reporter="HR", priority=priority)["id"]


def _working(desk, priority="P3", when="2026-11-23T09:00:00+08:00"):
    tid = _open(desk, priority, when)
    desk.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="li")
    desk.write(lifecycle.ack_ticket, actor="li", ticket_id=tid)
    return tid


def _breach_events(desk, tid=1):
    return [(e["to"], e["actor"], e["at"]) for e in timeline(desk, tid, kind="sla_breach")]


def _breached_ids(desk):
    return [t["id"] for t in desk.read(views.list_tickets, breached=True)]


def test_ticket_sla_fresh_clocks(staffed):
    _open(staffed, "P3")
    clocks = _sla(staffed)
    assert clocks["response"] == {
        "state": "running", "target_seconds": 2 * H, "elapsed_seconds": 0, "paused_seconds": 0,
        "remaining_seconds": 2 * H, "due_at": at("2026-11-23T11:00:00+08:00"), "stopped_at": None,
        "breached_at": None, "breach_recorded": None,
    }
    assert clocks["resolution"]["target_seconds"] == 3 * 24 * H
    assert clocks["resolution"]["due_at"] == at("2026-11-26T09:00:00+08:00")


def test_ticket_sla_targets_follow_config(staffed):
    staffed.configure("sla.P3.response", "45m")
    staffed.configure("sla.P3.resolution", "1d")
    _open(staffed, "P3")
    clocks = _sla(staffed)
    assert clocks["response"]["due_at"] == at("2026-11-23T09:45:00+08:00")
    assert clocks["resolution"]["due_at"] == at("2026-11-24T09:00:00+08:00")


def test_ticket_sla_response_clock_stops_at_ack(staffed):
    _open(staffed, "P1", when="2026-11-23T09:00:00+08:00")  # response 15m
    staffed.set_now("2026-11-23T09:10:00+08:00")
    resp = _sla(staffed)["response"]
    assert (resp["state"], resp["elapsed_seconds"], resp["remaining_seconds"]) == ("running", 600, 300)
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=1, handle="li")
    staffed.set_now("2026-11-23T09:14:00+08:00")
    staffed.write(lifecycle.ack_ticket, actor="li", ticket_id=1)
    staffed.set_now("2026-11-23T11:00:00+08:00")
    resp = _sla(staffed)["response"]
    assert resp["state"] == "met"
    assert (resp["elapsed_seconds"], resp["remaining_seconds"]) == (840, 60)
    assert resp["stopped_at"] == at("2026-11-23T09:14:00+08:00")


def test_ticket_sla_wait_resume_pauses_the_resolution_clock(staffed):
    d = staffed
    _working(d, "P3")  # resolution 3d, due 11-26 09:00
    d.set_now("2026-11-23T10:00:00+08:00")
    res = _sla(d)["resolution"]
    assert (res["elapsed_seconds"], res["paused_seconds"], res["remaining_seconds"]) == (H, 0, 3 * 24 * H - H)
    assert res["due_at"] == at("2026-11-26T09:00:00+08:00")

    d.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="user away")
    d.set_now("2026-11-23T12:00:00+08:00")
    res = _sla(d)["resolution"]
    assert res["state"] == "paused"
    assert (res["elapsed_seconds"], res["paused_seconds"]) == (H, 2 * H)
    assert res["remaining_seconds"] == 3 * 24 * H - H
    assert res["due_at"] is None  # no deadline while the clock stands still

    d.write(lifecycle.resume_ticket, actor="li", ticket_id=1)
    res = _sla(d)["resolution"]
    assert res["state"] == "running"
    assert res["due_at"] == at("2026-11-26T11:00:00+08:00")  # moved by the two paused hours
    assert (res["elapsed_seconds"], res["paused_seconds"]) == (H, 2 * H)

    d.set_now("2026-11-23T13:00:00+08:00")
    res = _sla(d)["resolution"]
    assert (res["elapsed_seconds"], res["paused_seconds"], res["remaining_seconds"]) == (2 * H, 2 * H, 70 * H)

    d.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="vendor")
    d.set_now("2026-11-23T13:30:00+08:00")
    d.write(lifecycle.resume_ticket, actor="li", ticket_id=1)
    res = _sla(d)["resolution"]
    assert res["due_at"] == at("2026-11-26T11:30:00+08:00")
    assert res["paused_seconds"] == 2 * H + 1800
    assert [e["details"]["paused_seconds"] for e in timeline(d, kind="resumed")] == [2 * H, 1800]

    d.set_now("2026-11-23T14:00:00+08:00")
    d.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="fixed")
    d.set_now("2026-11-25T14:00:00+08:00")  # a stopped clock does not move
    res = _sla(d)["resolution"]
    assert res["state"] == "met"
    assert (res["elapsed_seconds"], res["paused_seconds"]) == (5 * H - 2 * H - 1800, 2 * H + 1800)
    assert res["stopped_at"] == at("2026-11-23T14:00:00+08:00")


def test_ticket_sla_reopen_does_not_count_resolved_time(staffed):
    d = staffed
    _working(d, "P3")
    d.set_now("2026-11-23T10:00:00+08:00")
    d.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="reboot")
    d.set_now("2026-11-23T12:00:00+08:00")
    d.write(lifecycle.reopen_ticket, actor="zhang", ticket_id=1, reason="still down")
    res = _sla(d)["resolution"]
    assert (res["elapsed_seconds"], res["paused_seconds"]) == (H, 2 * H)
    assert res["due_at"] == at("2026-11-26T11:00:00+08:00")
    assert res["state"] == "running"


def test_ticket_sla_response_breach_recorded_once_at_due_time(staffed):
    d = staffed
    _open(d, "P1", when="2026-11-23T09:00:00+08:00")  # response due 09:15
    d.set_now("2026-11-23T09:30:00+08:00")
    resp = _sla(d)["response"]
    assert resp["state"] == "breached" and resp["remaining_seconds"] == -900
    assert _breached_ids(d) == [1]

    d.write(lifecycle.assign_ticket, actor="zhang", ticket_id=1, handle="li")  # the first write notices
    resp = _sla(d)["response"]
    assert resp["breached_at"] == at("2026-11-23T09:15:00+08:00")
    assert _breach_events(d) == [("response", "zhang", at("2026-11-23T09:30:00+08:00"))]

    d.set_now("2026-11-23T10:00:00+08:00")
    d.write(sweep)  # escalates (tier 2 -> 3, maria) but records no second breach
    d.write(lifecycle.add_note, actor="maria", ticket_id=1, text="looking")
    d.write(lifecycle.ack_ticket, actor="maria", ticket_id=1)
    resp = _sla(d)["response"]
    assert resp["state"] == "breached"
    assert resp["breached_at"] == at("2026-11-23T09:15:00+08:00")
    assert resp["stopped_at"] == at("2026-11-23T10:00:00+08:00")
    assert _breach_events(d) == [("response", "zhang", at("2026-11-23T09:30:00+08:00"))]
    listed = d.read(views.list_tickets, breached=True)
    assert [(t["id"], t["breached"]) for t in listed] == [(1, True)]


def test_ticket_sla_no_breach_while_waiting(staffed):
    d = staffed
    _working(d, "P1")  # resolution 4h: due 13:00
    d.set_now("2026-11-23T10:00:00+08:00")
    d.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="user away")
    d.set_now("2026-11-23T15:00:00+08:00")
    assert d.write(sweep) == []
    assert _breached_ids(d) == []
    d.write(lifecycle.resume_ticket, actor="li", ticket_id=1)
    res_clock = _sla(d)["resolution"]
    assert res_clock["due_at"] == at("2026-11-23T18:00:00+08:00")
    assert (res_clock["elapsed_seconds"], res_clock["paused_seconds"]) == (H, 5 * H)
    d.set_now("2026-11-23T18:30:00+08:00")
    actions = d.write(sweep)
    assert [(a["ticket"], a["action"]) for a in actions] == [(1, "resolution_breach_recorded")]
    res_clock = _sla(d)["resolution"]
    assert res_clock["breached_at"] == at("2026-11-23T18:00:00+08:00")
    assert res_clock["remaining_seconds"] == -1800


def test_ticket_sla_cancel_while_waiting_keeps_the_pause(staffed):
    d = staffed
    _working(d, "P3")
    d.set_now("2026-11-23T10:00:00+08:00")
    d.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="user away")
    d.set_now("2026-11-23T12:00:00+08:00")
    before = _sla(d)["resolution"]
    assert (before["elapsed_seconds"], before["paused_seconds"]) == (H, 2 * H)
    d.write(lifecycle.cancel_ticket, actor="zhang", ticket_id=1, reason="user gave up")
    after = _sla(d)["resolution"]
    assert (after["elapsed_seconds"], after["paused_seconds"]) == (H, 2 * H)
    d.set_now("2026-11-24T12:00:00+08:00")  # a cancelled ticket's clocks stand still
    assert _sla(d)["resolution"] == after


# --- business hours ----------------------------------------------------------------------------


@pytest.fixture
def business(staffed):
    staffed.configure("sla.calendar.mode", "business")
    return staffed


def test_ticket_sla_business_hours_friday_evening(business):
    d = business
    _open(d, "P2", when="2026-11-27T17:00:00+08:00")  # a Friday; response 30m, resolution 8h
    clocks = _sla(d)
    assert clocks["response"]["due_at"] == at("2026-11-27T17:30:00+08:00")
    assert clocks["resolution"]["due_at"] == at("2026-11-30T16:00:00+08:00")  # 1 h Fri + 7 h Mon
    d.set_now("2026-11-29T20:00:00+08:00")  # Sunday evening: only Friday's hour counted
    res = _sla(d)["resolution"]
    assert (res["elapsed_seconds"], res["remaining_seconds"]) == (H, 7 * H)


def test_ticket_sla_business_hours_weekend_opening_starts_monday(business):
    _open(business, "P2", when="2026-11-28T10:00:00+08:00")  # Saturday
    clocks = _sla(business)
    assert clocks["response"]["due_at"] == at("2026-11-30T09:30:00+08:00")
    assert clocks["response"]["elapsed_seconds"] == 0
    assert clocks["resolution"]["due_at"] == at("2026-11-30T17:00:00+08:00")


def test_ticket_sla_business_hours_holiday_skipped(business):
    business.configure("sla.calendar.holidays", "2026-11-30")
    _open(business, "P2", when="2026-11-27T17:00:00+08:00")
    assert _sla(business)["resolution"]["due_at"] == at("2026-12-01T16:00:00+08:00")


def test_ticket_sla_business_hours_custom_hours_and_days(business):
    business.configure("sla.calendar.hours", "08:00-12:00")
    business.configure("sla.calendar.days", "mon,tue,wed,thu,fri,sat")
    _open(business, "P2", when="2026-11-27T11:00:00+08:00")  # Friday 11:00, 8 h target
    assert _sla(business)["resolution"]["due_at"] == at("2026-11-30T11:00:00+08:00")  # 1 Fri + 4 Sat + 3 Mon


def test_ticket_sla_business_hours_pause_counts_business_time(business):
    d = business
    _working(d, "P2", when="2026-11-23T09:00:00+08:00")  # Monday; due 17:00
    d.set_now("2026-11-23T10:00:00+08:00")
    d.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="parts")
    d.set_now("2026-11-24T10:00:00+08:00")
    res = _sla(d)["resolution"]
    assert (res["elapsed_seconds"], res["paused_seconds"]) == (H, 9 * H)  # 8 h Mon + 1 h Tue
    d.write(lifecycle.resume_ticket, actor="li", ticket_id=1)
    assert _sla(d)["resolution"]["due_at"] == at("2026-11-24T17:00:00+08:00")


def test_ticket_sla_business_mode_bad_value_is_refused(staffed):
    with pytest.raises(InvalidInput, match="24x7 or business"):
        staffed.configure("sla.calendar.mode", "office")
    assert staffed.settings.get("sla.calendar.mode") == "24x7"
