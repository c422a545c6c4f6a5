"""`deskctl staff record` and the records in `staff show`: output and exit codes. The rules:
tests/services/test_staff.py."""

from __future__ import annotations

from deskctl.services.people.records import add_record
from tests.services.ticket_steps import at


def test_records_supervisor_records_and_staff_show_lists_them(staffed):
    view = staffed.json("--as", "lead", "staff", "record", "zhang", "--kind", "commendation",
                        "--note", "handled the P1 outage calmly")
    assert (view["handle"], view["kind"], view["recorded_by"]) == ("zhang", "commendation", "lead")
    staffed.ok("--as", "lead", "staff", "record", "zhang", "--kind", "late", "--note", "25 min late",
               "--at", "2026-11-20 08:25")
    shown = staffed.json("staff", "show", "zhang")
    assert [(r["kind"], r["note"], r["at"]) for r in shown["records"]] == [
        ("late", "25 min late", "2026-11-20T08:25:00+08:00"),
        ("commendation", "handled the P1 outage calmly", "2026-11-23T09:00:00+08:00")]
    table = staffed.ok("staff", "show", "zhang").stdout
    assert "commendation" in table and "25 min late" in table


def test_records_shown_in_table_or_none(staffed):
    staffed.write(add_record, handle="zhang", kind="violation", note="left the desk",
                  at=at("2026-11-20T10:00:00+08:00"))
    assert "left the desk" in staffed.ok("staff", "show", "zhang").stdout
    assert "(no records)" in staffed.ok("staff", "show", "wang").stdout


def test_records_by_non_supervisor_exits_5_and_records_nothing(staffed):
    res = staffed.run("--as", "zhang", "staff", "record", "wang", "--kind", "violation", "--note", "x")
    assert res.exit_code == 5
    assert res.stderr.startswith("deskctl: error: ") and "supervisor" in res.stderr
    assert staffed.json("staff", "show", "wang")["records"] == []


def test_records_bad_input_exits_2_unknown_person_exits_3(staffed):
    res = staffed.run("--as", "lead", "staff", "record", "wang", "--kind", "praise", "--note", "x")
    assert res.exit_code == 2 and "late, absent, violation, commendation" in res.stderr
    res = staffed.run("--as", "lead", "staff", "record", "wang", "--kind", "late", "--note", "x", "--at", "+1d")
    assert res.exit_code == 2
    res = staffed.run("--as", "lead", "staff", "record", "wang", "--kind", "late", "--note", "x", "--at", "someday")
    assert res.exit_code == 2 and "someday" in res.stderr
    assert staffed.run("--as", "lead", "staff", "record", "ghost", "--kind", "late", "--note", "x").exit_code == 3
    assert staffed.json("staff", "show", "wang")["records"] == []
