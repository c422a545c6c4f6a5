"""`deskctl shift handover|takeover` and the on-duty block of `deskctl status` as the CLI shows them
(JSON in the desk zone, tables, --show, exit codes). The rules: tests/services/test_shift_handover.py."""

from __future__ import annotations

import pytest

from deskctl.services.shifts import handover as svc
from tests.services.shift_steps import before_handover
from tests.services.ticket_steps import open_ticket


@pytest.fixture
def rota(staffed):
    return before_handover(staffed)


def test_handover_json_and_show(rota):
    open_ticket(rota, "core switch down", priority="P1")  # due 20:05 and 23:50: in the next shift
    view = rota.json("--as", "zhang", "shift", "handover", "--note", "core switch fan noisy, watch it [red]")
    assert (view["from"], view["to"], view["taken_over_at"]) == ("zhang", "wang", None)
    assert view["created_at"] == "2026-11-23T19:50:00+08:00"
    assert view["note"] == "core switch fan noisy, watch it [red]"
    assert [(t["id"], t["opened_at"]) for t in view["open_tickets"]] == [(1, "2026-11-23T19:50:00+08:00")]
    assert [(d["deadline"], d["due_at"]) for d in view["sla_deadlines"]] == [
        ("response", "2026-11-23T20:05:00+08:00"), ("resolution", "2026-11-23T23:50:00+08:00")]
    shown = rota.ok("shift", "handover", "--show").stdout
    assert "core switch fan noisy, watch it [red]" in shown and "wang" in shown and "core switch down" in shown
    assert rota.json("shift", "handover", "--show")["note"] == "core switch fan noisy, watch it [red]"


def test_handover_twice_exits_4(rota):
    rota.ok("--as", "zhang", "shift", "handover", "--note", "first")
    res = rota.run("--as", "zhang", "shift", "handover", "--note", "second")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "--show" in res.stderr


def test_handover_show_with_note_exits_2_and_show_with_none_exits_3(rota):
    assert rota.run("shift", "handover", "--show").exit_code == 3
    res = rota.run("shift", "handover", "--show", "--note", "x")
    assert res.exit_code == 2 and "leave out --note" in res.stderr


def test_takeover_json(rota):
    rota.write(svc.handover, actor="zhang", note="watch the fan")
    rota.set_now("2026-11-23T20:04:00+08:00")
    view = rota.json("--as", "wang", "shift", "takeover")
    assert (view["taken_over_by"], view["taken_over_at"]) == ("wang", "2026-11-23T20:04:00+08:00")
    again = rota.run("--as", "wang", "shift", "takeover")
    assert again.exit_code == 4 and "already" in again.stderr


def test_status_shows_a_pending_handover_wait_as_a_duration(rota):
    rota.write(svc.handover, actor="zhang")
    rota.set_now("2026-11-23T20:51:00+08:00")
    status = rota.json("status")
    assert status["handover_pending"][0]["waiting_seconds"] == 61 * 60
    assert status["next_handover"]["at"] == "2026-11-24T08:00:00+08:00"
    table = rota.ok("status").stdout  # a terminal reads the wait as a duration, not seconds
    assert "1h 1m" in table and "3660" not in table


def test_status_says_loudly_when_nobody_is_on_duty(rota):
    rota.set_now("2026-11-25T09:00:00+08:00")
    assert rota.json("status")["on_duty_alert"] == "NOBODY IS ON DUTY NOW"
    assert "NOBODY IS ON DUTY NOW" in rota.ok("status").stdout
