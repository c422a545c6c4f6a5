"""The ticket lifecycle through the CLI (SPEC §3): the duty officer's walk-through, every
refusal with its exit code, and after every refusal nothing changed."""

from __future__ import annotations

import pytest

ZHANG = {"DESKCTL_USER": "zhang"}


def _open(desk, title="VPN 无法连接", *extra, actor="zhang"):
    return desk.json("--as", actor, "ticket", "open", title, "--reporter", "财务部 刘女士", *extra)


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


def _to(desk, status, tid=None):
    """Open a ticket and walk it to `status` (li, tier 2, works it)."""
    tid = tid or _open(desk)["id"]
    steps = {
        "assigned": [("--as", "zhang", "ticket", "assign", tid, "li")],
        "in_progress": [("--as", "li", "ticket", "ack", tid)],
        "waiting": [("--as", "li", "ticket", "wait", tid, "--reason", "user away")],
        "resolved": [("--as", "li", "ticket", "resolve", tid, "--resolution", "fixed")],
        "closed": [("--as", "zhang", "ticket", "confirm", tid, "--rating", "4")],
        "cancelled": [("--as", "zhang", "ticket", "cancel", tid, "--reason", "mistake")],
    }
    path = {
        "new": [],
        "assigned": ["assigned"],
        "in_progress": ["assigned", "in_progress"],
        "waiting": ["assigned", "in_progress", "waiting"],
        "resolved": ["assigned", "in_progress", "resolved"],
        "closed": ["assigned", "in_progress", "resolved", "closed"],
        "cancelled": ["cancelled"],
    }[status]
    for name in path:
        for args in steps[name]:
            desk.ok(*[str(a) for a in args])
    assert _show(desk, tid)["status"] == status
    return tid


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


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [("high", "high", "P1"), ("high", "low", "P3"), ("low", "medium", "P4"), ("MEDIUM", "High", "P2")],
)
def test_ticket_open_priority_from_matrix(staffed, impact, urgency, priority):
    t = _open(staffed, "x", "--impact", impact, "--urgency", urgency)
    assert t["priority"] == priority
    assert (t["impact"], t["urgency"]) == (impact.lower(), urgency.lower())


def test_ticket_open_priority_matrix_is_configurable(staffed):
    staffed.ok("config", "set", "priority_matrix.low.low", "P1")
    assert _open(staffed, "x", "--impact", "low", "--urgency", "low")["priority"] == "P1"


def test_ticket_open_default_priority_is_medium_medium(staffed):
    t = _open(staffed, "x")
    assert t["priority"] == "P3"
    assert t["channel"] == "phone"


# --- refusals when opening: exit 2/5 and nothing stored ---------------------------------------


def _nothing_opened(desk):
    assert desk.json("ticket", "list", "--status", "all") == []
    assert [e["kind"] for e in desk.json("audit", "log", "--entity", "ticket")] == []


@pytest.mark.parametrize(
    ("args", "snippet"),
    [
        (["x", "--reporter", "r", "--priority", "P9"], "P9"),
        (["", "--reporter", "r"], "title must not be empty"),
        (["   ", "--reporter", "r"], "title must not be empty"),
        (["x"], "missing reporter"),
        (["x", "--reporter", "r", "--priority", "P1", "--impact", "high"], "not both"),
        (["x", "--reporter", "r", "--impact", "huge"], "impact"),
        (["x", "--reporter", "r", "--channel", "pigeon"], "channel"),
        (["bad\x00title", "--reporter", "r"], "NUL"),
        (["x", "--reporter", "r", "--description", "a\x00b"], "NUL"),
        (["two\nlines", "--reporter", "r"], "one line"),
    ],
)
def test_ticket_open_invalid_exits_2(staffed, args, snippet):
    res = staffed.run("--as", "zhang", "ticket", "open", *args)
    assert res.exit_code == 2, res.stderr
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and snippet in res.stderr
    _nothing_opened(staffed)


