"""The ticket commands through the CLI (SPEC §3): the duty officer's walk-through, each command's
output and options, the one-line error with its exit code, and what the CLI parses itself.
The rules and refusals are tested at the service layer: tests/services/test_ticket_lifecycle.py."""

from __future__ import annotations

import pytest

from tests.services.ticket_steps import open_ticket, walk_to

ZHANG = {"DESKCTL_USER": "zhang"}


def _show(desk, tid=1):
    return desk.json("ticket", "show", str(tid))


def _state(desk, tid=1):
    """Everything a refusal must leave alone: the ticket (version, status, timeline) and the log."""
    return _show(desk, tid), desk.json("audit", "log", "--limit", "100000")


def _refused(desk, args, code, *snippets, tid=1, env=None):
    before = _state(desk, tid)
    res = desk.run(*args, env=env)
    assert res.exit_code == code, f"stdout: {res.stdout}\nstderr: {res.stderr}"
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ")
    assert res.stderr.count("\n") == 1
    assert "Traceback" not in res.stderr
    for snippet in snippets:
        assert snippet in res.stderr
    assert _state(desk, tid) == before
    return res


# --- the walk-through from the issue ----------------------------------------------------------


def test_ticket_walkthrough_ends_closed_with_rating_5(staffed):
    d = staffed
    opened = d.json("ticket", "open", "VPN 无法连接", "--reporter", "财务部 刘女士", "--contact",
                    "13800000000", "--system", "vpn", "--impact", "high", "--urgency", "medium", env=ZHANG)
    assert opened["id"] == 1
    assert (opened["status"], opened["priority"], opened["tier"]) == ("new", "P2", 1)
    assert opened["opened_by"] == "zhang"
    listed = d.json("ticket", "list", env=ZHANG)
    assert [(t["id"], t["status"]) for t in listed] == [(1, "new")]
    assert d.json("ticket", "assign", "1", "li", env=ZHANG)["status"] == "assigned"
    ack = d.json("--as", "li", "ticket", "ack", "1")
    assert (ack["status"], ack["tier"], ack["assignee"]) == ("in_progress", 2, "li")
    assert ack["acknowledged_at"] == "2026-11-23T09:00:00+08:00"
    d.ok("--as", "li", "ticket", "note", "1", "rebooted the concentrator", "--to-user")
    assert d.json("--as", "li", "ticket", "wait", "1",
                  "--reason", "waiting for the user to test")["status"] == "waiting"
    assert d.json("--as", "li", "ticket", "resume", "1")["status"] == "in_progress"
    resolved = d.json("--as", "li", "ticket", "resolve", "1", "--resolution", "concentrator firmware bug; upgraded")
    assert (resolved["status"], resolved["resolved_by"]) == ("resolved", "li")
    closed = d.json("ticket", "confirm", "1", "--rating", "5", "--comment", "works", env=ZHANG)
    assert closed["status"] == "closed"
    shown = d.json("ticket", "show", "1", env=ZHANG)
    assert shown["status"] == "closed"
    assert (shown["rating"], shown["rating_comment"], shown["confirmed"]) == (5, "works", True)
    assert shown["resolution"] == "concentrator firmware bug; upgraded"
    kinds = [e["kind"] for e in shown["timeline"]]
    assert kinds == ["opened", "assigned", "acknowledged", "feedback", "waiting", "resumed", "resolved",
                     "confirmed"]
    feedback = shown["timeline"][3]
    assert (feedback["actor"], feedback["details"]["text"], feedback["details"]["to_user"]) == (
        "li", "rebooted the concentrator", True)
    assert [(e["from"], e["to"]) for e in shown["timeline"] if e["kind"] == "waiting"] == [("in_progress", "waiting")]
    assert shown["sla"]["response"]["state"] == "met"
    assert shown["sla"]["resolution"]["state"] == "met"


def test_ticket_open_table_output_is_one_summary_line(staffed):
    res = staffed.run("--as", "zhang", "ticket", "open", "printer jam", "--reporter", "HR", "-p", "P4")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == "ticket 1 opened: P4 new, tier 1\n"


