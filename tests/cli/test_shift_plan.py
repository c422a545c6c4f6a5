"""`deskctl shift plan|assign|unassign|list|now|mine|gaps` (clock: 2026-11-23 09:00 Asia/Shanghai):
option parsing, output, exit codes. The rota rules: tests/services/test_shift_rota.py."""

from __future__ import annotations

import pytest

from tests.services.shift_steps import add_day_and_night, add_officers, assign, plan

MEMBERS = "zhang,wang,zhao,sun"


@pytest.fixture
def rota(staffed):
    add_officers(staffed, "zhao", "sun")
    add_day_and_night(staffed)
    return staffed


def run_plan(desk, *extra, types="day,night", first="2026-12-01", last="2026-12-31", members=MEMBERS):
    return desk.run("--as", "lead", "shift", "plan", "--from", first, "--to", last, "--type", types,
                    "--members", members, *extra)


def all_shifts(desk):
    return desk.json("shift", "list", "--from", "2026-11-01", "--to", "2027-02-28")


def test_plan_dry_run_writes_nothing_and_shows_balance(rota):
    res = run_plan(rota, "--dry-run", "--json", types="day")
    assert res.exit_code == 0, res.stderr
    view = res.json()
    assert view["dry_run"] is True and view["planned"] == 31
    assert view["from"] == "2026-12-01" and view["shifts"][0]["start_at"] == "2026-12-01T08:00:00+08:00"
    assert all(s["id"] is None for s in view["shifts"])
    assert all_shifts(rota) == []
    table = run_plan(rota, "--dry-run", types="day").stdout
    assert "balance" in table and "weekends" in table and "dry run" in table


def test_plan_types_and_members_repeatable_or_comma_separated(rota):
    res = rota.run("--as", "lead", "shift", "plan", "--from", "2026-12-01", "--to", "2026-12-02",
                   "--type", "day", "--type", "night", "--members", "zhang,wang", "--members", "zhao", "--json")
    assert res.exit_code == 0, res.stderr
    view = res.json()
    assert (view["types"], view["members"], view["planned"]) == (["day", "night"], ["zhang", "wang", "zhao"], 4)
    assert len(all_shifts(rota)) == 4


def test_plan_replace_option(rota):
    assign(rota, "2026-12-01", "night", "zhang")
    view = run_plan(rota, "--json", types="night", last="2026-12-03").json()
    assert (view["planned"], view["skipped"]) == (2, [{"day": "2026-12-01", "type": "night"}])
    view = run_plan(rota, "--json", "--replace", types="night", last="2026-12-03").json()
    assert (view["replaced"], view["planned"]) == (3, 3)


def test_plan_unfilled_places_are_warned_about(rota):
    res = run_plan(rota, types="day,night", last="2026-12-02", members="zhang")
    assert res.exit_code == 0, res.stderr
    assert "could not be filled" in res.stdout
    assert "place(s) could not be filled" in res.stderr and "shift gaps" in res.stderr


@pytest.mark.parametrize(
    "args, code, text",
    [
        (("--from", "2026-13-01", "--to", "2026-12-31", "--type", "day", "--members", MEMBERS), 2, "date"),
        (("--from", "2026-12-31", "--to", "2026-12-01", "--type", "day", "--members", MEMBERS), 2, "after"),
        (("--from", "2026-12-01", "--to", "2026-12-31", "--type", "dayy", "--members", MEMBERS), 3, "dayy"),
    ],
)
def test_plan_bad_input_exits_clearly_and_writes_nothing(rota, args, code, text):
    res = rota.run("--as", "lead", "shift", "plan", *args)
    assert res.exit_code == code
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and text in res.stderr
    assert all_shifts(rota) == []


def test_plan_by_officer_exits_5(rota):
    res = rota.run("--as", "zhang", "shift", "plan", "--from", "2026-12-01", "--to", "2026-12-31",
                   "--type", "night", "--members", MEMBERS)
    assert res.exit_code == 5
    assert res.stderr.startswith("deskctl: error: ") and "supervisor" in res.stderr
    assert all_shifts(rota) == []


# --- assign / unassign ------------------------------------------------------------------------


def test_assign_json_and_table(rota):
    view = rota.json("--as", "lead", "shift", "assign", "2026-12-01", "night", "zhang")
    assert (view["day"], view["who"], view["start_at"], view["end_at"]) == (
        "2026-12-01", "zhang", "2026-12-01T20:00:00+08:00", "2026-12-02T08:00:00+08:00")
    res = rota.run("--as", "lead", "shift", "assign", "tomorrow", "day", "wang")
    assert res.exit_code == 0 and "assigned" in res.stdout and "2026-11-24" in res.stdout


def test_assign_bad_date_exits_2_and_conflict_exits_4(rota):
    assert rota.run("--as", "lead", "shift", "assign", "someday", "day", "zhang").exit_code == 2
    assign(rota, "2026-12-01", "day", "zhang")
    res = rota.run("--as", "lead", "shift", "assign", "2026-12-01", "night", "zhang")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "rest" in res.stderr