def test_ticket_open_ten_megabyte_description_exits_2(staffed):
    res = staffed.run("--as", "zhang", "ticket", "open", "x", "--reporter", "r",
                      "--description", "a" * (10 * 1024 * 1024))
    assert res.exit_code == 2
    assert "limits.text_max" in res.stderr and "10485760" in res.stderr
    _nothing_opened(staffed)


def test_ticket_open_text_limit_is_configurable(staffed):
    staffed.ok("config", "set", "limits.text_max", "100")
    res = staffed.run("--as", "zhang", "ticket", "open", "x", "--reporter", "r", "--description", "b" * 101)
    assert res.exit_code == 2
    assert "the limit is 100" in res.stderr
    _nothing_opened(staffed)
    t = _open(staffed, "x", "--description", "b" * 100)
    assert len(t["description"]) == 100


@pytest.mark.parametrize("actor", ["ghost", ""])
def test_ticket_open_by_non_staff_exits_5(staffed, actor):
    res = staffed.run("--as", actor, "ticket", "open", "x", "--reporter", "r",
                      env={"DESKCTL_USER": "", "USER": "nobody-here", "LOGNAME": "nobody-here"})
    assert res.exit_code == 5
    assert "not a staff member" in res.stderr
    _nothing_opened(staffed)


def test_ticket_open_by_deactivated_staff_exits_5(staffed):
    staffed.ok("--as", "lead", "staff", "deactivate", "wang")
    res = staffed.run("--as", "wang", "ticket", "open", "x", "--reporter", "r")
    assert res.exit_code == 5
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
        _open(staffed, title, "--description", f"about {title}")
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
    _open(staffed)
    staffed.ok("--as", "zhang", "ticket", "note", "1", "see \x1b[31mred\x1b[0m [i]x[/i]")
    note = _show(staffed)["timeline"][-1]
    assert note["details"]["text"] == "see \x1b[31mred\x1b[0m [i]x[/i]"
    out = staffed.ok("ticket", "show", "1").stdout
    assert "\x1b" not in out
    assert "\\x1b[31mred" in out and "[i]x[/i]" in out


# --- assign / ack -----------------------------------------------------------------------------


def test_ticket_assign_moves_to_assignee_tier(staffed):
    _open(staffed)
    t = staffed.json("--as", "zhang", "ticket", "assign", "1", "maria")
    assert (t["status"], t["assignee"], t["tier"]) == ("assigned", "maria", 3)


def test_ticket_reassign_counts(staffed):
    _to(staffed, "assigned")
    staffed.ok("--as", "zhang", "ticket", "assign", "1", "maria")
    last = _show(staffed)["timeline"][-1]
    assert (last["kind"], last["details"]["assignee"]) == ("assigned", "maria")


def test_ticket_assign_same_person_twice_exits_4(staffed):
    _to(staffed, "assigned")
    _refused(staffed, ["--as", "zhang", "ticket", "assign", "1", "li"], 4, "already assigned to li")


def test_ticket_assign_by_technician_exits_5(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "li", "ticket", "assign", "1", "li"], 5, "officer")


def test_ticket_assign_unknown_handle_exits_3(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "assign", "1", "ghost"], 3, "ghost")


def test_ticket_assign_deactivated_exits_4(staffed):
    _open(staffed)
    staffed.ok("--as", "lead", "staff", "deactivate", "wang")
    _refused(staffed, ["--as", "zhang", "ticket", "assign", "1", "wang"], 4, "deactivated")


@pytest.mark.parametrize("cmd", [["show", "99"], ["assign", "99", "li"], ["ack", "99"],
                                 ["note", "99", "x"], ["resolve", "99", "--resolution", "x"],
                                 ["cancel", "99", "--reason", "x"]])
def test_ticket_unknown_exits_3(staffed, cmd):
    res = staffed.run("--as", "zhang", "ticket", *cmd)
    assert res.exit_code == 3
    assert res.stdout == ""
    assert "no ticket 99" in res.stderr


