"""`deskctl train …`: output, --on/--since/--within parsing, the cron contract of `train due`
(silent and exit 0, or a listing and exit 1). The rules: tests/services/test_train.py."""

from __future__ import annotations

from datetime import date

from deskctl.services.people.training import add_training


def _add(desk, who, on, result="pass"):
    desk.write(add_training, handle=who, topic="t", on=date.fromisoformat(on), result=result)


def test_train_add_json(staffed):
    view = staffed.json("--as", "lead", "train", "add", "zhang", "--topic", "防火墙变更流程", "--on", "2026-11-10",
                        "--hours", "4", "--result", "pass")
    assert (view["handle"], view["topic"], view["on"], view["hours"], view["result"]) == (
        "zhang", "防火墙变更流程", "2026-11-10", 4.0, "pass")
    assert view["recorded_by"] == "lead"


def test_train_add_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "train", "add", "wang", "--topic", "x", "--on", "2026-11-10")
    assert res.exit_code == 5
    assert staffed.json("train", "list") == []


def test_train_add_bad_values_exit_2(staffed):
    for args, words in [(["--on", "someday"], "invalid date"), (["--hours", "lots"], "--hours"),
                        (["--on", "2026-12-01"], "future")]:
        res = staffed.run("--as", "lead", "train", "add", "zhang", "--topic", "t", "--on", "2026-11-10", *args)
        assert res.exit_code == 2, args
        assert res.stderr.startswith("deskctl: error: ") and words in res.stderr
    assert staffed.json("train", "list") == []
    assert staffed.run("--as", "lead", "train", "add", "ghost", "--topic", "t", "--on", "2026-11-10").exit_code == 3


def test_train_list_options(staffed):
    for who, on in [("zhang", "2026-10-01"), ("wang", "2026-11-01"), ("zhang", "2026-11-20")]:
        _add(staffed, who, on)
    assert [r["on"] for r in staffed.json("train", "list")] == ["2026-11-20", "2026-11-01", "2026-10-01"]
    assert [r["on"] for r in staffed.json("train", "list", "--who", "zhang")] == ["2026-11-20", "2026-10-01"]
    assert len(staffed.json("train", "list", "--since", "2026-11-01")) == 2


def test_train_due_silent_and_exit_0_when_nobody_overdue(staffed):
    res = staffed.run("train", "due")
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", "")


def test_train_due_exits_1_and_lists_the_overdue(staffed):
    _add(staffed, "zhang", "2026-05-01")  # due 2026-10-28: 26 days over
    res = staffed.run("train", "due", "--json")
    assert res.exit_code == 1
    assert [(r["handle"], r["due_on"], r["days_overdue"]) for r in res.json()] == [("zhang", "2026-10-28", 26)]
    table = staffed.run("train", "due")
    assert table.exit_code == 1 and "zhang" in table.stdout


def test_train_due_within_lists_soon_due_without_failing(staffed):
    _add(staffed, "wang", "2026-06-01")  # due 2026-11-28, five days from now
    res = staffed.run("train", "due", "--within", "7d", "--json")
    assert res.exit_code == 0
    assert [(r["handle"], r["overdue"]) for r in res.json()] == [("wang", False)]
