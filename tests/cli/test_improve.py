from __future__ import annotations

from datetime import UTC, datetime

from deskctl.store.engine import open_database
from deskctl.store.tables import Ticket


def _tickets(desk, n=2):
    db = open_database(desk.db)
    try:
        with db.write() as s:
            at = datetime(2026, 11, 20, tzinfo=UTC)
            for _ in range(n):
                s.add(Ticket(title="VPN down", reporter="r", system="vpn", priority="P2", opened_at=at,
                             updated_at=at, status="new"))
    finally:
        db.close()


# --- reviews --------------------------------------------------------------------------------


def test_review_add_and_list(staffed):
    view = staffed.json("--as", "lead", "review", "add", "--area", "handover", "--score", "4",
                        "--finding", "handover notes too short", "--staff", "wang")
    assert (view["area"], view["score"], view["staff"], view["reviewer"]) == ("handover", 4, "wang", "lead")
    staffed.ok("--as", "lead", "review", "add", "--area", "workflow", "--score", "5", "--finding", "good")
    assert len(staffed.json("review", "list")) == 2
    assert [r["finding"] for r in staffed.json("review", "list", "--staff", "wang")] == ["handover notes too short"]
    assert [r["area"] for r in staffed.json("review", "list", "--area", "workflow")] == ["workflow"]
    assert [e["kind"] for e in staffed.json("audit", "log", "--entity", "review")] == ["added", "added"]


def test_review_score_0_exits_2(staffed):
    res = staffed.run("--as", "lead", "review", "add", "--area", "workflow", "--score", "0", "--finding", "x")
    assert res.exit_code == 2
    assert "1 to 5" in res.stderr
    assert staffed.json("review", "list") == []


def test_review_bad_area_exits_2_with_the_areas(staffed):
    res = staffed.run("--as", "lead", "review", "add", "--area", "mood", "--score", "3", "--finding", "x")
    assert res.exit_code == 2
    assert "workflow, attitude, discipline, inspections, handover, other" in res.stderr


def test_review_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "review", "add", "--area", "workflow", "--score", "3", "--finding", "x")
    assert res.exit_code == 5
    assert staffed.json("review", "list") == []


# --- improvements ---------------------------------------------------------------------------


def _add(desk, *extra, who="lead", due="2026-12-15"):
    return desk.json("--as", who, "improve", "add", "VPN 反复故障", "--problem", "7 VPN faults in a month",
                     "--action", "replace concentrator", "--owner", "li", "--due", due, *extra)


def test_improve_add_list_show(staffed):
    _tickets(staffed)
    view = _add(staffed, "--ticket", "1", "--ticket", "2")
    assert (view["id"], view["status"], view["owner"], view["due"], view["tickets"]) == (
        1, "open", "li", "2026-12-15", [1, 2])
    assert [r["id"] for r in staffed.json("improve", "list")] == [1]
    shown = staffed.json("improve", "show", "1")
    assert [t["status"] for t in shown["linked_tickets"]] == ["new", "new"]
    assert staffed.json("audit", "log", "--entity", "improvement")[0]["kind"] == "added"


def test_improve_add_by_officer_is_allowed(staffed):
    assert _add(staffed, who="zhang")["created_by"] == "zhang"


def test_improve_add_unknown_ticket_exits_3(staffed):
    res = staffed.run("--as", "lead", "improve", "add", "t", "--problem", "p", "--action", "a", "--owner", "li",
                      "--due", "2026-12-01", "--ticket", "99")
    assert res.exit_code == 3
    assert staffed.json("improve", "list", "--status", "all") == []


def test_improve_add_past_due_exits_2(staffed):
    res = staffed.run("--as", "lead", "improve", "add", "t", "--problem", "p", "--action", "a", "--owner", "li",
                      "--due", "2026-11-01")
    assert res.exit_code == 2 and "past" in res.stderr


def test_improve_done_then_done_again_exits_4(staffed):
    _add(staffed)
    done = staffed.json("--as", "lead", "improve", "done", "1", "--outcome", "no VPN faults since")
    assert (done["status"], done["outcome"]) == ("done", "no VPN faults since")
    res = staffed.run("--as", "lead", "improve", "done", "1", "--outcome", "again")
    assert res.exit_code == 4
    assert "already done" in res.stderr
    assert staffed.json("improve", "show", "1")["outcome"] == "no VPN faults since"
    assert staffed.json("improve", "list") == []
    assert [r["status"] for r in staffed.json("improve", "list", "--status", "done")] == ["done"]


def test_improve_done_by_officer_exits_5(staffed):
    _add(staffed)
    res = staffed.run("--as", "li", "improve", "done", "1", "--outcome", "x")
    assert res.exit_code == 5
    assert staffed.json("improve", "show", "1")["status"] == "open"


def test_improve_update_by_owner_and_drop_by_supervisor(staffed):
    _tickets(staffed, 3)
    _add(staffed, "--ticket", "1")
    view = staffed.json("--as", "li", "improve", "update", "1", "--due", "2026-12-20", "--ticket", "2,3",
                        "--untick", "1", "--outcome", "vendor contacted")
    assert (view["due"], view["tickets"], view["outcome"]) == ("2026-12-20", [2, 3], "vendor contacted")
    assert staffed.run("--as", "wang", "improve", "update", "1", "--title", "x").exit_code == 5
    assert staffed.run("--as", "li", "improve", "update", "1", "--status", "dropped", "--outcome", "x").exit_code == 5
    assert staffed.run("--as", "lead", "improve", "update", "1", "--status", "dropped").exit_code == 2
    dropped = staffed.json("--as", "lead", "improve", "update", "1", "--status", "dropped",
                           "--outcome", "concentrator replaced by the network team")
    assert dropped["status"] == "dropped"
    assert staffed.run("--as", "lead", "improve", "update", "1", "--title", "again").exit_code == 4
    kinds = [e["kind"] for e in staffed.json("audit", "log", "--entity", "improvement")]
    assert kinds == ["added", "edited", "dropped"]


def test_improve_unknown_id_exits_3(staffed):
    assert staffed.run("improve", "show", "7").exit_code == 3
    assert staffed.run("--as", "lead", "improve", "done", "7", "--outcome", "x").exit_code == 3


def test_improve_overdue_shown_in_list_and_status(staffed):
    _add(staffed, due="2026-11-30")
    staffed.set_now("2026-12-03T09:00:00+08:00")
    rows = staffed.json("improve", "list", "--overdue")
    assert [(r["id"], r["overdue"], r["days_overdue"]) for r in rows] == [(1, True, 3)]
    status = staffed.json("status")
    assert [(i["id"], i["days_overdue"]) for i in status["improvements_overdue"]] == [(1, 3)]


def test_improve_recurring_report_shows_linked_improvements(staffed):
    _tickets(staffed, 3)
    _add(staffed, "--ticket", "2")
    groups = staffed.json("report", "recurring", "--period", "2026-11")["groups"]
    vpn = next(g for g in groups if g["key"] == "vpn")
    assert vpn["ticket_ids"] == [1, 2, 3] and vpn["improvements"] == [1]