def test_ticket_id_not_a_number_exits_2(staffed):
    res = staffed.run("ticket", "show", "abc")
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: ")


def test_ticket_ack_by_someone_not_assigned_exits_4(staffed):
    _to(staffed, "assigned")
    _refused(staffed, ["--as", "maria", "ticket", "ack", "1"], 4, "assigned to li", "deskctl ticket assign 1 maria")


def test_ticket_ack_new_ticket_exits_4(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "li", "ticket", "ack", "1"], 4, "assign it first")


def test_ticket_wait_by_non_assignee_exits_4_supervisor_may(staffed):
    _to(staffed, "in_progress")
    _refused(staffed, ["--as", "wang", "ticket", "wait", "1", "--reason", "x"], 4, "assigned to li")
    assert staffed.json("--as", "lead", "ticket", "wait", "1", "--reason", "x")["status"] == "waiting"


def test_ticket_wait_needs_a_reason(staffed):
    _to(staffed, "in_progress")
    _refused(staffed, ["--as", "li", "ticket", "wait", "1"], 2, "--reason")
    _refused(staffed, ["--as", "li", "ticket", "wait", "1", "--reason", "  "], 2, "reason must not be empty")


# --- escalate -----------------------------------------------------------------------------------


def test_ticket_escalate_moves_tier_1_2_3_then_refuses(staffed):
    _open(staffed)
    first = staffed.json("--as", "zhang", "ticket", "escalate", "1", "--reason", "needs network team")
    assert (first["tier"], first["assignee"], first["status"]) == (2, "li", "assigned")
    second = staffed.json("--as", "li", "ticket", "escalate", "1", "--reason", "firmware")
    assert (second["tier"], second["assignee"], second["status"]) == (3, "maria", "assigned")
    _refused(staffed, ["--as", "maria", "ticket", "escalate", "1", "--reason", "more"], 4,
             "already at tier 3", "deskctl ticket assign 1")
    escalations = [(e["from"], e["to"], e["details"]["reason"]) for e in _show(staffed)["timeline"]
                   if e["kind"] == "escalated"]
    assert escalations == [("tier 1", "tier 2", "needs network team"), ("tier 2", "tier 3", "firmware")]


def test_ticket_escalate_in_progress_goes_back_to_assigned(staffed):
    _to(staffed, "in_progress")
    t = staffed.json("--as", "li", "ticket", "escalate", "1", "--reason", "beyond me")
    assert (t["status"], t["tier"], t["assignee"]) == ("assigned", 3, "maria")


def test_ticket_escalate_to_lower_tier_person_exits_2(staffed):
    _to(staffed, "assigned")  # tier 2
    _refused(staffed, ["--as", "zhang", "ticket", "escalate", "1", "--to", "wang", "--reason", "x"], 2,
             "tier 1", "tier 3")


def test_ticket_escalate_to_named_person(staffed):
    _open(staffed)
    t = staffed.json("--as", "zhang", "ticket", "escalate", "1", "--to", "maria", "--reason", "specialist")
    assert (t["tier"], t["assignee"]) == (3, "maria")


def test_ticket_escalate_to_unknown_exits_3(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "escalate", "1", "--to", "ghost", "--reason", "x"], 3, "ghost")


def test_ticket_escalate_without_reason_exits_2(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "escalate", "1"], 2, "--reason")


def test_ticket_escalate_waiting_exits_4(staffed):
    _to(staffed, "waiting")
    _refused(staffed, ["--as", "li", "ticket", "escalate", "1", "--reason", "x"], 4, "resume it first")


# --- resolve / confirm / reopen / close / cancel ------------------------------------------------


def test_ticket_resolve_closed_ticket_exits_4(staffed):
    _to(staffed, "closed")
    _refused(staffed, ["--as", "li", "ticket", "resolve", "1", "--resolution", "again"], 4,
             "it is closed", "open a new ticket")


def test_ticket_resolve_assigned_needs_ack_exits_4(staffed):
    _to(staffed, "assigned")
    _refused(staffed, ["--as", "li", "ticket", "resolve", "1", "--resolution", "x"], 4, "ticket ack 1")


