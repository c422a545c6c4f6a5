"""`deskctl staff …`: output, the acting user from --as or the environment, exit codes. The
rules: tests/services/test_staff.py."""

from __future__ import annotations


def test_staff_add_json_and_list(staffed):
    view = staffed.json("--as", "lead", "staff", "add", "zhou", "--name", "周八", "--role", "technician", "--tier", "2")
    assert (view["handle"], view["role"], view["tier"], view["created_at"]) == (
        "zhou", "technician", 2, "2026-11-23T09:00:00+08:00")
    assert "zhou" in [s["handle"] for s in staffed.json("staff", "list", "--role", "technician")]


def test_staff_add_first_must_be_supervisor(desk):
    res = desk.run("staff", "add", "zhang", "--name", "张三", "--role", "officer")
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: ") and "must be --role supervisor" in res.stderr
    assert desk.json("staff", "list") == []


def test_staff_add_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "staff", "add", "x", "--name", "X", "--role", "officer")
    assert res.exit_code == 5
    assert res.stderr.startswith("deskctl: error: ")
    assert "x" not in [s["handle"] for s in staffed.json("staff", "list")]


def test_staff_deactivate_and_list_all(staffed):
    staffed.ok("--as", "lead", "staff", "deactivate", "wang")
    assert "wang" not in [s["handle"] for s in staffed.json("staff", "list")]
    listed = staffed.json("staff", "list", "--all")
    assert {s["handle"]: s["active"] for s in listed}["wang"] is False
    assert staffed.run("--as", "lead", "staff", "deactivate", "lead").exit_code == 4


def test_staff_show_unknown_exits_3(staffed):
    res = staffed.run("staff", "show", "nobody")
    assert res.exit_code == 3
    assert "nobody" in res.stderr


def test_staff_acting_user_from_environment(staffed):
    res = staffed.run("staff", "edit", "zhang", "--tier", "2", env={"DESKCTL_USER": "lead"})
    assert res.exit_code == 0, res.stderr
    assert staffed.json("staff", "show", "zhang")["tier"] == 2
    res = staffed.run("--as", "zhang", "staff", "edit", "wang", "--tier", "2", env={"DESKCTL_USER": "lead"})
    assert res.exit_code == 5  # --as wins over the environment
