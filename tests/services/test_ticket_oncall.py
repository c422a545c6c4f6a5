"""Escalation reaches someone (SPEC §12) at the service layer, on the Asia/Shanghai desk (no DST):
the next tier's technician on call at that instant, else its least-loaded technician, else
nobody; the timeline says which rule picked them. The sweep leaves acknowledged tickets with
the person working them, and a technician hands a ticket back to the desk with `release`."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, InvalidInput, PermissionDenied
from deskctl.services.people.staff import add_staff, deactivate_staff
from deskctl.services.shifts import types
from deskctl.services.tickets import handback, lifecycle
from deskctl.services.tickets.sweep import sweep
from tests.services.shift_steps import add_day_and_night, assign
from tests.services.ticket_steps import open_ticket, refused, row, show, timeline


@pytest.fixture
def desk2(staffed):
    """Tier 2: li, zhou, wu; tier 3: maria, kumar. On call: tier2 18:00-08:00, tier3 18:00-08:00."""
    for handle, tier in (("zhou", 2), ("wu", 2), ("kumar", 3)):
        staffed.write(add_staff, handle=handle, name=handle.title(), role="technician", tier=tier)
    staffed.write(types.add_type, name="oncall-t2", start="18:00", end="08:00", team="tier2")
    staffed.write(types.add_type, name="oncall-t3", start="18:00", end="08:00", team="tier3")
    return staffed


def _open(desk, when: str, priority: str = "P3") -> int:
    desk.set_now(when)
    return open_ticket(desk, "core switch down", priority=priority)["id"]


def _escalate(desk, tid: int, actor: str = "zhang") -> dict:
    return desk.write(lifecycle.escalate_ticket, actor=actor, ticket_id=tid, reason="needs tier 2")


def _picked(desk, tid: int) -> list[tuple[str, str | None, str]]:
    return [(e["to"], e["details"].get("assignee"), e["details"]["picked"]) for e in timeline(desk, tid, "escalated")]


# --- on call at that instant ---------------------------------------------------------------------


def test_escalate_picks_the_technician_on_call_across_midnight(desk2):
    assign(desk2, "2026-11-23", "oncall-t2", "wu")  # 23 Nov 18:00 to 24 Nov 08:00 Shanghai
    tid = _open(desk2, "2026-11-24T02:40:00+08:00")
    view = _escalate(desk2, tid)
    assert (view["tier"], view["assignee"], view["status"], view["picked"]) == (2, "wu", "assigned", "on call")
    assert _picked(desk2, tid) == [("tier 2", "wu", "on call")]


@pytest.mark.parametrize("when, expected", [
    ("2026-11-23T17:59:59+08:00", ("li", "least loaded, nobody on call")),  # before the rota starts
    ("2026-11-23T18:00:00+08:00", ("wu", "on call")),  # its first instant
    ("2026-11-24T07:59:59+08:00", ("wu", "on call")),  # its last second
    ("2026-11-24T08:00:00+08:00", ("li", "least loaded, nobody on call")),  # over: 08:00 is not in it
])
def test_escalate_on_call_is_the_shift_instant_by_instant(desk2, when, expected):
    assign(desk2, "2026-11-23", "oncall-t2", "wu")
    tid = _open(desk2, when)
    view = _escalate(desk2, tid)
    assert (view["assignee"], view["picked"]) == expected


def test_escalate_with_two_on_call_picks_the_less_loaded(desk2):
    desk2.write(types.add_type, name="oncall-t2b", start="20:00", end="08:00", team="tier2")
    assign(desk2, "2026-11-23", "oncall-t2", "li")
    assign(desk2, "2026-11-23", "oncall-t2b", "zhou")
    busy = _open(desk2, "2026-11-23T21:00:00+08:00")
    desk2.write(lifecycle.assign_ticket, actor="zhang", ticket_id=busy, handle="li")  # li has one open ticket
    tid = _open(desk2, "2026-11-23T21:05:00+08:00")
    assert (_escalate(desk2, tid)["assignee"], _picked(desk2, tid)[0][2]) == ("zhou", "on call")


def test_escalate_ignores_an_on_call_technician_who_is_deactivated(desk2):
    assign(desk2, "2026-11-23", "oncall-t2", "wu")
    desk2.write(deactivate_staff, handle="wu")
    tid = _open(desk2, "2026-11-23T22:00:00+08:00")
    view = _escalate(desk2, tid)
    assert (view["assignee"], view["picked"]) == ("li", "least loaded, nobody on call")


def test_escalate_to_tier_3_picks_tier_3_on_call(desk2):
    assign(desk2, "2026-11-23", "oncall-t2", "wu")
    assign(desk2, "2026-11-23", "oncall-t3", "kumar")
    tid = _open(desk2, "2026-11-23T23:00:00+08:00")
    _escalate(desk2, tid)
    desk2.write(lifecycle.ack_ticket, actor="wu", ticket_id=tid)
    view = desk2.write(lifecycle.escalate_ticket, actor="wu", ticket_id=tid, reason="firmware bug")
    assert (view["tier"], view["assignee"]) == (3, "kumar")
    assert _picked(desk2, tid) == [("tier 2", "wu", "on call"), ("tier 3", "kumar", "on call")]


def test_escalate_named_person_says_so(desk2):
    assign(desk2, "2026-11-23", "oncall-t2", "wu")
    tid = _open(desk2, "2026-11-23T23:00:00+08:00")
    view = desk2.write(lifecycle.escalate_ticket, actor="zhang", ticket_id=tid, reason="x", to="zhou")
    assert (view["assignee"], view["picked"]) == ("zhou", "named")
    assert "picked" not in timeline(desk2, tid, "escalated")[0]["details"]


# --- nobody on call ------------------------------------------------------------------------------


def test_escalate_nobody_on_call_picks_least_loaded_ties_by_handle(desk2):
    for n, who in enumerate(("li", "wu")):  # li and wu one open ticket each; zhou none
        t = _open(desk2, f"2026-11-23T10:0{n}:00+08:00")
        desk2.write(lifecycle.assign_ticket, actor="zhang", ticket_id=t, handle=who)
    first = _open(desk2, "2026-11-23T11:00:00+08:00")
    assert (_escalate(desk2, first)["assignee"]) == "zhou"
    second = _open(desk2, "2026-11-23T11:01:00+08:00")  # now all three have one: li by handle
    assert _escalate(desk2, second)["assignee"] == "li"
    assert _picked(desk2, second) == [("tier 2", "li", "least loaded, nobody on call")]


def test_escalate_counts_only_open_tickets_as_load(desk2):
    t = _open(desk2, "2026-11-23T10:00:00+08:00")
    desk2.write(lifecycle.assign_ticket, actor="zhang", ticket_id=t, handle="li")
    desk2.write(lifecycle.cancel_ticket, actor="zhang", ticket_id=t, reason="mistake")
    tid = _open(desk2, "2026-11-23T10:30:00+08:00")
    assert _escalate(desk2, tid)["assignee"] == "li"


def test_escalate_with_no_technician_at_the_tier_leaves_it_unassigned(staffed):
    staffed.write(deactivate_staff, handle="maria")  # the only tier-3 technician
    tid = _open(staffed, "2026-11-23T10:00:00+08:00")
    _escalate(staffed, tid)  # to li, tier 2
    view = staffed.write(lifecycle.escalate_ticket, actor="li", ticket_id=tid, reason="specialist")
    assert (view["tier"], view["assignee"], view["status"]) == (3, None, "new")
    assert view["picked"] == "nobody: no active tier-3 technician"
    assert _picked(staffed, tid)[-1] == ("tier 3", None, "nobody: no active tier-3 technician")


def test_sweep_at_the_top_tier_still_says_escalation_impossible(staffed):
    tid = _open(staffed, "2026-11-23T09:00:00+08:00", priority="P1")  # response due 09:15
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="maria")  # tier 3, not acked
    staffed.set_now("2026-11-23T09:20:00+08:00")
    actions = staffed.write(sweep)
    assert [a["action"] for a in actions] == ["response_breach_recorded", "escalation_impossible"]
    assert show(staffed, tid)["assignee"] == "maria"


# --- the sweep ----------------------------------------------------------------------------------


def test_sweep_escalates_to_the_technician_on_call_at_0240(desk2):
    assign(desk2, "2026-11-23", "oncall-t2", "zhou")
    tid = _open(desk2, "2026-11-24T02:10:00+08:00", priority="P1")  # response due 02:25
    desk2.set_now("2026-11-24T02:40:00+08:00")
    actions = desk2.write(sweep)
    assert actions[-1] == {"ticket": tid, "action": "escalated", "detail": "tier 2, assignee zhou; on call"}
    event = timeline(desk2, tid, "escalated")[0]
    assert (event["actor"], event["details"]["automatic"], event["details"]["picked"]) == ("system", True, "on call")


@pytest.mark.parametrize("ack_at", ["2026-11-23T09:10:00+08:00", "2026-11-23T09:30:00+08:00"])
def test_sweep_never_takes_an_acknowledged_ticket_away(desk2, ack_at):
    assign(desk2, "2026-11-23", "oncall-t2", "zhou")
    tid = _open(desk2, "2026-11-23T09:00:00+08:00", priority="P1")  # response due 09:15
    desk2.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="wang")
    desk2.set_now(ack_at)  # in time, or after the deadline but before any sweep ran
    desk2.write(lifecycle.ack_ticket, actor="wang", ticket_id=tid)
    for when in ("2026-11-23T09:40:00+08:00", "2026-11-23T20:00:00+08:00", "2026-11-24T02:40:00+08:00"):
        desk2.set_now(when)  # later, past the resolution target too, with zhou on call
        actions = desk2.write(sweep)
        assert all(a["action"] not in ("escalated", "escalation_impossible") for a in actions), actions
    t = show(desk2, tid)
    assert (t["assignee"], t["tier"], t["status"], t["escalated"]) == ("wang", 1, "in_progress", False)
    assert timeline(desk2, tid, "escalated") == []


def test_escalate_automatic_refuses_an_acknowledged_ticket(desk2):
    tid = _open(desk2, "2026-11-23T09:00:00+08:00", priority="P1")
    desk2.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="wang")
    desk2.write(lifecycle.ack_ticket, actor="wang", ticket_id=tid)
    refused(desk2, lifecycle.escalate_ticket, Conflict, "stays with the person working it", actor="system",
            state_of=tid, ticket_id=tid, reason="sweep", automatic=True)


# --- release: a technician hands a ticket back --------------------------------------------------


@pytest.fixture
def held(desk2):
    """The desk's rota (zhang day 08-20, wang night 20-08 on 23 Nov); ticket 1 escalated to li and acked."""
    add_day_and_night(desk2)
    assign(desk2, "2026-11-23", "day", "zhang")
    assign(desk2, "2026-11-23", "night", "wang")
    tid = _open(desk2, "2026-11-23T10:00:00+08:00")
    desk2.write(lifecycle.escalate_ticket, actor="zhang", ticket_id=tid, reason="x", to="li")
    desk2.write(lifecycle.ack_ticket, actor="li", ticket_id=tid)
    return desk2