def test_ticket_resolve_by_non_assignee_exits_4(staffed):
    _to(staffed, "in_progress")
    _refused(staffed, ["--as", "maria", "ticket", "resolve", "1", "--resolution", "x"], 4, "assigned to li")


def test_ticket_resolve_records_tier_and_who(staffed):
    _to(staffed, "resolved")
    t = _show(staffed)
    assert (t["resolved_by"], t["resolved_at"]) == ("li", "2026-11-23T09:00:00+08:00")


def test_ticket_confirm_unresolved_exits_4(staffed):
    _to(staffed, "in_progress")
    _refused(staffed, ["--as", "zhang", "ticket", "confirm", "1", "--rating", "5"], 4, "resolve it first")


@pytest.mark.parametrize("rating", ["6", "0", "-1", "five"])
def test_ticket_confirm_rating_out_of_range_exits_2(staffed, rating):
    _to(staffed, "resolved")
    _refused(staffed, ["--as", "zhang", "ticket", "confirm", "1", "--rating", rating], 2, "--rating")


def test_ticket_confirm_twice_exits_4(staffed):
    _to(staffed, "closed")
    _refused(staffed, ["--as", "zhang", "ticket", "confirm", "1", "--rating", "5"], 4, "it is closed")


def test_ticket_reopen_keeps_count_and_returns_to_in_progress(staffed):
    _to(staffed, "resolved")
    t = staffed.json("--as", "zhang", "ticket", "reopen", "1", "--reason", "still broken")
    assert (t["status"], t["reopen_count"], t["resolved_at"], t["resolved_by"]) == ("in_progress", 1, None, None)
    staffed.ok("--as", "li", "ticket", "resolve", "1", "--resolution", "really fixed")
    t = staffed.json("--as", "zhang", "ticket", "reopen", "1", "--reason", "no")
    assert (t["status"], t["reopen_count"]) == ("in_progress", 2)
    staffed.ok("--as", "li", "ticket", "resolve", "1", "--resolution", "third time")
    closed = staffed.json("--as", "zhang", "ticket", "confirm", "1", "--rating", "3")
    assert (closed["status"], closed["reopen_count"]) == ("closed", 2)
    reopened = [e["details"]["reopen_count"] for e in _show(staffed)["timeline"] if e["kind"] == "reopened"]
    assert reopened == [1, 2]


def test_ticket_reopen_in_progress_exits_4(staffed):
    _to(staffed, "in_progress")
    _refused(staffed, ["--as", "zhang", "ticket", "reopen", "1", "--reason", "x"], 4, "resolve it first")


def test_ticket_reopen_closed_exits_4(staffed):
    _to(staffed, "closed")
    _refused(staffed, ["--as", "zhang", "ticket", "reopen", "1", "--reason", "x"], 4, "open a new ticket")


def test_ticket_close_without_unconfirmed_exits_2(staffed):
    _to(staffed, "resolved")
    _refused(staffed, ["--as", "zhang", "ticket", "close", "1", "--reason", "no answer"], 2,
             "--unconfirmed", "ticket confirm 1")


def test_ticket_close_unconfirmed(staffed):
    _to(staffed, "resolved")
    t = staffed.json("--as", "zhang", "ticket", "close", "1", "--unconfirmed", "--reason", "user unreachable")
    assert (t["status"], t["confirmed"], t["close_reason"], t["rating"]) == (
        "closed", False, "user unreachable", None)
    last = _show(staffed)["timeline"][-1]
    assert (last["kind"], last["actor"], last["from"], last["to"]) == (
        "closed_unconfirmed", "zhang", "resolved", "closed")


def test_ticket_close_by_technician_exits_5(staffed):
    _to(staffed, "resolved")
    _refused(staffed, ["--as", "li", "ticket", "close", "1", "--unconfirmed", "--reason", "x"], 5)


