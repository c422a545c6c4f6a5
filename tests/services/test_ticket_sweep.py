"""The sweep (cron) at the service layer: breaches recorded and response breaches escalated once
each, tier 3 flagged once, stale resolved tickets closed unconfirmed, and nothing done twice."""

from __future__ import annotations

from deskctl.services.people.staff import add_staff
from deskctl.services.tickets import lifecycle, views
from deskctl.services.tickets.sweep import sweep
from tests.services.ticket_steps import at, open_ticket, show, timeline


def _open(desk, priority="P1", when="2026-11-23T09:00:00+08:00"):
    desk.set_now(when)
    return open_ticket(desk, "core switch", reporter="NOC", priority=priority)["id"]


def _assign(desk, tid, handle, ack=False):
    desk.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle=handle)
    if ack:
        desk.write(lifecycle.ack_ticket, actor=handle, ticket_id=tid)


def _breached_ids(desk):
    return [t["id"] for t in desk.read(views.list_tickets, breached=True)]


def test_sweep_nothing_to_do_returns_no_actions(staffed):
    _open(staffed, "P3")
    version = show(staffed)["version"]
    assert staffed.write(sweep) == []
    assert show(staffed)["version"] == version


def test_sweep_escalates_a_response_breach_once(staffed):
    d = staffed
    _open(d, "P1")  # response due 09:15
    d.set_now("2026-11-23T09:20:00+08:00")
    actions = d.write(sweep)
    assert actions == [
        {"ticket": 1, "action": "response_breach_recorded", "detail": "due 2026-11-23T09:15:00+08:00"},
        {"ticket": 1, "action": "escalated", "detail": "tier 2, assignee li; least loaded, nobody on call"},
    ]
    t = show(d)
    assert (t["status"], t["tier"], t["assignee"], t["escalated"]) == ("assigned", 2, "li", True)
    assert t["sla"]["response"]["breached_at"] == at("2026-11-23T09:15:00+08:00")
    escalations = timeline(d, kind="escalated")
    assert len(escalations) == 1
    assert escalations[0]["actor"] == "system"
    assert escalations[0]["details"]["automatic"] is True
    version = t["version"]

    assert d.write(sweep) == []  # run twice: the second run does nothing
    d.set_now("2026-11-23T12:00:00+08:00")  # still not acknowledged hours later: still once
    assert d.write(sweep) == []
    t = show(d)
    assert (t["tier"], t["assignee"], t["version"]) == (2, "li", version)
    assert len([e for e in t["timeline"] if e["kind"] in ("escalated", "sla_breach")]) == 2


def test_sweep_names_due_times_in_the_desk_zone(staffed):
    _open(staffed, "P1")
    staffed.configure("timezone", "Europe/Berlin")
    staffed.set_now("2026-11-23T09:20:00+08:00")
    assert staffed.write(sweep)[0]["detail"] == "due 2026-11-23T02:15:00+01:00"


def test_sweep_at_the_due_instant_records_no_breach(staffed):
    _open(staffed, "P1")  # response due 09:15
    staffed.set_now("2026-11-23T09:15:00+08:00")
    clock = show(staffed)["sla"]["response"]
    assert (clock["state"], clock["remaining_seconds"]) == ("running", 0)
    assert _breached_ids(staffed) == []
    assert staffed.write(sweep) == []


def test_sweep_escalates_to_the_least_loaded_technician(staffed):
    d = staffed
    d.write(add_staff, handle="zhou", name="Zhou", role="technician", tier=2)
    _open(d, "P3", when="2026-11-23T08:00:00+08:00")  # give li a ticket
    _assign(d, 1, "li")
    _open(d, "P1")  # ticket 2
    d.set_now("2026-11-23T09:20:00+08:00")
    escalated = [a for a in d.write(sweep) if a["action"] == "escalated"]
    assert escalated == [
        {"ticket": 2, "action": "escalated", "detail": "tier 2, assignee zhou; least loaded, nobody on call"}]


def test_sweep_at_tier_3_flags_once(staffed):
    d = staffed
    _open(d, "P1")
    _assign(d, 1, "maria")  # tier 3, not acknowledged
    d.set_now("2026-11-23T09:20:00+08:00")
    actions = d.write(sweep)
    assert [a["action"] for a in actions] == ["response_breach_recorded", "escalation_impossible"]
    assert actions[1]["detail"] == "already at tier 3"
    assert d.write(sweep) == []
    t = show(d)
    assert (t["tier"], t["assignee"], t["status"]) == (3, "maria", "assigned")


