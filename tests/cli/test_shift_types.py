"""`deskctl shift type …` (frozen clock: 2026-11-23 09:00 Asia/Shanghai): the commands, their
formats and errors. The rules: tests/services/test_shift_types.py."""

from __future__ import annotations

from tests.services.shift_steps import add_day_and_night, assign


def test_type_add_and_list_in_every_format(staffed):
    added = staffed.json("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00",
                         "--min-staff", "2")
    assert (added["name"], added["start"], added["end"], added["min_staff"]) == ("day", "08:00", "20:00", 2)
    staffed.ok("--as", "lead", "shift", "type", "add", "night", "--start", "20:00", "--end", "08:00")
    types = staffed.json("shift", "type", "list")
    assert [(t["name"], t["start"], t["end"], t["crosses_midnight"], t["night"]) for t in types] == [
        ("day", "08:00", "20:00", False, False),
        ("night", "20:00", "08:00", True, True),
    ]
    csv = staffed.ok("shift", "type", "list", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("name,start,end") and len(csv) == 3
    jsonl = staffed.ok("shift", "type", "list", "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == 2
    table = staffed.ok("shift", "type", "list").stdout
    assert "night" in table and "20:00" in table


def test_type_add_bad_time_exits_2(staffed):
    res = staffed.run("--as", "lead", "shift", "type", "add", "x", "--start", "25:00", "--end", "08:00")
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and "25:00" in res.stderr
    assert staffed.json("shift", "type", "list") == []


def test_type_add_min_staff_not_a_number_exits_2(staffed):
    res = staffed.run("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00",
                      "--min-staff", "two")
    assert res.exit_code == 2 and "--min-staff" in res.stderr


def test_type_edit_and_remove(staffed):
    add_day_and_night(staffed)
    edited = staffed.json("--as", "lead", "shift", "type", "edit", "night", "--name", "late", "--inactive")
    assert (edited["name"], edited["active"]) == ("late", False)
    staffed.ok("--as", "lead", "shift", "type", "remove", "late")
    assert [t["name"] for t in staffed.json("shift", "type", "list")] == ["day"]
    res = staffed.run("--as", "lead", "shift", "type", "remove", "late")
    assert res.exit_code == 3 and "late" in res.stderr


def test_type_remove_refused_while_used_exits_4(staffed):
    add_day_and_night(staffed)
    assign(staffed, "2026-11-25", "day", "zhang")
    res = staffed.run("--as", "lead", "shift", "type", "remove", "day")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "--inactive" in res.stderr


def test_type_edit_time_zone_change_does_not_rewrite_history(staffed):
    add_day_and_night(staffed)
    assign(staffed, "2026-11-25", "night", "zhang")
    listed = staffed.json("--tz", "Europe/Berlin", "shift", "list", "--from", "2026-11-25T00:00+08:00",
                          "--to", "2026-11-26T12:00+08:00")
    assert listed[0]["start_at"] == "2026-11-25T13:00:00+01:00"  # the same instant, shown in Berlin