def _release(desk, actor="li", **kw):
    return desk.write(handback.release_ticket, actor=actor, ticket_id=1, reason="not a network fault", **kw)


def test_release_goes_to_the_officer_on_duty(held):
    held.set_now("2026-11-23T21:00:00+08:00")
    view = _release(held)
    assert (view["tier"], view["assignee"], view["status"], view["picked"]) == (1, "wang", "assigned", "on duty")
    event = timeline(held, 1, "released")[0]
    assert (event["actor"], event["from"], event["to"]) == ("li", "tier 2", "tier 1")
    assert {k: event["details"][k] for k in ("from", "assignee", "picked", "reason")} == {
        "from": "li", "assignee": "wang", "picked": "on duty", "reason": "not a network fault"}
    assert row(held, 1)["acknowledged_at"] is not None  # the response clock stays stopped


def test_release_with_nobody_on_duty_goes_to_the_desk_queue(held):
    held.set_now("2026-11-25T12:00:00+08:00")  # no desk shift planned on the 25th
    view = _release(held)
    assert (view["tier"], view["assignee"], view["status"], view["picked"]) == (
        1, None, "new", "desk queue, nobody on duty")


def test_release_to_a_named_officer(held):
    view = _release(held, to="zhang")
    assert (view["assignee"], view["picked"]) == ("zhang", "named")


