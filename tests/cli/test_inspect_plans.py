"""`deskctl inspect plan …` and `inspect due`: options, output in every format, the cron contract
of `due`, exit codes. The rules: tests/services/test_inspect_plans.py."""

from __future__ import annotations

import pytest

from tests.services.inspection_steps import add_core, run

CORE = ["--target", "核心交换机", "--every", "daily 09:00", "--item", "CPU < 70%", "--item", "所有端口状态正常",
        "--item", "电源冗余正常", "--grace", "1h", "--owner", "on-duty", "--priority", "P2"]


def test_plan_add_json_and_list(staffed):
    staffed.set_now("2026-11-20T08:00:00+08:00")
    view = staffed.json("--as", "lead", "inspect", "plan", "add", "core-network", *CORE)
    assert view["rrule"] == "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0"
    assert [i["text"] for i in view["checklist"]] == ["CPU < 70%", "所有端口状态正常", "电源冗余正常"]
    assert view["next_at"] == "2026-11-20T09:00:00+08:00"
    assert (view["owner"], view["priority"], view["grace_seconds"]) == ("on-duty", "P2", 3600)
    assert [r["name"] for r in staffed.json("inspect", "plan", "list")] == ["core-network"]


def test_plan_add_start_option_in_the_desk_zone(staffed):
    view = staffed.json("--as", "lead", "inspect", "plan", "add", "ups", "--target", "UPS", "--every", "every 4h",
                        "--item", "电池正常", "--start", "2026-11-23 07:00")
    assert view["next_at"] == "2026-11-23T12:00:00+08:00"  # every 4 h from local midnight
    # 07:00 in the desk zone (not UTC, which would be 15:00 here): the 08:00 occurrence is owed
    assert [r["due_at"] for r in staffed.json("inspect", "due")] == ["2026-11-23T08:00:00+08:00"]


def test_plan_add_unparsable_every_exits_2_with_forms(staffed):
    res = staffed.run("--as", "lead", "inspect", "plan", "add", "x", "--target", "t", "--every", "now and then",
                      "--item", "a")
    assert res.exit_code == 2
    assert "daily HH:MM" in res.stderr and "every Nh" in res.stderr and "RRULE" in res.stderr
    assert res.stderr.startswith("deskctl: error: ") and res.stderr.count("\n") == 1
    assert staffed.json("inspect", "plan", "list") == []


def test_plan_add_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "inspect", "plan", "add", "core-network", *CORE)
    assert res.exit_code == 5
    assert staffed.json("inspect", "plan", "list") == []


def test_plan_show_edit_pause_resume_remove(staffed):
    add_core(staffed)
    shown = staffed.json("inspect", "plan", "show", "core-network")
    assert (shown["name"], shown["next_at"]) == ("core-network", "2026-11-24T09:00:00+08:00")
    edited = staffed.json("--as", "lead", "inspect", "plan", "edit", "core-network", "--item", "电源冗余正常",
                          "--add-item", "温度正常", "--grace", "30m")
    assert [i["text"] for i in edited["checklist"]] == ["电源冗余正常", "温度正常"]
    assert staffed.json("--as", "lead", "inspect", "plan", "pause", "core-network")["status"] == "paused"
    assert staffed.run("--as", "lead", "inspect", "plan", "pause", "core-network").exit_code == 4
    assert staffed.json("--as", "lead", "inspect", "plan", "resume", "core-network")["status"] == "active"
    assert staffed.json("--as", "lead", "inspect", "plan", "remove", "core-network")["status"] == "retired"
    assert staffed.json("inspect", "plan", "list") == []
    assert [p["status"] for p in staffed.json("inspect", "plan", "list", "--all")] == ["retired"]
    assert staffed.run("inspect", "plan", "show", "nope").exit_code == 3


def test_due_nothing_due_prints_nothing_exit_0(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])
    res = staffed.run("inspect", "due")
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "")
    res = staffed.run("inspect", "due", "--json")
    assert (res.exit_code, res.stdout) == (0, "[]\n")


def test_due_lists_due_then_overdue_exit_1(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-23T09:30:00+08:00")
    res = staffed.run("inspect", "due")
    assert res.exit_code == 0 and "core-network" in res.stdout
    staffed.set_now("2026-11-23T10:01:00+08:00")
    res = staffed.run("inspect", "due", "--json")
    assert res.exit_code == 1
    assert res.json()[0]["state"] == "overdue"
    assert res.json()[0]["overdue_at"] == "2026-11-23T10:00:00+08:00"
    table = staffed.run("inspect", "due")
    assert table.exit_code == 1 and "overdue" in table.stdout


def test_due_within_option(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])
    rows = staffed.json("inspect", "due", "--within", "1d")
    assert [(r["due_at"], r["upcoming"]) for r in rows] == [("2026-11-24T09:00:00+08:00", True)]


def test_due_within_more_than_a_year_exits_2(staffed):
    res = staffed.run("inspect", "due", "--within", "400d")
    assert res.exit_code == 2
    assert "at most 366d" in res.stderr
    assert staffed.run("inspect", "due", "--within", "99999d").exit_code == 2
    assert staffed.run("inspect", "due", "--within", "366d").exit_code in (0, 1)
    assert staffed.run("inspect", "due", "--within", "soon").exit_code == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_plan_list_and_due_in_every_format(staffed, fmt):
    add_core(staffed)
    listed = staffed.ok("inspect", "plan", "list", "--format", fmt).stdout
    due = staffed.ok("inspect", "due", "--format", fmt).stdout
    assert "core-network" in listed and "core-network" in due
    if fmt == "csv":
        assert due.splitlines()[0].startswith("plan,target,due_at")
