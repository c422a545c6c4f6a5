from __future__ import annotations


def test_train_add_by_supervisor_records_and_audits(staffed):
    view = staffed.json("--as", "lead", "train", "add", "zhang", "--topic", "防火墙变更流程", "--on", "2026-11-10",
                        "--hours", "4", "--result", "pass")
    assert (view["handle"], view["topic"], view["on"], view["hours"], view["result"]) == (
        "zhang", "防火墙变更流程", "2026-11-10", 4.0, "pass")
    assert view["recorded_by"] == "lead"
    events = staffed.json("audit", "log", "--entity", "training")
    assert [(e["kind"], e["actor"], e["details"]["handle"]) for e in events] == [("added", "lead", "zhang")]


def test_train_add_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "train", "add", "wang", "--topic", "x", "--on", "2026-11-10")
    assert res.exit_code == 5
    assert staffed.json("train", "list") == []


def test_train_add_bad_values_exit_2(staffed):
    for args, words in [
        (["--result", "maybe"], "pass, fail"),
        (["--hours", "-1"], "--hours"),
        (["--on", "2026-12-01"], "future"),
        (["--on", "someday"], "invalid date"),
    ]:
        base = ["--as", "lead", "train", "add", "zhang", "--topic", "t", "--on", "2026-11-10"]
        res = staffed.run(*base, *args)
        assert res.exit_code == 2, args
        assert words in res.stderr
    assert staffed.json("train", "list") == []


def test_train_add_unknown_person_exits_3(staffed):
    res = staffed.run("--as", "lead", "train", "add", "ghost", "--topic", "t", "--on", "2026-11-10")
    assert res.exit_code == 3


def test_train_list_newest_first_and_by_person(staffed):
    for who, on in [("zhang", "2026-10-01"), ("wang", "2026-11-01"), ("zhang", "2026-11-20")]:
        staffed.ok("--as", "lead", "train", "add", who, "--topic", "t", "--on", on)
    rows = staffed.json("train", "list")
    assert [r["on"] for r in rows] == ["2026-11-20", "2026-11-01", "2026-10-01"]
    assert [r["on"] for r in staffed.json("train", "list", "--who", "zhang")] == ["2026-11-20", "2026-10-01"]
    assert len(staffed.json("train", "list", "--since", "2026-11-01")) == 2


def test_train_due_silent_and_exit_0_when_nobody_overdue(staffed):
    res = staffed.run("train", "due")
    assert res.exit_code == 0
    assert res.stdout == "" and res.stderr == ""


def test_train_due_exits_1_and_lists_the_overdue(staffed):
    # passed on 2026-05-01: due 180 days later, 2026-10-28; today 2026-11-23 is 26 days over
    staffed.ok("--as", "lead", "train", "add", "zhang", "--topic", "t", "--on", "2026-05-01")
    # a failed training does not reset the interval
    staffed.ok("--as", "lead", "train", "add", "zhang", "--topic", "t", "--on", "2026-11-01", "--result", "fail")
    res = staffed.run("train", "due", "--json")
    assert res.exit_code == 1
    rows = res.json()
    assert [(r["handle"], r["due_on"], r["days_overdue"]) for r in rows] == [("zhang", "2026-10-28", 26)]
    table = staffed.run("train", "due")
    assert table.exit_code == 1 and "zhang" in table.stdout


def test_train_due_within_lists_soon_due_without_failing(staffed):
    # passed 2026-06-01 → due 2026-11-28, five days from now
    staffed.ok("--as", "lead", "train", "add", "wang", "--topic", "t", "--on", "2026-06-01")
    assert staffed.run("train", "due").exit_code == 0
    res = staffed.run("train", "due", "--within", "7d", "--json")
    assert res.exit_code == 0
    assert [(r["handle"], r["overdue"]) for r in res.json()] == [("wang", False)]


def test_train_interval_comes_from_config(staffed):
    staffed.ok("--as", "lead", "train", "add", "zhang", "--topic", "t", "--on", "2026-11-01")
    staffed.ok("config", "set", "training.interval", "7d")
    res = staffed.run("train", "due", "--json")
    assert res.exit_code == 1
    assert res.json()[0]["due_on"] == "2026-11-08"