def test_ticket_change_table_output_names_state_tier_and_assignee(staffed):
    open_ticket(staffed, "printer jam", priority="P4")
    res = staffed.run("--as", "zhang", "ticket", "assign", "1", "li")
    assert (res.exit_code, res.stdout) == (0, "ticket 1 assigned: P4 assigned, tier 2, li\n")
    res = staffed.run("--as", "li", "ticket", "ack", "1")
    assert (res.exit_code, res.stdout) == (0, "ticket 1 acknowledged: P4 in progress, tier 2, li\n")


# --- refusals when opening: exit 2/5 and nothing stored ---------------------------------------


def _nothing_opened(desk):
    assert desk.json("ticket", "list", "--status", "all") == []
    assert [e["kind"] for e in desk.json("audit", "log", "--entity", "ticket")] == []


@pytest.mark.parametrize(
    ("args", "snippet"),
    [
        (["x"], "missing --reporter"),  # no terminal to ask on
        (["x", "--reporter", "r", "--priority", "P1", "--impact", "high"], "not both"),
        (["x", "--reporter", "r", "--priority", "P9"], "P9"),  # a service refusal, through the boundary
    ],
)
def test_ticket_open_invalid_exits_2(staffed, args, snippet):
    res = staffed.run("--as", "zhang", "ticket", "open", *args)
    assert res.exit_code == 2, res.stderr
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and snippet in res.stderr
    assert res.stderr.count("\n") == 1
    _nothing_opened(staffed)


@pytest.mark.parametrize("as_option", [[], ["--as", ""]], ids=["no-as", "empty-as"])
def test_ticket_open_by_non_staff_exits_5(staffed, as_option):
    """No (or an empty) --as, no $DESKCTL_USER, no config user: the login name acts, and is not staff."""
    res = staffed.run(*as_option, "ticket", "open", "x", "--reporter", "r",
                      env={"DESKCTL_USER": "", "USER": "nobody-here", "LOGNAME": "nobody-here"})
    assert res.exit_code == 5
    assert res.stdout == ""
    assert "'nobody-here' is not a staff member" in res.stderr
    _nothing_opened(staffed)


# --- output safety ------------------------------------------------------------------------------

NASTY = [
    "[bold]x[/]",
    "[link=file:///etc/passwd]x[/link]",
    "\x1b[2J",
    "\x1b]52;c;aGk=\x07",
    "left\u202eright",
]


def test_ticket_titles_shown_literally_and_round_trip(staffed):
    for title in NASTY:
        open_ticket(staffed, title, description=f"about {title}")
    listed = staffed.json("ticket", "list")
    assert sorted(t["title"] for t in listed) == sorted(NASTY)
    for t in listed:
        shown = _show(staffed, t["id"])
        assert shown["description"] == f"about {t['title']}"
    table = staffed.ok("ticket", "list").stdout
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    for shown_as in ["[bold]x[/]", "[link=file:///etc/passwd]x[/link]", "\\x1b[2J",
                     "\\x1b]52;c;aGk=\\x07", "left\\u202eright"]:
        assert shown_as in table
    for tid in range(1, 6):
        out = staffed.ok("ticket", "show", str(tid)).stdout
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    for fmt in ("csv", "jsonl"):
        out = staffed.ok("ticket", "list", "--format", fmt).stdout
        assert "[link=file:///etc/passwd]x[/link]" in out


def test_ticket_note_text_round_trips_and_is_escaped_in_table(staffed):
    open_ticket(staffed)
    staffed.ok("--as", "zhang", "ticket", "note", "1", "see \x1b[31mred\x1b[0m [i]x[/i]")
    note = _show(staffed)["timeline"][-1]
    assert note["details"]["text"] == "see \x1b[31mred\x1b[0m [i]x[/i]"
    out = staffed.ok("ticket", "show", "1").stdout
    assert "\x1b" not in out
    assert "\\x1b[31mred" in out and "[i]x[/i]" in out


