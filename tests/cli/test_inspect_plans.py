"""`deskctl inspect plan …` and `inspect due`."""

from __future__ import annotations

import sqlite3

import pytest

CORE = ["--target", "核心交换机", "--every", "daily 09:00", "--item", "CPU < 70%", "--item", "所有端口状态正常",
        "--item", "电源冗余正常", "--grace", "1h", "--owner", "on-duty", "--priority", "P2"]


def add_core(desk, *extra, now="2026-11-20T08:00:00+08:00"):
    desk.set_now(now)
    desk.ok("--as", "lead", "inspect", "plan", "add", "core-network", *CORE, *extra)
    desk.set_now("2026-11-23T09:00:00+08:00")


def count(desk, table):
    with sqlite3.connect(desk.db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_plan_add_shows_normalised_rule_and_checklist(staffed):
    staffed.set_now("2026-11-20T08:00:00+08:00")
    view = staffed.json("--as", "lead", "inspect", "plan", "add", "core-network", *CORE)
    assert view["rrule"] == "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0"
    assert [i["text"] for i in view["checklist"]] == ["CPU < 70%", "所有端口状态正常", "电源冗余正常"]
    assert view["next_at"] == "2026-11-20T09:00:00+08:00"
    assert view["owner"] == "on-duty" and view["priority"] == "P2" and view["grace_seconds"] == 3600
    rows = staffed.json("inspect", "plan", "list")
    assert [r["name"] for r in rows] == ["core-network"]


def test_plan_add_rrule_form(staffed):
    view = staffed.json("--as", "lead", "inspect", "plan", "add", "backups", "--target", "backup-server",
                        "--every", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10", "--item", "last full backup < 7 days")
    assert view["next_at"] == "2026-11-23T10:00:00+08:00"
    assert view["upcoming"][1] == "2026-11-30T10:00:00+08:00"


def test_plan_add_unparsable_every_exits_2_with_forms(staffed):
    res = staffed.run("--as", "lead", "inspect", "plan", "add", "x", "--target", "t", "--every", "now and then",
                      "--item", "a")
    assert res.exit_code == 2
    assert "daily HH:MM" in res.stderr and "every Nh" in res.stderr and "RRULE" in res.stderr
    assert res.stderr.startswith("deskctl: error: ") and res.stderr.count("\n") == 1
    assert staffed.json("inspect", "plan", "list") == []


def test_plan_add_rrule_yielding_nothing_exits_2(staffed):
    res = staffed.run("--as", "lead", "inspect", "plan", "add", "x", "--target", "t", "--every",
                      "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "--item", "a")
    assert res.exit_code == 2
    assert "yields no occurrence" in res.stderr
    assert staffed.json("inspect", "plan", "list") == []


def test_plan_add_duplicate_name_exits_4(staffed):
    add_core(staffed)
    res = staffed.run("--as", "lead", "inspect", "plan", "add", "core-network", *CORE)
    assert res.exit_code == 4
    assert len(staffed.json("inspect", "plan", "list")) == 1


def test_plan_add_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "inspect", "plan", "add", "core-network", *CORE)
    assert res.exit_code == 5
    assert staffed.json("inspect", "plan", "list") == []


def test_plan_add_unknown_owner_exits_3(staffed):
    res = staffed.run("--as", "lead", "inspect", "plan", "add", "x", "--target", "t", "--every", "every 4h",
                      "--item", "a", "--owner", "nobody")
    assert res.exit_code == 3


def test_plan_show_unknown_exits_3(staffed):
    assert staffed.run("inspect", "plan", "show", "nope").exit_code == 3


def test_plan_edit_replaces_checklist_and_keeps_history(staffed):
    add_core(staffed)
    staffed.ok("--as", "zhang", "inspect", "run", "core-network", "--ok", "all")
    view = staffed.json("--as", "lead", "inspect", "plan", "edit", "core-network", "--item", "电源冗余正常",
                        "--item", "CPU < 70%", "--add-item", "温度正常", "--grace", "30m")
    assert [i["text"] for i in view["checklist"]] == ["电源冗余正常", "CPU < 70%", "温度正常"]
    assert view["grace_seconds"] == 1800
    run = staffed.json("inspect", "show", "1")
    assert [r["item"] for r in run["results"]] == ["CPU < 70%", "所有端口状态正常", "电源冗余正常"]


def test_plan_edit_nothing_to_change_exits_2(staffed):
    add_core(staffed)
    assert staffed.run("--as", "lead", "inspect", "plan", "edit", "core-network", "--grace", "1h").exit_code == 2


def test_plan_pause_resume_remove(staffed):
    add_core(staffed)
    assert staffed.json("--as", "lead", "inspect", "plan", "pause", "core-network")["status"] == "paused"
    assert staffed.run("--as", "lead", "inspect", "plan", "pause", "core-network").exit_code == 4
    assert staffed.json("inspect", "due") == []
    assert staffed.json("--as", "lead", "inspect", "plan", "resume", "core-network")["status"] == "active"
    assert staffed.run("--as", "zhang", "inspect", "plan", "remove", "core-network").exit_code == 5
    assert staffed.json("--as", "lead", "inspect", "plan", "remove", "core-network")["status"] == "retired"
    assert staffed.json("inspect", "plan", "list") == []
    assert [p["status"] for p in staffed.json("inspect", "plan", "list", "--all")] == ["retired"]
    assert staffed.run("--as", "lead", "inspect", "plan", "resume", "core-network").exit_code == 4
    kinds = [e["kind"] for e in staffed.json("audit", "log") if e.get("entity") == "inspection_plan"]
    assert {"added", "paused", "resumed", "retired"} <= set(kinds)


def test_due_nothing_due_prints_nothing_exit_0(staffed):
    staffed.set_now("2026-11-23T10:00:00+08:00")
    staffed.ok("--as", "lead", "inspect", "plan", "add", "core-network", *CORE)
    res = staffed.run("inspect", "due")
    assert res.exit_code == 0 and res.stdout == "" and res.stderr == ""
    assert staffed.json("inspect", "due") == []


def test_due_plan_added_today_owes_nothing_before_its_start(staffed):
    staffed.set_now("2026-11-23T09:30:00+08:00")  # today's 09:00 passed before the plan existed
    staffed.ok("--as", "lead", "inspect", "plan", "add", "core-network", *CORE)
    assert staffed.json("inspect", "due") == []
    assert staffed.json("inspect", "history", "--state", "missed") == []
    staffed.set_now("2026-11-24T09:05:00+08:00")
    assert [r["due_at"] for r in staffed.json("inspect", "due")] == ["2026-11-24T09:00:00+08:00"]


def test_due_lists_due_then_overdue_exit_1(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-23T09:30:00+08:00")
    res = staffed.run("inspect", "due")
    assert res.exit_code == 0 and "core-network" in res.stdout
    rows = staffed.json("inspect", "due")
    assert rows[0]["state"] == "due" and rows[0]["owner"] == "lead"  # nobody on shift: the supervisor
    staffed.set_now("2026-11-23T10:01:00+08:00")
    res = staffed.run("inspect", "due", "--json")
    assert res.exit_code == 1
    assert res.json()[0]["state"] == "overdue"
    assert res.json()[0]["overdue_at"] == "2026-11-23T10:00:00+08:00"


def test_due_within_lists_upcoming(staffed):
    add_core(staffed)
    staffed.ok("--as", "zhang", "inspect", "run", "core-network", "--ok", "all")
    assert staffed.json("inspect", "due") == []
    rows = staffed.json("inspect", "due", "--within", "1d")
    assert [(r["due_at"], r["upcoming"]) for r in rows] == [("2026-11-24T09:00:00+08:00", True)]


def test_due_is_idempotent_and_writes_nothing(staffed):
    add_core(staffed)
    before = (count(staffed, "inspection_run"), count(staffed, "event"))
    first = staffed.run("inspect", "due", "--json")
    second = staffed.run("inspect", "due", "--json")
    assert first.stdout == second.stdout and first.exit_code == second.exit_code
    assert (count(staffed, "inspection_run"), count(staffed, "event")) == before


def test_due_owner_is_a_fixed_handle(staffed):
    staffed.ok("--as", "lead", "inspect", "plan", "add", "ups", "--target", "UPS", "--every", "every 4h",
               "--item", "电池正常", "--owner", "wang", "--start", "2026-11-23T07:00:00+08:00")
    assert [r["owner"] for r in staffed.json("inspect", "due")] == ["wang"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_plan_list_and_due_in_every_format(staffed, fmt):
    add_core(staffed)
    listed = staffed.ok("inspect", "plan", "list", "--format", fmt).stdout
    due = staffed.ok("inspect", "due", "--format", fmt).stdout
    assert "core-network" in listed and "core-network" in due
    if fmt == "csv":
        assert due.splitlines()[0].startswith("plan,target,due_at")


def test_status_shows_inspections_due_and_overdue(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-23T11:00:00+08:00")
    view = staffed.json("status")
    assert view["inspections_overdue"] == 1 and view["inspections_due"] == 0
    assert view["inspections_open"][0]["plan"] == "core-network"


def test_due_on_duty_owner_is_whoever_is_on_shift_at_the_due_time(staffed):
    add_core(staffed)
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-23", "day", "wang")
    rows = staffed.json("inspect", "due", "--within", "1d")
    assert [(r["due_at"][:10], r["owner"]) for r in rows] == [("2026-11-23", "wang"), ("2026-11-24", "lead")]


def test_due_within_more_than_a_year_exits_2(staffed):
    res = staffed.run("inspect", "due", "--within", "400d")
    assert res.exit_code == 2
    assert "at most 366d" in res.stderr
    assert staffed.run("inspect", "due", "--within", "99999d").exit_code == 2
    assert staffed.run("inspect", "due", "--within", "366d").exit_code in (0, 1)
