"""`deskctl shift handover|takeover` and the on-duty block of `deskctl status`."""

from __future__ import annotations

from datetime import datetime

import pytest

from deskctl.store.engine import open_database
from deskctl.store.tables import Ticket


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def add_ticket(desk, title, priority, status="assigned", **fields):
    db = open_database(desk.db)
    try:
        with db.write() as session:
            opened = at("2026-11-23T10:00:00+08:00")
            session.add(Ticket(title=title, reporter="财务部", priority=priority, status=status,
                               opened_at=opened, updated_at=opened, **fields))
    finally:
        db.close()


@pytest.fixture
def rota(staffed):
    staffed.ok("--as", "lead", "staff", "add", "zhao", "--name", "赵六", "--role", "officer")
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    staffed.ok("--as", "lead", "shift", "type", "add", "night", "--start", "20:00", "--end", "08:00")
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-23", "day", "zhang")
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-23", "night", "wang")
    staffed.set_now("2026-11-23T19:50:00+08:00")
    return staffed


def test_handover_compiles_tickets_by_priority_and_deadlines_of_next_shift(rota):
    add_ticket(rota, "printer jam", "P3")
    add_ticket(rota, "core switch down", "P1", status="new", response_due_at=at("2026-11-23T21:00:00+08:00"))
    add_ticket(rota, "VPN slow", "P2", status="resolved")
    add_ticket(rota, "mail quota", "P4", status="waiting", resolution_due_at=at("2026-11-24T01:00:00+08:00"))
    add_ticket(rota, "backup failed", "P2", status="in_progress",
               resolution_due_at=at("2026-11-24T07:00:00+08:00"), acknowledged_at=at("2026-11-23T10:05:00+08:00"))
    add_ticket(rota, "later", "P3", resolution_due_at=at("2026-11-25T12:00:00+08:00"))
    view = rota.json("--as", "zhang", "shift", "handover", "--note", "core switch fan noisy, watch it [red]")
    assert (view["from"], view["to"], view["taken_over_at"]) == ("zhang", "wang", None)
    assert view["note"] == "core switch fan noisy, watch it [red]"
    assert [t["priority"] for t in view["open_tickets"]] == ["P1", "P2", "P3", "P3", "P4"]
    assert "VPN slow" not in {t["title"] for t in view["open_tickets"]}
    assert [(d["priority"], d["deadline"], d["due_at"]) for d in view["sla_deadlines"]] == [
        ("P1", "response", "2026-11-23T21:00:00+08:00"),
        ("P2", "resolution", "2026-11-24T07:00:00+08:00"),
    ]
    assert view["next_shift"]["who"] == ["wang"]
    events = [e for e in rota.json("audit", "log", "--entity", "handover")]
    assert [e["kind"] for e in events] == ["handed_over"]


def test_handover_lists_inspections_due_in_next_shift(rota):
    res = rota.run("--as", "lead", "inspect", "plan", "add", "ups", "--target", "UPS", "--every", "daily 23:00",
                   "--item", "battery ok")
    if res.exit_code != 0:
        pytest.skip(f"inspection plans not available: {res.stderr}")
    view = rota.json("--as", "zhang", "shift", "handover")
    assert [(i["plan"], i["due_at"]) for i in view["inspections_due"]] == [("ups", "2026-11-23T23:00:00+08:00")]


def test_handover_twice_exits_4_and_show_prints_the_last(rota):
    rota.ok("--as", "zhang", "shift", "handover", "--note", "first")
    res = rota.run("--as", "zhang", "shift", "handover", "--note", "second")
    assert res.exit_code == 4
    assert "--show" in res.stderr
    shown = rota.json("shift", "handover", "--show")
    assert shown["note"] == "first"
    assert "first" in rota.ok("shift", "handover", "--show").stdout


def test_handover_without_a_shift_exits_4(rota):
    res = rota.run("--as", "zhao", "shift", "handover", "--note", "x")
    assert res.exit_code == 4
    assert "no shift" in res.stderr


def test_handover_show_with_none_exits_3(rota):
    assert rota.run("shift", "handover", "--show").exit_code == 3


def test_takeover_acknowledges_once(rota):
    rota.ok("--as", "zhang", "shift", "handover", "--note", "watch the fan")
    rota.set_now("2026-11-23T20:04:00+08:00")
    assert rota.run("--as", "zhao", "shift", "takeover").exit_code == 4  # not meant for zhao
    view = rota.json("--as", "wang", "shift", "takeover")
    assert (view["taken_over_by"], view["taken_over_at"]) == ("wang", "2026-11-23T20:04:00+08:00")
    again = rota.run("--as", "wang", "shift", "takeover")
    assert again.exit_code == 4 and "already" in again.stderr


def test_takeover_with_nothing_handed_over_exits_4(rota):
    assert rota.run("--as", "wang", "shift", "takeover").exit_code == 4


def test_status_shows_handover_pending_beyond_the_window(rota):
    rota.ok("--as", "zhang", "shift", "handover")
    rota.set_now("2026-11-23T20:30:00+08:00")
    assert rota.json("status")["handover_pending"] == []
    rota.set_now("2026-11-23T20:51:00+08:00")
    status = rota.json("status")
    assert [(p["from"], p["to"]) for p in status["handover_pending"]] == [("zhang", "wang")]
    assert [r["who"] for r in status["on_duty"]] == ["wang"]
    assert "on_duty_alert" not in status
    assert status["handover_pending"][0]["waiting_seconds"] == 61 * 60  # handed over at 19:50
    table = rota.ok("status").stdout  # a terminal reads the wait as a duration, not seconds
    assert "1h 1m" in table and "3660" not in table


def test_status_says_loudly_when_nobody_is_on_duty(rota):
    rota.set_now("2026-11-25T09:00:00+08:00")
    status = rota.json("status")
    assert status["on_duty_alert"] == "NOBODY IS ON DUTY NOW"
    assert status["on_duty"] == []
    assert "NOBODY IS ON DUTY NOW" in rota.ok("status").stdout


def test_status_shows_next_handover(rota):
    status = rota.json("status")
    assert status["next_handover"] == {"at": "2026-11-23T20:00:00+08:00", "takes_over": "wang"}


def test_takeover_by_anyone_on_the_next_shift(rota):
    rota.ok("--as", "lead", "shift", "assign", "2026-11-23", "night", "zhao")
    view = rota.json("--as", "zhang", "shift", "handover")
    assert view["next_shift"]["who"] == ["wang", "zhao"]
    rota.set_now("2026-11-23T20:02:00+08:00")
    assert rota.json("--as", "zhao", "shift", "takeover")["taken_over_by"] == "zhao"
    assert rota.run("--as", "wang", "shift", "takeover").exit_code == 4


def test_on_duty_at_names_the_staff_on_shift_at_an_instant(rota):
    from deskctl.services.shifts.views import on_duty_at

    db = open_database(rota.db)
    try:
        with db.read() as session:
            assert [s.handle for s in on_duty_at(session=session, at=at("2026-11-23T19:59:59+08:00"))] == ["zhang"]
            assert [s.handle for s in on_duty_at(session=session, at=at("2026-11-23T20:00:00+08:00"))] == ["wang"]
            assert on_duty_at(session=session, at=at("2026-11-24T08:00:00+08:00")) == []
    finally:
        db.close()
