"""`deskctl shift swap …` and `shift cover` (clock: 2026-11-23 09:00 Asia/Shanghai)."""

from __future__ import annotations

import pytest


@pytest.fixture
def rota(staffed):
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    staffed.ok("--as", "lead", "shift", "type", "add", "night", "--start", "20:00", "--end", "08:00")
    return staffed


def assign(desk, day, type_name, who) -> int:
    return desk.json("--as", "lead", "shift", "assign", day, type_name, who)["id"]


def holder(desk, shift_id) -> str:
    rows = desk.json("shift", "list", "--from", "2026-11-01", "--to", "2027-01-31")
    return {r["id"]: r["who"] for r in rows}[shift_id]


def test_swap_request_and_accept_moves_the_shift(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    assert (req["status"], req["from"], req["to"], req["shift_id"]) == ("pending", "zhang", "wang", shift)
    assert [r["id"] for r in rota.json("--as", "wang", "shift", "swap", "list")] == [req["id"]]
    done = rota.json("--as", "wang", "shift", "swap", "accept", str(req["id"]))
    assert done["status"] == "accepted"
    assert holder(rota, shift) == "wang"
    kinds = [(e["entity"], e["kind"]) for e in rota.json("audit", "log", "--limit", "5")]
    assert ("shift", "swapped") in kinds and ("swap_request", "accepted") in kinds


def test_swap_decline_keeps_the_shift(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    assert rota.json("--as", "wang", "shift", "swap", "decline", str(req["id"]))["status"] == "declined"
    assert holder(rota, shift) == "zhang"
    assert rota.json("--as", "wang", "shift", "swap", "list") == []
    assert rota.run("--as", "wang", "shift", "swap", "accept", str(req["id"])).exit_code == 4


def test_swap_with_oneself_exits_2(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    res = rota.run("--as", "zhang", "shift", "swap", str(shift), "--with", "zhang")
    assert res.exit_code == 2
    assert rota.json("shift", "swap", "list", "--all") == []


def test_swap_accept_by_someone_else_exits_5(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    for other in ("zhang", "lead"):
        res = rota.run("--as", other, "shift", "swap", "accept", str(req["id"]))
        assert res.exit_code == 5
    assert holder(rota, shift) == "zhang"


def test_swap_accept_twice_exits_4(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    rota.ok("--as", "wang", "shift", "swap", "accept", str(req["id"]))
    res = rota.run("--as", "wang", "shift", "swap", "accept", str(req["id"]))
    assert res.exit_code == 4
    assert "already accepted" in res.stderr


def test_swap_accept_rechecks_rest_at_that_moment(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    assign(rota, "2026-12-17", "day", "wang")  # planned after the request: 0 h rest before the night
    res = rota.run("--as", "wang", "shift", "swap", "accept", str(req["id"]))
    assert res.exit_code == 4
    assert "rest" in res.stderr
    assert holder(rota, shift) == "zhang"
    assert rota.json("--as", "wang", "shift", "swap", "list")[0]["status"] == "pending"


def test_swap_accept_rechecks_double_booking(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    rota.ok("--as", "lead", "shift", "assign", "2026-12-17", "night", "wang")
    res = rota.run("--as", "wang", "shift", "swap", "accept", str(req["id"]))
    assert res.exit_code == 4
    assert "double-book" in res.stderr


def test_swap_of_someone_elses_shift_exits_5(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    assert rota.run("--as", "wang", "shift", "swap", str(shift), "--with", "wang").exit_code == 5


def test_swap_bad_forms_exit_2_or_3(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    assert rota.run("--as", "zhang", "shift", "swap", str(shift)).exit_code == 2
    assert rota.run("--as", "zhang", "shift", "swap", "accept").exit_code == 2
    assert rota.run("--as", "zhang", "shift", "swap", "maybe").exit_code == 2
    assert rota.run("--as", "zhang", "shift", "swap", "999", "--with", "wang").exit_code == 3
    assert rota.run("--as", "wang", "shift", "swap", "accept", "999").exit_code == 3
    assert rota.run("--as", "zhang", "shift", "swap", str(shift), "--with", "ghost").exit_code == 3


def test_swap_second_pending_request_exits_4(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    rota.ok("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    assert rota.run("--as", "zhang", "shift", "swap", str(shift), "--with", "lead").exit_code == 4


def test_swap_of_started_shift_exits_4(rota):
    shift = assign(rota, "2026-11-23", "day", "zhang")
    res = rota.run("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    assert res.exit_code == 4
    assert "cover" in res.stderr


# --- cover ----------------------------------------------------------------------------------


def test_cover_replaces_directly_and_is_audited(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    req = rota.json("--as", "zhang", "shift", "swap", str(shift), "--with", "wang")
    view = rota.json("--as", "lead", "shift", "cover", str(shift), "--by", "wang")
    assert view["who"] == "wang"
    assert rota.json("shift", "swap", "list", "--all")[0]["status"] == "cancelled"
    assert rota.run("--as", "wang", "shift", "swap", "accept", str(req["id"])).exit_code == 4
    covered = [e for e in rota.json("audit", "log", "--entity", "shift") if e["kind"] == "covered"]
    assert [(e["from"], e["to"], e["actor"]) for e in covered] == [("zhang", "wang", "lead")]


def test_cover_by_officer_exits_5(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    assert rota.run("--as", "zhang", "shift", "cover", str(shift), "--by", "wang").exit_code == 5
    assert holder(rota, shift) == "zhang"


def test_cover_refuses_short_rest_and_inactive(rota):
    shift = assign(rota, "2026-12-17", "night", "zhang")
    assign(rota, "2026-12-18", "day", "wang")
    res = rota.run("--as", "lead", "shift", "cover", str(shift), "--by", "wang")
    assert res.exit_code == 4 and "rest" in res.stderr
    rota.ok("--as", "lead", "staff", "deactivate", "li")
    assert rota.run("--as", "lead", "shift", "cover", str(shift), "--by", "li").exit_code == 2
    assert holder(rota, shift) == "zhang"
