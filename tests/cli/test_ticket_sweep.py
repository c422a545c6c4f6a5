"""`deskctl ticket sweep` (cron): breaches recorded and response breaches escalated once each,
stale resolved tickets closed unconfirmed, and silence when there is nothing to do."""

from __future__ import annotations


def _open(desk, priority="P1", at="2026-11-23T09:00:00+08:00"):
    desk.set_now(at)
    return desk.json("--as", "zhang", "ticket", "open", "core switch", "--reporter", "NOC", "-p", priority)["id"]


def _show(desk, tid=1):
    return desk.json("ticket", "show", str(tid))


def _sweep(desk):
    res = desk.run("ticket", "sweep", "--json")
    assert res.exit_code == 0, res.stderr
    assert res.stderr == ""
    return res.json()


def test_ticket_sweep_nothing_to_do_is_silent(staffed):
    _open(staffed, "P3")
    res = staffed.run("ticket", "sweep")
    assert res.exit_code == 0
    assert res.stdout == ""
    assert res.stderr == ""
    assert _sweep(staffed) == []


def test_ticket_sweep_on_an_empty_desk(desk):
    res = desk.run("ticket", "sweep")
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "")


def test_ticket_sweep_escalates_a_response_breach_once(staffed):
    d = staffed
    _open(d, "P1")  # response due 09:15
    d.set_now("2026-11-23T09:20:00+08:00")
    actions = _sweep(d)
    assert [(a["ticket"], a["action"]) for a in actions] == [(1, "response_breach_recorded"), (1, "escalated")]
    assert actions[1]["detail"] == "tier 2, assignee li"
    t = _show(d)
    assert (t["status"], t["tier"], t["assignee"], t["escalated"]) == ("assigned", 2, "li", True)
    assert t["sla"]["response"]["breached_at"] == "2026-11-23T09:15:00+08:00"
    escalations = [e for e in t["timeline"] if e["kind"] == "escalated"]
    assert len(escalations) == 1
    assert escalations[0]["actor"] == "system"
    assert escalations[0]["details"]["automatic"] is True
    version = t["version"]

    assert _sweep(d) == []  # run twice: the second run does nothing
    d.set_now("2026-11-23T12:00:00+08:00")  # still not acknowledged hours later: still once
    assert _sweep(d) == []
    t = _show(d)
    assert (t["tier"], t["assignee"], t["version"]) == (2, "li", version)
    assert len([e for e in t["timeline"] if e["kind"] in ("escalated", "sla_breach")]) == 2


def test_ticket_sweep_table_output_one_line_per_action(staffed):
    _open(staffed, "P1")
    staffed.set_now("2026-11-23T09:20:00+08:00")
    res = staffed.run("ticket", "sweep")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("ticket 1: response breach recorded (due ")
    assert lines[1] == "ticket 1: escalated (tier 2, assignee li)"
    assert res.stderr == ""


def test_ticket_sweep_shows_due_time_in_desk_zone(staffed):
    _open(staffed, "P1")
    staffed.set_now("2026-11-23T09:20:00+08:00")
    res = staffed.run("ticket", "sweep")
    assert res.exit_code == 0
    assert "2026-11-23T09:15:00+08:00" in res.stdout.splitlines()[0]


def test_ticket_sweep_at_the_due_instant_records_no_breach(staffed):
    _open(staffed, "P1")  # response due 09:15
    staffed.set_now("2026-11-23T09:15:00+08:00")
    clock = _show(staffed)["sla"]["response"]
    assert (clock["state"], clock["remaining_seconds"]) == ("running", 0)
    assert staffed.json("ticket", "list", "--breached") == []
    assert _sweep(staffed) == []


def test_ticket_sweep_runs_without_a_staff_actor(staffed):
    _open(staffed, "P1")
    staffed.set_now("2026-11-23T09:20:00+08:00")
    res = staffed.run("ticket", "sweep", "--json", env={"DESKCTL_USER": "cron-nobody"})
    assert res.exit_code == 0, res.stderr
    assert [a["action"] for a in res.json()] == ["response_breach_recorded", "escalated"]


def test_ticket_sweep_escalates_least_loaded_technician(staffed):
    d = staffed
    d.ok("--as", "lead", "staff", "add", "zhou", "--name", "Zhou", "--role", "technician", "--tier", "2")
    _open(d, "P3", at="2026-11-23T08:00:00+08:00")  # give li a ticket
    d.ok("--as", "zhang", "ticket", "assign", "1", "li")
    _open(d, "P1")  # ticket 2
    d.set_now("2026-11-23T09:20:00+08:00")
    escalated = [a for a in _sweep(d) if a["action"] == "escalated"]
    assert escalated == [{"ticket": 2, "action": "escalated", "detail": "tier 2, assignee zhou"}]


def test_ticket_sweep_at_tier_3_flags_once(staffed):
    d = staffed
    _open(d, "P1")
    d.ok("--as", "zhang", "ticket", "assign", "1", "maria")  # tier 3, not acknowledged
    d.set_now("2026-11-23T09:20:00+08:00")
    actions = _sweep(d)
    assert [a["action"] for a in actions] == ["response_breach_recorded", "escalation_impossible"]
    assert _sweep(d) == []
    t = _show(d)
    assert (t["tier"], t["assignee"], t["status"]) == (3, "maria", "assigned")