# --- what the CLI parses, and one refusal through the error boundary ---------------------------


def test_ticket_unknown_exits_3(staffed):
    res = staffed.run("--as", "zhang", "ticket", "show", "99")
    assert res.exit_code == 3
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and "no ticket 99" in res.stderr


def test_ticket_id_not_a_number_exits_2(staffed):
    res = staffed.run("ticket", "show", "abc")
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: ")


def test_ticket_wait_without_reason_exits_2(staffed):
    walk_to(staffed, "in_progress")
    _refused(staffed, ["--as", "li", "ticket", "wait", "1"], 2, "--reason")


def test_ticket_escalate_without_reason_exits_2(staffed):
    open_ticket(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "escalate", "1"], 2, "--reason")


def test_ticket_resolve_closed_ticket_exits_4(staffed):
    walk_to(staffed, "closed")
    _refused(staffed, ["--as", "li", "ticket", "resolve", "1", "--resolution", "again"], 4,
             "it is closed", "open a new ticket")


@pytest.mark.parametrize("rating", ["6", "0", "-1", "five"])
def test_ticket_confirm_rating_out_of_range_exits_2(staffed, rating):
    walk_to(staffed, "resolved")
    _refused(staffed, ["--as", "zhang", "ticket", "confirm", "1", "--rating", rating], 2, "--rating")


def test_ticket_close_without_unconfirmed_exits_2(staffed):
    walk_to(staffed, "resolved")
    _refused(staffed, ["--as", "zhang", "ticket", "close", "1", "--reason", "no answer"], 2,
             "--unconfirmed", "ticket confirm 1")


# --- each command off the walk-through, with its options ----------------------------------------


def test_ticket_escalate_to_json(staffed):
    open_ticket(staffed)
    t = staffed.json("--as", "zhang", "ticket", "escalate", "1", "--to", "maria", "--reason", "specialist")
    assert (t["tier"], t["assignee"], t["status"]) == (3, "maria", "assigned")
    last = _show(staffed)["timeline"][-1]
    assert (last["kind"], last["from"], last["to"], last["details"]["reason"]) == (
        "escalated", "tier 1", "tier 3", "specialist")


def test_ticket_reopen_json(staffed):
    walk_to(staffed, "resolved")
    t = staffed.json("--as", "zhang", "ticket", "reopen", "1", "--reason", "still broken")
    assert (t["status"], t["reopen_count"], t["resolved_at"]) == ("in_progress", 1, None)


def test_ticket_close_unconfirmed_json(staffed):
    walk_to(staffed, "resolved")
    t = staffed.json("--as", "zhang", "ticket", "close", "1", "--unconfirmed", "--reason", "user unreachable")
    assert (t["status"], t["confirmed"], t["close_reason"], t["closed_at"]) == (
        "closed", False, "user unreachable", "2026-11-23T09:00:00+08:00")


def test_ticket_cancel_duplicate_of_json(staffed):
    open_ticket(staffed)
    open_ticket(staffed, "same again")
    t = staffed.json("--as", "zhang", "ticket", "cancel", "2", "--reason", "dup", "--duplicate-of", "1")
    assert (t["status"], t["cancel_reason"], t["duplicate_of"]) == ("cancelled", "dup", 1)


def test_ticket_cancel_duplicate_of_zero_exits_2(staffed):
    open_ticket(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "cancel", "1", "--reason", "dup", "--duplicate-of", "0"], 2,
             "--duplicate-of")


def test_ticket_show_formats(staffed):
    walk_to(staffed, "in_progress")
    csv_out = staffed.ok("ticket", "show", "1", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,at,actor,kind")
    assert len(csv_out) == 1 + 3
    jsonl = staffed.ok("ticket", "show", "1", "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == 1
    bad = staffed.run("ticket", "show", "1", "--format", "xml")
    assert bad.exit_code == 2 and "xml" in bad.stderr
