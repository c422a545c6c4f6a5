"""`deskctl shift plan|assign|unassign|list|now|mine|gaps` (clock: 2026-11-23 09:00 Asia/Shanghai)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

MEMBERS = "zhang,wang,zhao,sun"


@pytest.fixture
def rota(staffed):
    for handle, name in (("zhao", "赵六"), ("sun", "孙七")):
        staffed.ok("--as", "lead", "staff", "add", handle, "--name", name, "--role", "officer")
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00", "--min-staff", "1")
    staffed.ok("--as", "lead", "shift", "type", "add", "night", "--start", "20:00", "--end", "08:00",
               "--min-staff", "1")
    return staffed


def plan(desk, *extra, types="day,night", first="2026-12-01", last="2026-12-31", members=MEMBERS):
    return desk.run("--as", "lead", "shift", "plan", "--from", first, "--to", last, "--type", types,
                    "--members", members, *extra)


def all_shifts(desk):
    return desk.json("shift", "list", "--from", "2026-11-01", "--to", "2027-02-28")


def test_plan_dry_run_writes_nothing_and_shows_balance(rota):
    res = plan(rota, "--dry-run", "--json", types="day")
    assert res.exit_code == 0, res.stderr
    view = res.json()
    assert view["dry_run"] is True and view["planned"] == 31
    assert {b["who"] for b in view["balance"]} == {"zhang", "wang", "zhao", "sun"}
    assert sum(b["shifts"] for b in view["balance"]) == 31
    assert all(set(b) == {"who", "shifts", "nights", "weekends", "hours"} for b in view["balance"])
    assert all(s["id"] is None for s in view["shifts"])
    assert all_shifts(rota) == []
    table = plan(rota, "--dry-run", types="day").stdout
    assert "balance" in table and "weekends" in table and "dry run" in table


def test_plan_night_then_day_covers_december_without_gaps(rota):
    assert plan(rota, types="night").exit_code == 0
    assert plan(rota, types="day").exit_code == 0
    shifts = all_shifts(rota)
    assert len(shifts) == 62
    per_person: dict[str, list] = {}
    for s in shifts:
        per_person.setdefault(s["who"], []).append(
            (datetime.fromisoformat(s["start_at"]), datetime.fromisoformat(s["end_at"])))
    for spans in per_person.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert (start - end).total_seconds() >= 11 * 3600
    nights = Counter(s["who"] for s in shifts if s["type"] == "night")
    assert max(nights.values()) - min(nights.values()) <= 1
    res = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-31")
    assert res.exit_code == 0
    assert res.stdout == "" and res.stderr == ""


def test_plan_skips_planned_dates_unless_replace(rota):
    rota.ok("--as", "lead", "shift", "assign", "2026-12-01", "night", "zhang")
    view = plan(rota, "--json", types="night", last="2026-12-03").json()
    assert view["skipped"] == [{"day": "2026-12-01", "type": "night"}]
    assert view["planned"] == 2
    assert len(all_shifts(rota)) == 3
    view = plan(rota, "--json", "--replace", types="night", last="2026-12-03").json()
    assert view["replaced"] == 3 and view["planned"] == 3 and view["skipped"] == []
    assert len(all_shifts(rota)) == 3


def test_plan_replace_keeps_started_shifts(rota):
    rota.ok("--as", "lead", "shift", "assign", "2026-11-23", "day", "zhang")  # in progress now
    view = plan(rota, "--json", "--replace", types="day", first="2026-11-23", last="2026-11-24").json()
    assert view["replaced"] == 0
    assert view["skipped"] == [{"day": "2026-11-23", "type": "day"}]


def test_plan_day_and_night_balances_weekends_and_fills_everything(rota):
    view = plan(rota, "--dry-run", "--json", types="day,night").json()
    weekends = [b["weekends"] for b in view["balance"]]
    assert max(weekends) - min(weekends) <= 1
    assert view["unfilled"] == []


def test_plan_in_berlin_across_dst_night_lasts_11_hours(rota):
    view = rota.json("--tz", "Europe/Berlin", "--as", "lead", "shift", "plan", "--from", "2027-03-27",
                     "--to", "2027-03-28", "--type", "night", "--members", MEMBERS)
    hours = {s["day"]: s["hours"] for s in view["shifts"]}
    assert hours == {"2027-03-27": 11.0, "2027-03-28": 12.0}


@pytest.mark.parametrize(
    "args, code, text",
    [
        (("--from", "2026-12-31", "--to", "2026-12-01", "--type", "day", "--members", MEMBERS), 2, "after"),
        (("--from", "2026-12-01", "--to", "2026-12-31", "--type", "dayy", "--members", MEMBERS), 3, "dayy"),
        (("--from", "2026-12-01", "--to", "2026-12-31", "--type", "day", "--members", "zhang,ghost"), 3, "ghost"),
        (("--from", "2026-13-01", "--to", "2026-12-31", "--type", "day", "--members", MEMBERS), 2, "date"),
        (("--from", "2026-12-01", "--to", "2029-12-31", "--type", "day", "--members", MEMBERS), 2, "days"),
    ],
)
def test_plan_bad_input_exits_clearly_and_writes_nothing(rota, args, code, text):
    res = rota.run("--as", "lead", "shift", "plan", *args)
    assert res.exit_code == code
    assert res.stderr.startswith("deskctl: error: ") and text in res.stderr
    assert all_shifts(rota) == []


def test_plan_inactive_member_exits_2(rota):
    rota.ok("--as", "lead", "staff", "deactivate", "sun")
    res = plan(rota, types="day")
    assert res.exit_code == 2
    assert "deactivated" in res.stderr
    assert all_shifts(rota) == []


def test_plan_by_officer_exits_5(rota):
    res = rota.run("--as", "zhang", "shift", "plan", "--from", "2026-12-01", "--to", "2026-12-31",
                   "--type", "night", "--members", MEMBERS)
    assert res.exit_code == 5
    assert all_shifts(rota) == []


def test_plan_writes_an_audit_event_per_shift(rota):
    plan(rota, types="day", last="2026-12-03")
    events = rota.json("audit", "log", "--entity", "shift")
    assert [e["kind"] for e in events] == ["planned"] * 3


# --- assign / unassign ------------------------------------------------------------------------


def test_assign_double_booking_exits_4(rota):
    rota.ok("--as", "lead", "shift", "assign", "2026-12-01", "day", "zhang")
    res = rota.run("--as", "lead", "shift", "assign", "2026-12-01", "day", "zhang")
    assert res.exit_code == 4
    assert "double-book" in res.stderr


def test_assign_short_rest_exits_4(rota):
    rota.ok("--as", "lead", "shift", "assign", "2026-12-01", "day", "zhang")
    res = rota.run("--as", "lead", "shift", "assign", "2026-12-01", "night", "zhang")
    assert res.exit_code == 4
    assert "rest" in res.stderr and "11h" in res.stderr
    assert len(all_shifts(rota)) == 1


def test_assign_by_officer_exits_5_and_unknowns_exit_3(rota):
    assert rota.run("--as", "zhang", "shift", "assign", "2026-12-01", "day", "zhang").exit_code == 5
    assert rota.run("--as", "lead", "shift", "assign", "2026-12-01", "evening", "zhang").exit_code == 3
    assert rota.run("--as", "lead", "shift", "assign", "2026-12-01", "day", "nobody").exit_code == 3
    assert rota.run("--as", "lead", "shift", "assign", "someday", "day", "zhang").exit_code == 2


def test_unassign_by_id_and_by_date(rota):
    first = rota.json("--as", "lead", "shift", "assign", "2026-12-01", "day", "zhang")
    rota.ok("--as", "lead", "shift", "assign", "2026-12-02", "day", "wang")
    rota.ok("--as", "lead", "shift", "unassign", str(first["id"]))
    rota.ok("--as", "lead", "shift", "unassign", "2026-12-02", "day", "wang")
    assert all_shifts(rota) == []
    assert rota.run("--as", "lead", "shift", "unassign", str(first["id"])).exit_code == 3
    assert rota.run("--as", "lead", "shift", "unassign", "2026-12-02").exit_code == 2


def test_unassign_started_shift_exits_4(rota):
    started = rota.json("--as", "lead", "shift", "assign", "2026-11-23", "day", "zhang")
    res = rota.run("--as", "lead", "shift", "unassign", str(started["id"]))
    assert res.exit_code == 4
    assert "cover" in res.stderr
    assert len(all_shifts(rota)) == 1


# --- looking ------------------------------------------------------------------------------


def test_list_filters_and_formats(rota):
    plan(rota, last="2026-12-07")
    mine = rota.json("shift", "list", "--from", "2026-12-01", "--to", "2026-12-07", "--who", "zhang")
    assert mine and {s["who"] for s in mine} == {"zhang"}
    assert all("2026-12-01" <= s["day"] <= "2026-12-07" for s in mine)
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


def test_now_with_nobody_on_duty_exits_0_and_says_so(rota):
    res = rota.run("shift", "now")
    assert res.exit_code == 0
    assert "NOBODY IS ON DUTY" in res.stdout
    view = rota.json("shift", "now")
    assert view["nobody_on_duty"] is True and view["on_duty"] == []


def test_now_shows_since_until_and_who_takes_over(rota):
    rota.ok("--as", "lead", "shift", "assign", "2026-11-23", "day", "zhang")
    rota.ok("--as", "lead", "shift", "assign", "2026-11-23", "night", "wang")
    view = rota.json("shift", "now")
    assert view["nobody_on_duty"] is False
    assert [(r["who"], r["since"], r["until"]) for r in view["on_duty"]] == [
        ("zhang", "2026-11-23T08:00:00+08:00", "2026-11-23T20:00:00+08:00")]
    assert view["next_handover_at"] == "2026-11-23T20:00:00+08:00"
    assert [r["who"] for r in view["takes_over"]] == ["wang"]
    csv = rota.ok("shift", "now", "--format", "csv").stdout.splitlines()
    assert len(csv) == 2 and "zhang" in csv[1]


def test_mine_lists_only_the_acting_users_shifts(rota):
    plan(rota, first="2026-11-24", last="2026-11-30")
    rows = rota.json("--as", "wang", "shift", "mine")
    assert rows and {r["who"] for r in rows} == {"wang"}


def test_gaps_cron_contract(rota):
    plan(rota, first="2026-12-01", last="2026-12-07")
    quiet = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07", "--json").json() == []
    victim = rota.json("shift", "list", "--from", "2026-12-03", "--to", "2026-12-03", "--type", "night")[0]
    rota.ok("--as", "lead", "shift", "unassign", str(victim["id"]))
    found = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07", "--json")
    assert found.exit_code == 1
    assert found.json() == [{
        "start_at": "2026-12-03T20:00:00+08:00", "end_at": "2026-12-04T08:00:00+08:00",
        "duration_seconds": 43200, "type": "night", "have": 0, "need": 1, "problem": "0 of 1 on duty",
    }]
    table = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-07")
    assert table.exit_code == 1 and "night" in table.stdout


def test_gaps_reports_time_no_type_covers(rota):
    rota.ok("--as", "lead", "shift", "type", "remove", "night")
    rota.ok("--as", "lead", "shift", "assign", "2026-12-01", "day", "zhang")
    res = rota.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-01", "--json")
    assert res.exit_code == 1
    assert [(g["type"], g["start_at"], g["end_at"]) for g in res.json()] == [
        ("", "2026-12-01T20:00:00+08:00", "2026-12-02T08:00:00+08:00")]


def test_gaps_bad_window_exits_2(rota):
    assert rota.run("shift", "gaps", "--from", "2026-12-31", "--to", "2026-12-01").exit_code == 2
