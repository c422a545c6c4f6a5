"""`deskctl shift swap …` and `shift cover` (clock: 2026-11-23 09:00 Asia/Shanghai): the three
forms of `swap`, output and exit codes. The rules: tests/services/test_shift_swaps.py."""

from __future__ import annotations

import pytest

from tests.services.shift_steps import add_day_and_night, assign, holder


@pytest.fixture
def rota(staffed):
    add_day_and_night(staffed)
    return staffed


def test_swap_request_list_and_accept(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")["id"]
    res = rota.run("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    assert res.exit_code == 0, res.stderr
    assert "swap request 1 sent to wang" in res.stdout
    assert "deskctl shift swap accept 1" in res.stderr
    listed = rota.json("--as", "wang", "shift", "swap", "list")
    assert [(r["id"], r["from"], r["to"], r["start_at"]) for r in listed] == [
        (1, "zhang", "wang", "2026-12-17T20:00:00+08:00")]
    done = rota.json("--as", "wang", "shift", "swap", "accept", "1")
    assert done["status"] == "accepted"
    assert holder(rota, shift) == "wang"
    assert rota.json("--as", "wang", "shift", "swap", "list") == []
    assert [r["status"] for r in rota.json("shift", "swap", "list", "--all")] == ["accepted"]


def test_swap_decline(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")["id"]
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    assert rota.json("--as", "wang", "shift", "swap", "decline", str(req["id"]))["status"] == "declined"
    res = rota.run("--as", "wang", "shift", "swap", "accept", str(req["id"]))
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "already declined" in res.stderr


def test_swap_bad_forms_exit_2_or_3(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")["id"]
    res = rota.run("--as", "zhang", "shift", "swap", str(shift))
    assert res.exit_code == 2 and "--with" in res.stderr
    res = rota.run("--as", "zhang", "shift", "swap", "accept")
    assert res.exit_code == 2 and "which request" in res.stderr
    res = rota.run("--as", "zhang", "shift", "swap", "maybe")
    assert res.exit_code == 2 and "maybe" in res.stderr
    res = rota.run("--as", "zhang", "shift", "swap", str(shift), "7", "--with", "wang")
    assert res.exit_code == 2 and "one shift ID" in res.stderr
    assert rota.run("--as", "zhang", "shift", "swap", "999", "--with", "wang").exit_code == 3
    assert rota.run("--as", "wang", "shift", "swap", "accept", "999").exit_code == 3
    assert rota.json("shift", "swap", "list", "--all") == []


def test_swap_of_someone_elses_shift_exits_5(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")["id"]
    res = rota.run("--as", "wang", "shift", "swap", str(shift), "--with", "wang")
    assert res.exit_code == 5
    assert res.stderr.startswith("deskctl: error: ") and "not yours" in res.stderr


def test_cover_json_and_refusal(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")["id"]
    assert rota.run("--as", "zhang", "shift", "cover", str(shift), "--by", "wang").exit_code == 5
    view = rota.json("--as", "lead", "shift", "cover", str(shift), "--by", "wang")
    assert (view["id"], view["who"]) == (shift, "wang")
    res = rota.run("--as", "lead", "shift", "cover", str(shift), "--by", "wang")
    assert res.exit_code == 2 and "already wang's" in res.stderr