def test_sweep_at_tier_3_flags_a_breach_another_command_recorded(staffed):
    d = staffed
    d.write(add_staff, handle="kumar", name="Kumar", role="technician", tier=3)
    _open(d, "P1")  # response due 09:15
    _assign(d, 1, "maria")
    d.set_now("2026-11-23T09:30:00+08:00")
    _assign(d, 1, "kumar")  # records the response breach itself
    assert [a["action"] for a in d.write(sweep)] == ["escalation_impossible"]
    assert d.write(sweep) == []
    kinds = [e["kind"] for e in timeline(d)]
    assert kinds.count("sla_breach") == 1 and kinds.count("escalation_impossible") == 1


def test_sweep_at_tier_3_does_not_claim_an_escalation(staffed):
    d = staffed
    _open(d, "P1")
    _assign(d, 1, "maria")
    version = show(d)["version"]
    d.set_now("2026-11-23T09:20:00+08:00")
    d.write(sweep)
    t = show(d)
    assert t["escalated"] is False
    assert t["version"] > version  # the breach (a change) was recorded with a version bump


def test_sweep_acknowledged_ticket_is_not_escalated(staffed):
    d = staffed
    _open(d, "P1")
    _assign(d, 1, "li", ack=True)
    d.set_now("2026-11-23T13:30:00+08:00")  # resolution (4 h) missed
    actions = d.write(sweep)
    assert [(a["ticket"], a["action"]) for a in actions] == [(1, "resolution_breach_recorded")]
    t = show(d)
    assert (t["tier"], t["assignee"], t["status"]) == (2, "li", "in_progress")
    assert t["sla"]["resolution"]["breached_at"] == at("2026-11-23T13:00:00+08:00")
    assert t["sla"]["response"]["breached_at"] is None
    assert d.write(sweep) == []
    assert _breached_ids(d) == [1]


def test_sweep_auto_closes_past_confirm_window(staffed):
    d = staffed
    _open(d, "P3")
    _assign(d, 1, "li", ack=True)
    d.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="fixed")
    d.set_now("2026-11-26T08:59:00+08:00")  # 71 h 59 m later
    assert d.write(sweep) == []
    assert show(d)["status"] == "resolved"
    d.set_now("2026-11-26T09:00:00+08:00")  # exactly 72 h
    actions = d.write(sweep)
    assert actions == [{"ticket": 1, "action": "closed_unconfirmed", "detail": "resolved more than 3d ago"}]
    t = show(d)
    assert (t["status"], t["confirmed"], t["rating"]) == ("closed", False, None)
    assert "3d" in t["close_reason"]
    assert t["closed_at"] == at("2026-11-26T09:00:00+08:00")
    last = t["timeline"][-1]
    assert (last["kind"], last["actor"]) == ("closed_unconfirmed", "system")
    assert d.write(sweep) == []


def test_sweep_confirm_window_is_configurable(staffed):
    d = staffed
    d.configure("confirm_window", "2h")
    _open(d, "P3")
    _assign(d, 1, "li", ack=True)
    d.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="fixed")
    d.set_now("2026-11-23T10:59:00+08:00")
    assert d.write(sweep) == []
    d.set_now("2026-11-23T11:00:00+08:00")
    assert [a["action"] for a in d.write(sweep)] == ["closed_unconfirmed"]


def test_sweep_leaves_confirmed_and_waiting_tickets_alone(staffed):
    d = staffed
    _open(d, "P1")  # 1: closed with confirmation
    _open(d, "P1")  # 2: waiting
    for tid in (1, 2):
        _assign(d, tid, "li", ack=True)
    d.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="fixed")
    d.write(lifecycle.confirm_ticket, actor="zhang", ticket_id=1, rating=5)
    d.write(lifecycle.wait_ticket, actor="li", ticket_id=2, reason="user on leave")
    before = [show(d, t) for t in (1, 2)]
    d.set_now("2026-12-30T09:00:00+08:00")
    assert d.write(sweep) == []
    after = [show(d, t) for t in (1, 2)]
    assert [(a["version"], a["status"]) for a in after] == [(b["version"], b["status"]) for b in before]


def test_sweep_handles_many_tickets_in_one_run(staffed):
    d = staffed
    for _ in range(3):
        _open(d, "P1")
    d.set_now("2026-11-23T09:20:00+08:00")
    actions = d.write(sweep)
    assert sorted({a["ticket"] for a in actions if a["action"] == "escalated"}) == [1, 2, 3]
    assert len(actions) == 6
    assert d.write(sweep) == []