def test_release_to_a_technician_is_invalid(held):
    refused(held, handback.release_ticket, InvalidInput, "maria is a technician", actor="li", ticket_id=1,
            reason="x", to="maria")


@pytest.mark.parametrize("actor", ["zhou", "zhang"])
def test_release_by_someone_else_is_permission_denied(held, actor):
    refused(held, handback.release_ticket, PermissionDenied, "only its assignee or a supervisor", actor=actor,
            ticket_id=1, reason="x")


def test_release_by_a_supervisor(held):
    view = _release(held, actor="lead")
    assert (view["assignee"], view["tier"]) == ("zhang", 1)


def test_release_at_tier_1_or_unassigned_is_a_conflict(held):
    _release(held)
    refused(held, handback.release_ticket, Conflict, "at the desk already", actor="zhang", ticket_id=1, reason="x")
    tid = _open(held, "2026-11-23T11:00:00+08:00")
    refused(held, handback.release_ticket, Conflict, "nothing to hand back", actor="lead", state_of=tid,
            ticket_id=tid, reason="x")


def test_release_needs_a_reason(held):
    refused(held, handback.release_ticket, InvalidInput, "reason", actor="li", ticket_id=1, reason="  ")


def test_technician_assigning_their_ticket_is_told_to_release(held):
    msg = refused(held, lifecycle.assign_ticket, PermissionDenied, "deskctl ticket release 1", actor="li",
                  ticket_id=1, handle="zhang")
    assert "only a supervisor or officer may assign" in msg


