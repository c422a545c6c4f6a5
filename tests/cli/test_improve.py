"""`deskctl review …` and `deskctl improve …`: output, options (repeatable and comma-separated
--ticket, --untick, --status, --overdue), exit codes. The rules: tests/services/test_improve.py."""

from __future__ import annotations

from datetime import date

from deskctl.services.people.improvements import add_improvement
from tests.services.ticket_steps import open_ticket


def _tickets(desk, n=2):
    for _ in range(n):
        open_ticket(desk, "VPN down", system="vpn", priority="P2")


def _add(desk, tickets=None, due="2026-12-15"):
    desk.write(add_improvement, title="VPN 反复故障", problem="7 VPN faults in a month", action="replace concentrator",
               owner="li", due=date.fromisoformat(due), ticket_ids=tickets)


# --- reviews --------------------------------------------------------------------------------


def test_review_add_and_list(staffed):
    view = staffed.json("--as", "lead", "review", "add", "--area", "handover", "--score", "4",
                        "--finding", "handover notes too short", "--staff", "wang")
    assert (view["area"], view["score"], view["staff"], view["reviewer"]) == ("handover", 4, "wang", "lead")
    staffed.ok("--as", "lead", "review", "add", "--area", "workflow", "--score", "5", "--finding", "good")
    assert len(staffed.json("review", "list")) == 2
    assert [r["finding"] for r in staffed.json("review", "list", "--staff", "wang")] == ["handover notes too short"]
    assert [r["area"] for r in staffed.json("review", "list", "--area", "workflow")] == ["workflow"]


def test_review_bad_input_exits_2_and_officer_exits_5(staffed):
    res = staffed.run("--as", "lead", "review", "add", "--area", "workflow", "--score", "0", "--finding", "x")
    assert res.exit_code == 2 and "1 to 5" in res.stderr
    res = staffed.run("--as", "lead", "review", "add", "--area", "workflow", "--score", "good", "--finding", "x")
    assert res.exit_code == 2 and "--score" in res.stderr
    res = staffed.run("--as", "zhang", "review", "add", "--area", "workflow", "--score", "3", "--finding", "x")
    assert res.exit_code == 5
    assert staffed.json("review", "list") == []


# --- improvements ---------------------------------------------------------------------------


def test_improve_add_list_show(staffed):
    _tickets(staffed)
    view = staffed.json("--as", "lead", "improve", "add", "VPN 反复故障", "--problem", "7 VPN faults in a month",
                        "--action", "replace concentrator", "--owner", "li", "--due", "2026-12-15",
                        "--ticket", "1", "--ticket", "2")
    assert (view["id"], view["status"], view["owner"], view["due"], view["tickets"]) == (
        1, "open", "li", "2026-12-15", [1, 2])
    assert [r["id"] for r in staffed.json("improve", "list")] == [1]
    shown = staffed.json("improve", "show", "1")
    assert [t["status"] for t in shown["linked_tickets"]] == ["new", "new"]
    assert "VPN down" in staffed.ok("improve", "show", "1").stdout


def test_improve_add_unknown_ticket_exits_3(staffed):
    res = staffed.run("--as", "lead", "improve", "add", "t", "--problem", "p", "--action", "a", "--owner", "li",
                      "--due", "2026-12-01", "--ticket", "99")
    assert res.exit_code == 3
    assert res.stderr.startswith("deskctl: error: ")
    assert staffed.json("improve", "list", "--status", "all") == []


def test_improve_update_options(staffed):
    _tickets(staffed, 3)
    _add(staffed, tickets=[1])
    view = staffed.json("--as", "li", "improve", "update", "1", "--due", "2026-12-20", "--ticket", "2,3",
                        "--untick", "1", "--outcome", "vendor contacted")
    assert (view["due"], view["tickets"], view["outcome"]) == ("2026-12-20", [2, 3], "vendor contacted")
    assert staffed.run("--as", "wang", "improve", "update", "1", "--title", "x").exit_code == 5
    dropped = staffed.json("--as", "lead", "improve", "update", "1", "--status", "dropped",
                           "--outcome", "concentrator replaced by the network team")
    assert dropped["status"] == "dropped"
    assert [r["status"] for r in staffed.json("improve", "list", "--status", "dropped")] == ["dropped"]


def test_improve_done_then_done_again_exits_4(staffed):
    _add(staffed)
    done = staffed.json("--as", "lead", "improve", "done", "1", "--outcome", "no VPN faults since")
    assert (done["status"], done["outcome"]) == ("done", "no VPN faults since")
    res = staffed.run("--as", "lead", "improve", "done", "1", "--outcome", "again")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "already done" in res.stderr


def test_improve_unknown_id_exits_3(staffed):
    assert staffed.run("improve", "show", "7").exit_code == 3
    assert staffed.run("--as", "lead", "improve", "done", "7", "--outcome", "x").exit_code == 3


def test_improve_overdue_option(staffed):
    _add(staffed, due="2026-11-30")
    staffed.set_now("2026-12-03T09:00:00+08:00")
    rows = staffed.json("improve", "list", "--overdue")
    assert [(r["id"], r["overdue"], r["days_overdue"]) for r in rows] == [(1, True, 3)]
    assert [i["id"] for i in staffed.json("status")["improvements_overdue"]] == [1]
