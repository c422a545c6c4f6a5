"""Reviews and improvements at the service layer: who may add, change, drop and complete them,
linked tickets, overdue improvements in status and in the recurring-faults report."""

from __future__ import annotations

from datetime import date

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.people import improvements, reviews
from deskctl.services.status import desk_status
from deskctl.services.tickets import lifecycle
from tests.services.october import report
from tests.services.ticket_steps import events, open_ticket

# --- reviews --------------------------------------------------------------------------------


def _review(desk, actor="lead", **kw):
    return desk.write(reviews.add_review, actor=actor, **{"area": "workflow", "score": 3, "finding": "x", **kw})


def test_add_review_and_list(staffed):
    view = _review(staffed, area="handover", score=4, finding="handover notes too short", handle="wang")
    assert (view["area"], view["score"], view["staff"], view["reviewer"]) == ("handover", 4, "wang", "lead")
    _review(staffed, score=5, finding="good")
    assert len(staffed.read(reviews.list_reviews)) == 2
    assert [r["finding"] for r in staffed.read(reviews.list_reviews, handle="wang")] == ["handover notes too short"]
    assert [r["area"] for r in staffed.read(reviews.list_reviews, area="workflow")] == ["workflow"]
    assert [e["kind"] for e in events(staffed, entity="review")] == ["added", "added"]


@pytest.mark.parametrize("score", [0, 6, True])
def test_add_review_score_out_of_range_is_invalid(staffed, score):
    with pytest.raises(InvalidInput, match="1 to 5"):
        _review(staffed, score=score)
    assert staffed.read(reviews.list_reviews) == []


def test_add_review_bad_area_names_the_areas(staffed):
    with pytest.raises(InvalidInput, match="workflow, attitude, discipline, inspections, handover, other"):
        _review(staffed, area="mood")


def test_add_review_by_officer_is_permission_denied(staffed):
    with pytest.raises(PermissionDenied):
        _review(staffed, actor="zhang")
    assert staffed.read(reviews.list_reviews) == []


# --- improvements ---------------------------------------------------------------------------


def _add(desk, who="lead", due="2026-12-15", tickets=None):
    return desk.write(improvements.add_improvement, actor=who, title="VPN 反复故障", problem="7 VPN faults in a month",
                      action="replace concentrator", owner="li", due=date.fromisoformat(due), ticket_ids=tickets)


def _tickets(desk, n):
    for _ in range(n):
        open_ticket(desk, "VPN down", system="vpn", priority="P2")


def _update(desk, actor="lead", **kw):
    return desk.write(improvements.update_improvement, actor=actor, improvement_id=1, **kw)


def test_add_improvement_list_show(staffed):
    _tickets(staffed, 2)
    view = _add(staffed, tickets=[1, 2])
    assert (view["id"], view["status"], view["owner"], view["due"], view["tickets"]) == (
        1, "open", "li", date(2026, 12, 15), [1, 2])
    assert [r["id"] for r in staffed.read(improvements.list_improvements)] == [1]
    shown = staffed.read(improvements.show_improvement, improvement_id=1)
    assert [(t["id"], t["status"]) for t in shown["linked_tickets"]] == [(1, "new"), (2, "new")]
    assert events(staffed, entity="improvement")[0]["kind"] == "added"


def test_add_improvement_by_officer_is_allowed(staffed):
    assert _add(staffed, who="zhang")["created_by"] == "zhang"


def test_add_improvement_unknown_ticket_is_not_found(staffed):
    with pytest.raises(NotFound, match="99"):
        _add(staffed, tickets=[99])
    assert staffed.read(improvements.list_improvements, status="all") == []


def test_add_improvement_past_due_is_invalid(staffed):
    with pytest.raises(InvalidInput, match="past"):
        _add(staffed, due="2026-11-01")


def test_complete_improvement_then_again_is_a_conflict(staffed):
    _add(staffed)
    done = staffed.write(improvements.complete_improvement, improvement_id=1, outcome="no VPN faults since")
    assert (done["status"], done["outcome"]) == ("done", "no VPN faults since")
    with pytest.raises(Conflict, match="already done"):
        staffed.write(improvements.complete_improvement, improvement_id=1, outcome="again")
    assert staffed.read(improvements.show_improvement, improvement_id=1)["outcome"] == "no VPN faults since"
    assert staffed.read(improvements.list_improvements) == []
    assert [r["status"] for r in staffed.read(improvements.list_improvements, status="done")] == ["done"]


def test_complete_improvement_by_officer_is_permission_denied(staffed):
    _add(staffed)
    with pytest.raises(PermissionDenied):
        staffed.write(improvements.complete_improvement, actor="li", improvement_id=1, outcome="x")
    assert staffed.read(improvements.show_improvement, improvement_id=1)["status"] == "open"


def test_update_improvement_by_owner_and_drop_by_supervisor(staffed):
    _tickets(staffed, 3)
    _add(staffed, tickets=[1])
    view = _update(staffed, actor="li", due=date(2026, 12, 20), add_tickets=[2, 3], remove_tickets=[1],
                   outcome="vendor contacted")
    assert (view["due"], view["tickets"], view["outcome"]) == (date(2026, 12, 20), [2, 3], "vendor contacted")
    with pytest.raises(PermissionDenied):
        _update(staffed, actor="wang", title="x")
    with pytest.raises(PermissionDenied):
        _update(staffed, actor="li", status="dropped", outcome="x")
    with pytest.raises(InvalidInput):
        _update(staffed, status="dropped")  # dropping needs the why
    dropped = _update(staffed, status="dropped", outcome="concentrator replaced by the network team")
    assert dropped["status"] == "dropped"
    with pytest.raises(Conflict):
        _update(staffed, title="again")
    assert [e["kind"] for e in events(staffed, entity="improvement")] == ["added", "edited", "dropped"]


def test_update_improvement_nothing_is_invalid(staffed):
    _add(staffed)
    with pytest.raises(InvalidInput, match="nothing to change"):
        _update(staffed, due=date(2026, 12, 15))


def test_improvement_unknown_id_is_not_found(staffed):
    with pytest.raises(NotFound):
        staffed.read(improvements.show_improvement, improvement_id=7)
    with pytest.raises(NotFound):
        staffed.write(improvements.complete_improvement, improvement_id=7, outcome="x")


def test_improvement_overdue_in_list_and_status(staffed):
    _add(staffed, due="2026-11-30")
    staffed.set_now("2026-12-03T09:00:00+08:00")
    rows = staffed.read(improvements.list_improvements, overdue_only=True)
    assert [(r["id"], r["overdue"], r["days_overdue"]) for r in rows] == [(1, True, 3)]
    status = staffed.read(desk_status, actor="zhang")
    assert [(i["id"], i["days_overdue"]) for i in status["improvements_overdue"]] == [(1, 3)]


def test_improvement_linked_in_the_recurring_report(staffed):
    _tickets(staffed, 3)
    _add(staffed, tickets=[2])
    staffed.write(lifecycle.cancel_ticket, ticket_id=3, reason="dup")  # cancelled tickets are not faults
    groups = report(staffed, "recurring", "2026-11", threshold=2)["groups"]
    vpn = next(g for g in groups if g["key"] == "vpn")
    assert vpn["ticket_ids"] == [1, 2] and vpn["improvements"] == [1]
