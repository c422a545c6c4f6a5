from __future__ import annotations


def test_records_supervisor_records_and_staff_show_lists_them(staffed):
    view = staffed.json("--as", "lead", "staff", "record", "zhang", "--kind", "commendation",
                        "--note", "handled the P1 outage calmly")
    assert (view["handle"], view["kind"], view["recorded_by"]) == ("zhang", "commendation", "lead")
    staffed.ok("--as", "lead", "staff", "record", "zhang", "--kind", "late", "--note", "25 min late",
               "--at", "2026-11-20 08:25")
    shown = staffed.json("staff", "show", "zhang")
    assert [(r["kind"], r["note"]) for r in shown["records"]] == [
        ("late", "25 min late"), ("commendation", "handled the P1 outage calmly")]
    table = staffed.ok("staff", "show", "zhang").stdout
    assert "commendation" in table and "25 min late" in table
    events = staffed.json("audit", "log", "--entity", "staff_record")
    assert [e["to"] for e in events] == ["commendation", "late"]


def test_records_by_non_supervisor_exits_5_and_records_nothing(staffed):
    res = staffed.run("--as", "zhang", "staff", "record", "wang", "--kind", "violation", "--note", "x")
    assert res.exit_code == 5
    assert "supervisor" in res.stderr
    assert staffed.json("staff", "show", "wang")["records"] == []


def test_records_bad_kind_or_empty_note_exits_2(staffed):
    res = staffed.run("--as", "lead", "staff", "record", "wang", "--kind", "praise", "--note", "x")
    assert res.exit_code == 2 and "late, absent, violation, commendation" in res.stderr
    res = staffed.run("--as", "lead", "staff", "record", "wang", "--kind", "late", "--note", "  ")
    assert res.exit_code == 2
    res = staffed.run("--as", "lead", "staff", "record", "wang", "--kind", "late", "--note", "x", "--at", "+1d")
    assert res.exit_code == 2
    assert staffed.json("staff", "show", "wang")["records"] == []


def test_records_unknown_person_exits_3(staffed):
    assert staffed.run("--as", "lead", "staff", "record", "ghost", "--kind", "late", "--note", "x").exit_code == 3


def test_records_none_shown_in_staff_show(staffed):
    assert "(no records)" in staffed.ok("staff", "show", "wang").stdout
