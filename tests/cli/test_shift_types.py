"""`deskctl shift type …` (frozen clock: 2026-11-23 09:00 Asia/Shanghai)."""

from __future__ import annotations

import pytest


def add_types(desk):
    desk.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00", "--min-staff", "1")
    desk.ok("--as", "lead", "shift", "type", "add", "night", "--start", "20:00", "--end", "08:00", "--min-staff", "1")


def test_type_add_and_list_in_every_format(staffed):
    add_types(staffed)
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


@pytest.mark.parametrize("start, end", [("25:00", "08:00"), ("08:00", "8"), ("08:60", "09:00"), ("", "09:00")])
def test_type_add_bad_time_exits_2(staffed, start, end):
    res = staffed.run("--as", "lead", "shift", "type", "add", "x", "--start", start, "--end", end)
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: ")
    assert staffed.json("shift", "type", "list") == []


def test_type_add_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    assert res.exit_code == 5
    assert staffed.json("shift", "type", "list") == []


def test_type_add_duplicate_exits_4(staffed):
    add_types(staffed)
    res = staffed.run("--as", "lead", "shift", "type", "add", "day", "--start", "09:00", "--end", "17:00")
    assert res.exit_code == 4
    assert "edit" in res.stderr


def test_type_add_min_staff_zero_exits_2(staffed):
    res = staffed.run("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00",
                      "--min-staff", "0")
    assert res.exit_code == 2


def test_type_edit_keeps_published_shifts(staffed):
    add_types(staffed)
    before = staffed.json("--as", "lead", "shift", "assign", "2026-11-25", "day", "zhang")
    edited = staffed.json("--as", "lead", "shift", "type", "edit", "day", "--start", "09:00", "--min-staff", "2")
    assert (edited["start"], edited["min_staff"]) == ("09:00", 2)
    after = staffed.json("shift", "list", "--from", "2026-11-25", "--to", "2026-11-25")
    assert [(s["start_at"], s["end_at"]) for s in after] == [(before["start_at"], before["end_at"])]
    new = staffed.json("--as", "lead", "shift", "assign", "2026-11-26", "day", "wang")
    assert new["start_at"] == "2026-11-26T09:00:00+08:00"


def test_type_edit_time_zone_change_does_not_rewrite_history(staffed):
    add_types(staffed)
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-25", "night", "zhang")
    listed = staffed.json("--tz", "Europe/Berlin", "shift", "list", "--from", "2026-11-25T00:00+08:00",
                          "--to", "2026-11-26T12:00+08:00")
    assert listed[0]["start_at"] == "2026-11-25T13:00:00+01:00"  # the same instant, shown in Berlin


def test_type_edit_nothing_exits_2(staffed):
    add_types(staffed)
    assert staffed.run("--as", "lead", "shift", "type", "edit", "day").exit_code == 2


def test_type_remove_refused_while_used_exits_4(staffed):
    add_types(staffed)
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-25", "day", "zhang")
    res = staffed.run("--as", "lead", "shift", "type", "remove", "day")
    assert res.exit_code == 4
    assert "--inactive" in res.stderr
    assert [t["name"] for t in staffed.json("shift", "type", "list")] == ["day", "night"]


def test_type_remove_unused_and_unknown(staffed):
    add_types(staffed)
    staffed.ok("--as", "lead", "shift", "type", "remove", "night")
    assert [t["name"] for t in staffed.json("shift", "type", "list")] == ["day"]
    assert staffed.run("--as", "lead", "shift", "type", "remove", "night").exit_code == 3


def test_type_inactive_is_not_planned_and_not_a_gap(staffed):
    add_types(staffed)
    staffed.ok("--as", "lead", "shift", "type", "edit", "night", "--inactive")
    res = staffed.run("--as", "lead", "shift", "plan", "--from", "2026-12-01", "--to", "2026-12-02",
                      "--type", "night", "--members", "zhang,wang")
    assert res.exit_code == 2
    assert "inactive" in res.stderr
    gaps = staffed.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-01", "--json")
    assert {g["type"] for g in gaps.json()} == {"day", ""}


def test_type_actions_are_audited(staffed):
    add_types(staffed)
    staffed.ok("--as", "lead", "shift", "type", "edit", "day", "--min-staff", "2")
    events = staffed.json("audit", "log", "--entity", "shift_type")
    assert sorted(e["kind"] for e in events) == ["added", "added", "edited"]
