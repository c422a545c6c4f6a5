from __future__ import annotations


def test_staff_add_first_must_be_supervisor(desk):
    res = desk.run("staff", "add", "zhang", "--name", "张三", "--role", "officer")
    assert res.exit_code == 2
    assert "must be --role supervisor" in res.stderr
    assert desk.json("staff", "list") == []


def test_staff_add_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "staff", "add", "x", "--name", "X", "--role", "officer")
    assert res.exit_code == 5
    assert res.stderr.startswith("deskctl: error: ")
    handles = [s["handle"] for s in staffed.json("staff", "list")]
    assert "x" not in handles


def test_staff_add_by_unknown_actor_exits_5(staffed):
    res = staffed.run("--as", "ghost", "staff", "add", "x", "--name", "X", "--role", "officer")
    assert res.exit_code == 5


def test_staff_deactivate_by_officer_exits_5(staffed):
    res = staffed.run("--as", "zhang", "staff", "deactivate", "wang")
    assert res.exit_code == 5
    assert all(s["active"] for s in staffed.json("staff", "list"))


def test_staff_deactivated_member_cannot_act(staffed):
    staffed.ok("--as", "lead", "staff", "deactivate", "wang")
    res = staffed.run("--as", "wang", "staff", "edit", "zhang", "--name", "Z")
    assert res.exit_code == 5
    assert "deactivated" in res.stderr
    listed = staffed.json("staff", "list", "--all")
    assert {s["handle"]: s["active"] for s in listed}["wang"] is False


def test_staff_show_unknown_exits_3(staffed):
    res = staffed.run("staff", "show", "nobody")
    assert res.exit_code == 3
    assert "nobody" in res.stderr


def test_staff_add_duplicate_handle_exits_4(staffed):
    res = staffed.run("--as", "lead", "staff", "add", "zhang", "--name", "Again", "--role", "officer")
    assert res.exit_code == 4


def test_staff_last_supervisor_cannot_be_deactivated(staffed):
    res = staffed.run("--as", "lead", "staff", "deactivate", "lead")
    assert res.exit_code == 4


def test_staff_acting_user_from_environment(staffed):
    res = staffed.run("staff", "edit", "zhang", "--tier", "2", env={"DESKCTL_USER": "lead"})
    assert res.exit_code == 0, res.stderr
    assert staffed.json("staff", "show", "zhang")["tier"] == 2
