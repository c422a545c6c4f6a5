"""`deskctl ticket sweep` (cron): silence when there is nothing to do, one line per action, JSON,
and no acting user needed. What the sweep does is tested at the service layer:
tests/services/test_ticket_sweep.py."""

from __future__ import annotations

from tests.services.ticket_steps import open_ticket


def _open(desk, priority="P1"):
    return open_ticket(desk, "core switch", reporter="NOC", priority=priority)["id"]


def test_ticket_sweep_nothing_to_do_is_silent(staffed):
    _open(staffed, "P3")
    res = staffed.run("ticket", "sweep")
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "")
    res = staffed.run("ticket", "sweep", "--json")
    assert (res.exit_code, res.stdout, res.stderr) == (0, "[]\n", "")


def test_ticket_sweep_on_an_empty_desk(desk):
    res = desk.run("ticket", "sweep")
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "")


def test_ticket_sweep_table_output_one_line_per_action(staffed):
    _open(staffed, "P1")  # response due 09:15
    staffed.set_now("2026-11-23T09:20:00+08:00")
    res = staffed.run("ticket", "sweep")
    assert res.exit_code == 0
    assert res.stdout.splitlines() == [
        "ticket 1: response breach recorded (due 2026-11-23T09:15:00+08:00)",
        "ticket 1: escalated (tier 2, assignee li; least loaded, nobody on call)",
    ]
    assert res.stderr == ""
    assert staffed.json("ticket", "show", "1")["escalated"] is True


def test_ticket_sweep_runs_without_a_staff_actor(staffed):
    _open(staffed, "P1")
    staffed.set_now("2026-11-23T09:20:00+08:00")
    res = staffed.run("ticket", "sweep", "--json", env={"DESKCTL_USER": "cron-nobody"})
    assert res.exit_code == 0, res.stderr
    assert res.json() == [
        {"ticket": 1, "action": "response_breach_recorded", "detail": "due 2026-11-23T09:15:00+08:00"},
        {"ticket": 1, "action": "escalated", "detail": "tier 2, assignee li; least loaded, nobody on call"},
    ]
    assert res.stderr == ""