def test_unassign_by_id_and_by_date(rota):
    first = assign(rota, "2026-12-01", "day", "zhang")
    assign(rota, "2026-12-02", "day", "wang")
    rota.ok("--as", "lead", "shift", "unassign", str(first["id"]))
    rota.ok("--as", "lead", "shift", "unassign", "2026-12-02", "day", "wang")
    assert all_shifts(rota) == []
    assert rota.run("--as", "lead", "shift", "unassign", str(first["id"])).exit_code == 3
    res = rota.run("--as", "lead", "shift", "unassign", "2026-12-02")
    assert res.exit_code == 2 and "DATE TYPE HANDLE" in res.stderr
    assert rota.run("--as", "lead", "shift", "unassign", "2026-12-03", "day", "wang").exit_code == 3


def test_unassign_started_shift_exits_4(rota):
    started = assign(rota, "2026-11-23", "day", "zhang")
    res = rota.run("--as", "lead", "shift", "unassign", str(started["id"]))
    assert res.exit_code == 4
    assert "cover" in res.stderr
    assert len(all_shifts(rota)) == 1


# --- looking ------------------------------------------------------------------------------


def test_list_options_and_formats(rota):
    plan(rota, "2026-12-01", "2026-12-07")
    mine = rota.json("shift", "list", "--from", "2026-12-01", "--to", "2026-12-07", "--who", "zhang")
    assert mine and {s["who"] for s in mine} == {"zhang"}
    nights = rota.json("shift", "list", "--from", "2026-12-01", "--to", "2026-12-07", "--type", "night")
    assert len(nights) == 7
    csv = rota.ok("shift", "list", "--from", "2026-12-01", "--to", "2026-12-01", "--format", "csv").stdout
    assert csv.splitlines()[0].startswith("id,day,type,who,start_at,end_at")
    assert len(csv.splitlines()) == 3
    jsonl = rota.ok("shift", "list", "--from", "2026-12-01", "--to", "2026-12-01", "--format", "jsonl").stdout
    assert len(jsonl.splitlines()) == 2
    assert rota.json("shift", "list", "--from", "2027-06-01", "--to", "2027-06-02") == []
    assert rota.run("shift", "list", "--from", "2026-12-07", "--to", "2026-12-01").exit_code == 2
    assert rota.run("shift", "list", "--who", "ghost").exit_code == 3


def test_list_default_window_is_today_and_the_next_6_days(rota):
    assign(rota, "2026-11-23", "day", "zhang")
    assign(rota, "2026-11-29", "day", "zhang")
    assign(rota, "2026-11-30", "day", "zhang")
    assert [s["day"] for s in rota.json("shift", "list")] == ["2026-11-23", "2026-11-29"]


def test_now_with_nobody_on_duty_exits_0_and_says_so(rota):
    res = rota.run("shift", "now")
    assert res.exit_code == 0
    assert "NOBODY IS ON DUTY" in res.stdout
    res = rota.run("shift", "now", "--json")
    assert res.exit_code == 0
    view = res.json()
    assert view["nobody_on_duty"] is True and view["on_duty"] == []
    assert "NOBODY IS ON DUTY NOW" in res.stderr


def test_now_shows_since_until_and_who_takes_over(rota):
    assign(rota, "2026-11-23", "day", "zhang")
    assign(rota, "2026-11-23", "night", "wang")
    view = rota.json("shift", "now")
    assert [(r["who"], r["since"], r["until"]) for r in view["on_duty"]] == [
        ("zhang", "2026-11-23T08:00:00+08:00", "2026-11-23T20:00:00+08:00")]
    assert view["next_handover_at"] == "2026-11-23T20:00:00+08:00"
    assert [r["who"] for r in view["takes_over"]] == ["wang"]
    csv = rota.ok("shift", "now", "--format", "csv").stdout.splitlines()
    assert len(csv) == 2 and "zhang" in csv[1]
    table = rota.ok("shift", "now").stdout
    assert "on duty now" in table and "wang" in table


def test_mine_lists_only_the_acting_users_shifts(rota):
    plan(rota, "2026-11-24", "2026-11-30")
    rows = rota.json("--as", "wang", "shift", "mine")
    assert rows and {r["who"] for r in rows} == {"wang"}


def test_gaps_cron_contract(rota):
    plan(rota, "2026-12-01", "2026-12-07")
    quiet = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    asked = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07", "--json")
    assert (asked.exit_code, asked.json()) == (0, [])
    victim = rota.json("shift", "list", "--from", "2026-12-03", "--to", "2026-12-03", "--type", "night")[0]
    rota.ok("--as", "lead", "shift", "unassign", str(victim["id"]))
    found = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07", "--json")
    assert found.exit_code == 1
    assert found.json() == [{
        "start_at": "2026-12-03T20:00:00+08:00", "end_at": "2026-12-04T08:00:00+08:00",
        "duration_seconds": 43200, "type": "night", "have": 0, "need": 1, "problem": "0 of 1 on duty",
    }]
    table = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07")
    assert table.exit_code == 1 and "night" in table.stdout and "12h" in table.stdout


def test_gaps_bad_window_exits_2(rota):
    res = rota.run("shift", "gaps", "--from", "2026-12-31", "--to", "2026-12-01")
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: ")