def test_ticket_close_in_progress_exits_4(staffed):
    _to(staffed, "in_progress")
    _refused(staffed, ["--as", "zhang", "ticket", "close", "1", "--unconfirmed", "--reason", "x"], 4,
             "resolve it first")


@pytest.mark.parametrize("status", ["new", "assigned", "in_progress", "waiting"])
def test_ticket_cancel_from_open_states(staffed, status):
    _to(staffed, status)
    t = staffed.json("--as", "zhang", "ticket", "cancel", "1", "--reason", "opened by mistake")
    assert (t["status"], t["cancel_reason"]) == ("cancelled", "opened by mistake")
    assert _show(staffed)["timeline"][-1]["from"] == status


def test_ticket_cancel_duplicate_of(staffed):
    _open(staffed)
    _open(staffed, "same again")
    t = staffed.json("--as", "zhang", "ticket", "cancel", "2", "--reason", "dup", "--duplicate-of", "1")
    assert (t["status"], t["duplicate_of"]) == ("cancelled", 1)


def test_ticket_cancel_duplicate_of_unknown_exits_3(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "cancel", "1", "--reason", "dup", "--duplicate-of", "42"], 3,
             "no ticket 42")


def test_ticket_cancel_duplicate_of_itself_exits_2(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "cancel", "1", "--reason", "dup", "--duplicate-of", "1"], 2,
             "itself")


@pytest.mark.parametrize("status", ["resolved", "closed", "cancelled"])
def test_ticket_cancel_not_open_exits_4(staffed, status):
    _to(staffed, status)
    _refused(staffed, ["--as", "zhang", "ticket", "cancel", "1", "--reason", "x"], 4, "cannot cancel ticket 1")


@pytest.mark.parametrize(
    ("status", "cmd"),
    [
        ("new", ["--as", "li", "ticket", "wait", "1", "--reason", "x"]),
        ("new", ["--as", "li", "ticket", "resume", "1"]),
        ("in_progress", ["--as", "li", "ticket", "resume", "1"]),
        ("in_progress", ["--as", "li", "ticket", "ack", "1"]),
        ("waiting", ["--as", "li", "ticket", "wait", "1", "--reason", "x"]),
        ("waiting", ["--as", "li", "ticket", "resolve", "1", "--resolution", "x"]),
        ("resolved", ["--as", "li", "ticket", "resolve", "1", "--resolution", "x"]),
        ("resolved", ["--as", "zhang", "ticket", "assign", "1", "maria"]),
        ("resolved", ["--as", "li", "ticket", "resume", "1"]),
        ("closed", ["--as", "zhang", "ticket", "assign", "1", "li"]),
        ("cancelled", ["--as", "li", "ticket", "ack", "1"]),
        ("cancelled", ["--as", "zhang", "ticket", "reopen", "1", "--reason", "x"]),
    ],
)
def test_ticket_refused_transition_exits_4_and_changes_nothing(staffed, status, cmd):
    _to(staffed, status)
    res = _refused(staffed, cmd, 4, "cannot ")
    assert "; " in res.stderr  # followed by advice


def test_ticket_note_on_any_state_is_recorded(staffed):
    _to(staffed, "closed")
    staffed.ok("--as", "wang", "ticket", "note", "1", "user called back to say thanks")
    last = _show(staffed)["timeline"][-1]
    assert (last["kind"], last["actor"]) == ("note", "wang")


def test_ticket_empty_note_exits_2(staffed):
    _open(staffed)
    _refused(staffed, ["--as", "zhang", "ticket", "note", "1", "  "], 2, "note must not be empty")


def test_ticket_show_formats(staffed):
    _to(staffed, "in_progress")
    csv_out = staffed.ok("ticket", "show", "1", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,at,actor,kind")
    assert len(csv_out) == 1 + 3
    jsonl = staffed.ok("ticket", "show", "1", "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == 1
    bad = staffed.run("ticket", "show", "1", "--format", "xml")
    assert bad.exit_code == 2 and "xml" in bad.stderr
