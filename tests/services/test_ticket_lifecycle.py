"""The ticket lifecycle rules (SPEC §3) at the service layer: transitions, who may do what, every
refusal with its DeskError (the exit code) and advice, and after every refusal nothing changed.
The CLI side (parsing, output, the one-line error) is in tests/cli/test_ticket_lifecycle.py."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.people.staff import deactivate_staff
from deskctl.services.tickets import lifecycle, views
from tests.conftest import FROZEN_NOW
from tests.services.ticket_steps import (
    at,
    events,
    open_ticket,
    refused,
    row,
    show,
    timeline,
    walk_to,
)

NOW = at(FROZEN_NOW)


def _nothing_opened(desk):
    assert desk.read(views.list_tickets, statuses=["all"]) == []
    assert events(desk, entity="ticket") == []


# --- open -------------------------------------------------------------------------------------


def test_open_ticket_records_a_new_tier_1_ticket(staffed):
    t = open_ticket(staffed, "VPN 无法连接", contact="13800000000", system="vpn", impact="high", urgency="medium")
    assert (t["id"], t["status"], t["priority"], t["tier"], t["opened_by"]) == (1, "new", "P2", 1, "zhang")
    assert (t["contact"], t["system"], t["opened_at"]) == ("13800000000", "vpn", NOW)
    assert [(e["kind"], e["actor"], e["to"]) for e in timeline(staffed)] == [("opened", "zhang", "new")]


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [("high", "high", "P1"), ("high", "low", "P3"), ("low", "medium", "P4"), ("MEDIUM", "High", "P2")],
)
def test_open_ticket_priority_from_matrix(staffed, impact, urgency, priority):
    t = open_ticket(staffed, "x", impact=impact, urgency=urgency)
    assert t["priority"] == priority
    assert (t["impact"], t["urgency"]) == (impact.lower(), urgency.lower())


def test_open_ticket_priority_matrix_is_configurable(staffed):
    staffed.configure("priority_matrix.low.low", "P1")
    assert open_ticket(staffed, "x", impact="low", urgency="low")["priority"] == "P1"


def test_open_ticket_default_priority_is_medium_medium(staffed):
    t = open_ticket(staffed, "x")
    assert t["priority"] == "P3"
    assert t["channel"] == "phone"


@pytest.mark.parametrize(
    ("fields", "snippet"),
    [
        ({"title": "x", "priority": "P9"}, "P9"),
        ({"title": ""}, "title must not be empty"),
        ({"title": "   "}, "title must not be empty"),
        ({"title": "x", "reporter": ""}, "reporter must not be empty"),
        ({"title": "x", "impact": "huge"}, "impact"),
        ({"title": "x", "channel": "pigeon"}, "channel"),
        ({"title": "bad\x00title"}, "NUL"),
        ({"title": "x", "description": "a\x00b"}, "NUL"),
        ({"title": "two\nlines"}, "one line"),
    ],
)
def test_open_ticket_invalid_is_refused_and_stores_nothing(staffed, fields, snippet):
    fields = {"reporter": "r", **fields}
    refused(staffed, lifecycle.open_ticket, InvalidInput, snippet, state_of=None, **fields)
    _nothing_opened(staffed)


@pytest.mark.xfail(strict=True, reason="the rule 'give --priority or --impact/--urgency, not both' lives in the "
                   "CLI (cli/tickets.py open_), not in open_ticket: any other caller (ticket import) stores a "
                   "priority that contradicts the matrix")
def test_open_ticket_priority_with_impact_and_urgency_is_refused(staffed):
    with pytest.raises(InvalidInput, match="not both"):
        open_ticket(staffed, "x", priority="P4", impact="high", urgency="high")  # the matrix says P1
    _nothing_opened(staffed)


def test_open_ticket_ten_megabyte_description_is_refused(staffed):
    refused(staffed, lifecycle.open_ticket, InvalidInput, "limits.text_max", "10485760", state_of=None,
            title="x", reporter="r", description="a" * (10 * 1024 * 1024))
    _nothing_opened(staffed)


def test_open_ticket_text_limit_is_configurable(staffed):
    staffed.configure("limits.text_max", "100")
    refused(staffed, lifecycle.open_ticket, InvalidInput, "the limit is 100", state_of=None,
            title="x", reporter="r", description="b" * 101)
    _nothing_opened(staffed)
    assert len(open_ticket(staffed, "x", description="b" * 100)["description"]) == 100


def test_open_ticket_by_non_staff_is_permission_denied(staffed):
    refused(staffed, lifecycle.open_ticket, PermissionDenied, "not a staff member", actor="ghost",
            state_of=None, title="x", reporter="r")
    _nothing_opened(staffed)


def test_open_ticket_by_deactivated_staff_is_permission_denied(staffed):
    staffed.write(deactivate_staff, handle="wang")
    refused(staffed, lifecycle.open_ticket, PermissionDenied, "deactivated", actor="wang", state_of=None,
            title="x", reporter="r")
    _nothing_opened(staffed)


# --- assign / ack -----------------------------------------------------------------------------


def test_assign_ticket_moves_to_assignee_tier(staffed):
    open_ticket(staffed)
    t = staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=1, handle="maria")
    assert (t["status"], t["assignee"], t["tier"]) == ("assigned", "maria", 3)


def test_assign_ticket_again_counts_a_reassignment(staffed):
    walk_to(staffed, "assigned")
    assert row(staffed)["reassign_count"] == 0  # the first dispatch is not a reassignment
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=1, handle="maria")
    last = timeline(staffed)[-1]
    assert (last["kind"], last["details"]["assignee"]) == ("assigned", "maria")
    assert row(staffed)["reassign_count"] == 1


def test_assign_ticket_same_person_twice_is_a_conflict(staffed):
    walk_to(staffed, "assigned")
    refused(staffed, lifecycle.assign_ticket, Conflict, "already assigned to li", ticket_id=1, handle="li")


def test_assign_ticket_by_technician_is_permission_denied(staffed):
    open_ticket(staffed)
    refused(staffed, lifecycle.assign_ticket, PermissionDenied, "officer", actor="li", ticket_id=1, handle="li")


def test_assign_ticket_unknown_handle_is_not_found(staffed):
    open_ticket(staffed)
    refused(staffed, lifecycle.assign_ticket, NotFound, "ghost", ticket_id=1, handle="ghost")


def test_assign_ticket_to_deactivated_member_is_a_conflict(staffed):
    open_ticket(staffed)
    staffed.write(deactivate_staff, handle="wang")
    refused(staffed, lifecycle.assign_ticket, Conflict, "deactivated", ticket_id=1, handle="wang")


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        (views.show_ticket, {}),
        (lifecycle.assign_ticket, {"handle": "li"}),
        (lifecycle.ack_ticket, {}),
        (lifecycle.add_note, {"text": "x"}),
        (lifecycle.resolve_ticket, {"resolution": "x"}),
        (lifecycle.cancel_ticket, {"reason": "x"}),
    ],
    ids=["show", "assign", "ack", "note", "resolve", "cancel"],
)
def test_ticket_services_unknown_ticket_is_not_found(staffed, service, kwargs):
    refused(staffed, service, NotFound, "no ticket 99", state_of=None, ticket_id=99, **kwargs)


def test_ack_ticket_by_someone_not_assigned_is_a_conflict(staffed):
    walk_to(staffed, "assigned")
    refused(staffed, lifecycle.ack_ticket, Conflict, "assigned to li", "deskctl ticket assign 1 maria",
            actor="maria", ticket_id=1)


def test_ack_ticket_new_ticket_is_a_conflict(staffed):
    open_ticket(staffed)
    refused(staffed, lifecycle.ack_ticket, Conflict, "assign it first", actor="li", ticket_id=1)


def test_ack_ticket_stops_the_response_clock_at_now(staffed):
    walk_to(staffed, "assigned")
    t = staffed.write(lifecycle.ack_ticket, actor="li", ticket_id=1)
    assert (t["status"], t["tier"], t["assignee"], t["acknowledged_at"]) == ("in_progress", 2, "li", NOW)


def test_wait_ticket_by_non_assignee_is_a_conflict_supervisor_may(staffed):
    walk_to(staffed, "in_progress")
    refused(staffed, lifecycle.wait_ticket, Conflict, "assigned to li", actor="wang", ticket_id=1, reason="x")
    assert staffed.write(lifecycle.wait_ticket, actor="lead", ticket_id=1, reason="x")["status"] == "waiting"


def test_wait_ticket_blank_reason_is_invalid(staffed):
    walk_to(staffed, "in_progress")
    refused(staffed, lifecycle.wait_ticket, InvalidInput, "reason must not be empty", actor="li",
            ticket_id=1, reason="  ")


# --- escalate -----------------------------------------------------------------------------------


def test_escalate_ticket_moves_tier_1_2_3_then_refuses(staffed):
    open_ticket(staffed)
    first = staffed.write(lifecycle.escalate_ticket, actor="zhang", ticket_id=1, reason="needs network team")
    assert (first["tier"], first["assignee"], first["status"]) == (2, "li", "assigned")
    second = staffed.write(lifecycle.escalate_ticket, actor="li", ticket_id=1, reason="firmware")
    assert (second["tier"], second["assignee"], second["status"]) == (3, "maria", "assigned")
    refused(staffed, lifecycle.escalate_ticket, Conflict, "already at tier 3", "deskctl ticket assign 1",
            actor="maria", ticket_id=1, reason="more")
    escalations = [(e["from"], e["to"], e["details"]["reason"]) for e in timeline(staffed, kind="escalated")]
    assert escalations == [("tier 1", "tier 2", "needs network team"), ("tier 2", "tier 3", "firmware")]


def test_escalate_ticket_in_progress_goes_back_to_assigned(staffed):
    walk_to(staffed, "in_progress")
    t = staffed.write(lifecycle.escalate_ticket, actor="li", ticket_id=1, reason="beyond me")
    assert (t["status"], t["tier"], t["assignee"]) == ("assigned", 3, "maria")


def test_escalate_ticket_to_lower_tier_person_is_invalid(staffed):
    walk_to(staffed, "assigned")  # tier 2
    refused(staffed, lifecycle.escalate_ticket, InvalidInput, "tier 1", "tier 3", ticket_id=1, to="wang",
            reason="x")


def test_escalate_ticket_to_named_person(staffed):
    open_ticket(staffed)
    t = staffed.write(lifecycle.escalate_ticket, actor="zhang", ticket_id=1, to="maria", reason="specialist")
    assert (t["tier"], t["assignee"]) == (3, "maria")


def test_escalate_ticket_to_unknown_is_not_found(staffed):
    open_ticket(staffed)
    refused(staffed, lifecycle.escalate_ticket, NotFound, "ghost", ticket_id=1, to="ghost", reason="x")


def test_escalate_ticket_waiting_is_a_conflict(staffed):
    walk_to(staffed, "waiting")
    refused(staffed, lifecycle.escalate_ticket, Conflict, "resume it first", actor="li", ticket_id=1, reason="x")


# --- resolve / confirm / reopen / close / cancel ------------------------------------------------


def test_resolve_ticket_closed_is_a_conflict(staffed):
    walk_to(staffed, "closed")
    refused(staffed, lifecycle.resolve_ticket, Conflict, "it is closed", "open a new ticket", actor="li",
            ticket_id=1, resolution="again")


def test_resolve_ticket_assigned_needs_ack(staffed):
    walk_to(staffed, "assigned")
    refused(staffed, lifecycle.resolve_ticket, Conflict, "ticket ack 1", actor="li", ticket_id=1, resolution="x")


def test_resolve_ticket_by_non_assignee_is_a_conflict(staffed):
    walk_to(staffed, "in_progress")
    refused(staffed, lifecycle.resolve_ticket, Conflict, "assigned to li", actor="maria", ticket_id=1,
            resolution="x")


def test_resolve_ticket_records_tier_and_who(staffed):
    walk_to(staffed, "resolved")
    t = show(staffed)
    assert (t["resolved_by"], t["resolved_at"], t["resolution"]) == ("li", NOW, "fixed")
    assert row(staffed)["resolved_tier"] == 2


def test_confirm_ticket_unresolved_is_a_conflict(staffed):
    walk_to(staffed, "in_progress")
    refused(staffed, lifecycle.confirm_ticket, Conflict, "resolve it first", ticket_id=1, rating=5)


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_confirm_ticket_rating_out_of_range_is_invalid(staffed, rating):
    walk_to(staffed, "resolved")
    refused(staffed, lifecycle.confirm_ticket, InvalidInput, f"rating {rating} is not 1 to 5", ticket_id=1,
            rating=rating)


def test_confirm_ticket_closes_with_rating_and_comment(staffed):
    walk_to(staffed, "resolved")
    t = staffed.write(lifecycle.confirm_ticket, actor="zhang", ticket_id=1, rating=5, comment="works")
    assert (t["status"], t["rating"], t["rating_comment"], t["confirmed"], t["closed_at"]) == (
        "closed", 5, "works", True, NOW)


def test_confirm_ticket_twice_is_a_conflict(staffed):
    walk_to(staffed, "closed")
    refused(staffed, lifecycle.confirm_ticket, Conflict, "it is already closed", ticket_id=1, rating=5)


def test_reopen_ticket_keeps_count_and_returns_to_in_progress(staffed):
    walk_to(staffed, "resolved")
    t = staffed.write(lifecycle.reopen_ticket, actor="zhang", ticket_id=1, reason="still broken")
    assert (t["status"], t["reopen_count"], t["resolved_at"], t["resolved_by"]) == ("in_progress", 1, None, None)
    staffed.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="really fixed")
    t = staffed.write(lifecycle.reopen_ticket, actor="zhang", ticket_id=1, reason="no")
    assert (t["status"], t["reopen_count"]) == ("in_progress", 2)
    staffed.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="third time")
    closed = staffed.write(lifecycle.confirm_ticket, actor="zhang", ticket_id=1, rating=3)
    assert (closed["status"], closed["reopen_count"]) == ("closed", 2)
    assert [e["details"]["reopen_count"] for e in timeline(staffed, kind="reopened")] == [1, 2]


def test_reopen_ticket_in_progress_is_a_conflict(staffed):
    walk_to(staffed, "in_progress")
    refused(staffed, lifecycle.reopen_ticket, Conflict, "resolve it first", ticket_id=1, reason="x")


def test_reopen_ticket_closed_is_a_conflict(staffed):
    walk_to(staffed, "closed")
    refused(staffed, lifecycle.reopen_ticket, Conflict, "open a new ticket", ticket_id=1, reason="x")


def test_close_unconfirmed_flags_the_ticket(staffed):
    walk_to(staffed, "resolved")
    t = staffed.write(lifecycle.close_unconfirmed, actor="zhang", ticket_id=1, reason="user unreachable")
    assert (t["status"], t["confirmed"], t["close_reason"], t["rating"]) == (
        "closed", False, "user unreachable", None)
    last = timeline(staffed)[-1]
    assert (last["kind"], last["actor"], last["from"], last["to"]) == (
        "closed_unconfirmed", "zhang", "resolved", "closed")


def test_close_unconfirmed_by_technician_is_permission_denied(staffed):
    walk_to(staffed, "resolved")
    refused(staffed, lifecycle.close_unconfirmed, PermissionDenied, "officer", actor="li", ticket_id=1, reason="x")


def test_close_unconfirmed_in_progress_is_a_conflict(staffed):
    walk_to(staffed, "in_progress")
    refused(staffed, lifecycle.close_unconfirmed, Conflict, "resolve it first", ticket_id=1, reason="x")


@pytest.mark.parametrize("status", ["new", "assigned", "in_progress", "waiting"])
def test_cancel_ticket_from_open_states(staffed, status):
    walk_to(staffed, status)
    t = staffed.write(lifecycle.cancel_ticket, actor="zhang", ticket_id=1, reason="opened by mistake")
    assert (t["status"], t["cancel_reason"], t["closed_at"]) == ("cancelled", "opened by mistake", NOW)
    assert timeline(staffed)[-1]["from"] == status


def test_cancel_ticket_duplicate_of(staffed):
    open_ticket(staffed)
    open_ticket(staffed, "same again")
    t = staffed.write(lifecycle.cancel_ticket, actor="zhang", ticket_id=2, reason="dup", duplicate_of=1)
    assert (t["status"], t["duplicate_of"]) == ("cancelled", 1)
    assert timeline(staffed, 2)[-1]["details"]["duplicate_of"] == 1


def test_cancel_ticket_duplicate_of_unknown_is_not_found(staffed):
    open_ticket(staffed)
    refused(staffed, lifecycle.cancel_ticket, NotFound, "no ticket 42", ticket_id=1, reason="dup", duplicate_of=42)


def test_cancel_ticket_duplicate_of_itself_is_invalid(staffed):
    open_ticket(staffed)
    refused(staffed, lifecycle.cancel_ticket, InvalidInput, "itself", ticket_id=1, reason="dup", duplicate_of=1)


@pytest.mark.parametrize("status", ["resolved", "closed", "cancelled"])
def test_cancel_ticket_not_open_is_a_conflict(staffed, status):
    walk_to(staffed, status)
    refused(staffed, lifecycle.cancel_ticket, Conflict, "cannot cancel ticket 1", ticket_id=1, reason="x")


REFUSED = [
    ("new", "li", lifecycle.wait_ticket, {"reason": "x"}),
    ("new", "li", lifecycle.resume_ticket, {}),
    ("in_progress", "li", lifecycle.resume_ticket, {}),
    ("in_progress", "li", lifecycle.ack_ticket, {}),
    ("waiting", "li", lifecycle.wait_ticket, {"reason": "x"}),
    ("waiting", "li", lifecycle.resolve_ticket, {"resolution": "x"}),
    ("resolved", "li", lifecycle.resolve_ticket, {"resolution": "x"}),
    ("resolved", "zhang", lifecycle.assign_ticket, {"handle": "maria"}),
    ("resolved", "li", lifecycle.resume_ticket, {}),
    ("closed", "zhang", lifecycle.assign_ticket, {"handle": "li"}),
    ("cancelled", "li", lifecycle.ack_ticket, {}),
    ("cancelled", "zhang", lifecycle.reopen_ticket, {"reason": "x"}),
]


@pytest.mark.parametrize(
    ("status", "actor", "service", "kwargs"),
    [pytest.param(*case, id=f"{case[2].__name__}-{case[0]}") for case in REFUSED],
)
def test_ticket_refused_transition_is_a_conflict_with_advice(staffed, status, actor, service, kwargs):
    walk_to(staffed, status)
    message = refused(staffed, service, Conflict, "cannot ", actor=actor, ticket_id=1, **kwargs)
    assert "; " in message  # followed by advice


def test_add_note_on_any_state_is_recorded(staffed):
    walk_to(staffed, "closed")
    staffed.write(lifecycle.add_note, actor="wang", ticket_id=1, text="user called back to say thanks")
    last = timeline(staffed)[-1]
    assert (last["kind"], last["actor"], last["details"]) == (
        "note", "wang", {"text": "user called back to say thanks", "to_user": False})


def test_add_note_to_user_is_feedback(staffed):
    walk_to(staffed, "in_progress")
    staffed.write(lifecycle.add_note, actor="li", ticket_id=1, text="rebooted the concentrator", to_user=True)
    last = timeline(staffed)[-1]
    assert (last["kind"], last["actor"], last["details"]) == (
        "feedback", "li", {"text": "rebooted the concentrator", "to_user": True})


def test_add_note_empty_is_invalid(staffed):
    open_ticket(staffed)
    refused(staffed, lifecycle.add_note, InvalidInput, "note must not be empty", ticket_id=1, text="  ")


def test_ticket_walkthrough_timeline_records_every_step(staffed):
    """The issue's walk-through at the service layer: each step's event, actor and states."""
    open_ticket(staffed, impact="high", urgency="medium")
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=1, handle="li")
    staffed.write(lifecycle.ack_ticket, actor="li", ticket_id=1)
    staffed.write(lifecycle.add_note, actor="li", ticket_id=1, text="rebooted the concentrator", to_user=True)
    staffed.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="waiting for the user to test")
    staffed.write(lifecycle.resume_ticket, actor="li", ticket_id=1)
    staffed.write(lifecycle.resolve_ticket, actor="li", ticket_id=1, resolution="firmware upgraded")
    staffed.write(lifecycle.confirm_ticket, actor="zhang", ticket_id=1, rating=5, comment="works")
    shown = show(staffed)
    assert [(e["kind"], e["actor"], e["from"], e["to"]) for e in shown["timeline"]] == [
        ("opened", "zhang", None, "new"),
        ("assigned", "zhang", "new", "assigned"),
        ("acknowledged", "li", "assigned", "in_progress"),
        ("feedback", "li", None, None),
        ("waiting", "li", "in_progress", "waiting"),
        ("resumed", "li", "waiting", "in_progress"),
        ("resolved", "li", "in_progress", "resolved"),
        ("confirmed", "zhang", "resolved", "closed"),
    ]
    assert (shown["sla"]["response"]["state"], shown["sla"]["resolution"]["state"]) == ("met", "met")