def test_release_tells_whoever_has_the_ticket_now(held):
    """Handing a ticket back is news for the desk: the officer it went to hears it (the
    `ticket.released` event), or, with nobody picked, the officers on duty do."""
    from tests.services.notify_steps import add_channel, notes

    add_channel(held, target="http://127.0.0.1:9/hook")  # only the outbox rows matter here
    held.set_now("2026-11-23T21:00:00+08:00")
    _release(held)
    [note] = [n for n in notes(held) if n["event"] == "ticket.released"]
    assert note["to"] == ["wang"]
    assert note["text"].startswith("Ticket 1 (P3) handed back to tier 1 at 2026-11-23 21:00 and assigned to wang")
    assert note["text"].endswith("Acknowledge: deskctl ticket ack 1")


def test_release_with_nobody_picked_says_so(held):
    from tests.services.notify_steps import add_channel, notes

    add_channel(held, target="http://127.0.0.1:9/hook")
    held.set_now("2026-11-25T12:00:00+08:00")  # nobody on desk duty
    _release(held)
    [note] = [n for n in notes(held) if n["event"] == "ticket.released"]
    assert note["to"] == ["lead"]  # nobody holds it and nobody is on duty: the supervisor hears
    assert "nobody on duty to take it" in note["text"] and "deskctl ticket assign 1 HANDLE" in note["text"]