def test_ticket_sweep_at_tier_3_flags_a_breach_another_command_recorded(staffed):
    d = staffed
    d.ok("--as", "lead", "staff", "add", "kumar", "--name", "Kumar", "--role", "technician", "--tier", "3")
    _open(d, "P1")  # response due 09:15
    d.ok("--as", "zhang", "ticket", "assign", "1", "maria")
    d.set_now("2026-11-23T09:30:00+08:00")
    d.ok("--as", "zhang", "ticket", "assign", "1", "kumar")  # records the response breach itself
    assert [a["action"] for a in _sweep(d)] == ["escalation_impossible"]
    assert _sweep(d) == []
    kinds = [e["kind"] for e in _show(d)["timeline"]]
    assert kinds.count("sla_breach") == 1 and kinds.count("escalation_impossible") == 1


def test_ticket_sweep_at_tier_3_does_not_claim_an_escalation(staffed):
    d = staffed
    _open(d, "P1")
    d.ok("--as", "zhang", "ticket", "assign", "1", "maria")
    version = _show(d)["version"]
    d.set_now("2026-11-23T09:20:00+08:00")
    _sweep(d)
    t = _show(d)
    assert t["escalated"] is False
    assert t["version"] > version  # the breach (a change) was recorded with a version bump


def test_ticket_sweep_acknowledged_ticket_is_not_escalated(staffed):
    d = staffed
    _open(d, "P1")
    d.ok("--as", "zhang", "ticket", "assign", "1", "li")
    d.ok("--as", "li", "ticket", "ack", "1")
    d.set_now("2026-11-23T13:30:00+08:00")  # resolution (4 h) missed
    actions = _sweep(d)
    assert [(a["ticket"], a["action"]) for a in actions] == [(1, "resolution_breach_recorded")]
    t = _show(d)
    assert (t["tier"], t["assignee"], t["status"]) == (2, "li", "in_progress")
    assert t["sla"]["resolution"]["breached_at"] == "2026-11-23T13:00:00+08:00"
    assert t["sla"]["response"]["breached_at"] is None
    assert _sweep(d) == []
    assert [x["id"] for x in d.json("ticket", "list", "--breached")] == [1]


def test_ticket_sweep_auto_closes_past_confirm_window(staffed):
    d = staffed
    _open(d, "P3")
    d.ok("--as", "zhang", "ticket", "assign", "1", "li")
    d.ok("--as", "li", "ticket", "ack", "1")
    d.ok("--as", "li", "ticket", "resolve", "1", "--resolution", "fixed")
    d.set_now("2026-11-26T08:59:00+08:00")  # 71 h 59 m later
    assert _sweep(d) == []
    assert _show(d)["status"] == "resolved"
    d.set_now("2026-11-26T09:00:00+08:00")  # exactly 72 h
    actions = _sweep(d)
    assert actions == [{"ticket": 1, "action": "closed_unconfirmed", "detail": "resolved more than 3d ago"}]
    t = _show(d)
    assert (t["status"], t["confirmed"], t["rating"]) == ("closed", False, None)
    assert "3d" in t["close_reason"]
    assert t["closed_at"] == "2026-11-26T09:00:00+08:00"
    last = t["timeline"][-1]
    assert (last["kind"], last["actor"]) == ("closed_unconfirmed", "system")
    assert _sweep(d) == []


def test_ticket_sweep_confirm_window_is_configurable(staffed):
    d = staffed
    d.ok("config", "set", "confirm_window", "2h")
    _open(d, "P3")
    d.ok("--as", "zhang", "ticket", "assign", "1", "li")
    d.ok("--as", "li", "ticket", "ack", "1")
    d.ok("--as", "li", "ticket", "resolve", "1", "--resolution", "fixed")
    d.set_now("2026-11-23T11:00:00+08:00")
    assert [a["action"] for a in _sweep(d)] == ["closed_unconfirmed"]


def test_ticket_sweep_leaves_confirmed_and_waiting_tickets_alone(staffed):
    d = staffed
    _open(d, "P1")  # 1: closed with confirmation
    _open(d, "P1")  # 2: waiting
    for tid in ("1", "2"):
        d.ok("--as", "zhang", "ticket", "assign", tid, "li")
        d.ok("--as", "li", "ticket", "ack", tid)
    d.ok("--as", "li", "ticket", "resolve", "1", "--resolution", "fixed")
    d.ok("--as", "zhang", "ticket", "confirm", "1", "--rating", "5")
    d.ok("--as", "li", "ticket", "wait", "2", "--reason", "user on leave")
    before = [_show(d, t) for t in (1, 2)]
    d.set_now("2026-12-30T09:00:00+08:00")
    assert _sweep(d) == []
    after = [_show(d, t) for t in (1, 2)]
    assert [(a["version"], a["status"]) for a in after] == [(b["version"], b["status"]) for b in before]


def test_ticket_sweep_handles_many_tickets_in_one_run(staffed):
    d = staffed
    for _ in range(3):
        _open(d, "P1")
    d.set_now("2026-11-23T09:20:00+08:00")
    actions = _sweep(d)
    assert sorted({a["ticket"] for a in actions if a["action"] == "escalated"}) == [1, 2, 3]
    assert len(actions) == 6
    assert _sweep(d) == []
