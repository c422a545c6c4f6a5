"""The CLI of on-call rotas and escalation (SPEC §12; frozen clock 2026-11-23 09:00 Asia/Shanghai):
`shift type add|edit --team/--tier`, `shift now|list|gaps --team`, `ticket escalate` saying who
was picked, `ticket release`. The rules: tests/services/test_shift_oncall.py, test_ticket_oncall.py."""

from __future__ import annotations

import pytest

from deskctl.services.shifts import types
from deskctl.services.tickets import lifecycle
from tests.services.shift_steps import add_day_and_night, assign
from tests.services.ticket_steps import open_ticket


@pytest.fixture
def rota(staffed):
    """Desk day/night (zhang, wang) and tier-2 on call 18:00-08:00 (li), all on 23 Nov."""
    add_day_and_night(staffed)
    staffed.write(types.add_type, name="oncall-t2", start="18:00", end="08:00", team="tier2")
    assign(staffed, "2026-11-23", "day", "zhang")
    assign(staffed, "2026-11-23", "night", "wang")
    assign(staffed, "2026-11-23", "oncall-t2", "li")
    return staffed


def test_shift_type_add_with_team_and_tier(staffed):
    added = staffed.json("--as", "lead", "shift", "type", "add", "oncall-t3", "--start", "18:00", "--end", "08:00",
                         "--team", "3")
    assert (added["team"], added["tier"]) == ("tier3", 3)
    net = staffed.json("--as", "lead", "shift", "type", "add", "net", "--start", "20:00", "--end", "08:00",
                       "--team", "network", "--tier", "3")
    assert (net["team"], net["tier"]) == ("network", 3)
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    table = staffed.ok("shift", "type", "list").stdout
    day_line = next(line for line in table.splitlines() if line.strip().startswith("day"))
    assert "desk" in day_line
    csv = staffed.ok("shift", "type", "list", "--format", "csv").stdout.splitlines()
    assert csv[0].endswith(",team,tier")
    assert [line.split(",")[-2:] for line in csv[1:]] == [["", ""], ["tier3", "3"], ["network", "3"]]


@pytest.mark.parametrize("args, snippet", [
    (["--team", "network"], "--tier 2 or --tier 3"),
    (["--tier", "1"], "tier 1 is the desk"),
    (["--tier", "two"], "--tier"),
])
def test_shift_type_add_bad_team_exits_2(staffed, args, snippet):
    res = staffed.run("--as", "lead", "shift", "type", "add", "x", "--start", "18:00", "--end", "08:00", *args)
    assert res.exit_code == 2
    assert snippet in res.stderr
    assert staffed.json("shift", "type", "list") == []


def test_shift_type_edit_team_of_a_used_type_exits_4(rota):
    res = rota.run("--as", "lead", "shift", "type", "edit", "oncall-t2", "--team", "desk")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "add a new type" in res.stderr


def test_shift_now_team_json_and_table(rota):
    rota.set_now("2026-11-24T02:40:00+08:00")
    view = rota.json("shift", "now", "--team", "tier2")
    assert (view["team"], view["tier"], view["nobody_on_duty"]) == ("tier2", 2, False)
    assert [(r["who"], r["until"]) for r in view["on_duty"]] == [("li", "2026-11-24T08:00:00+08:00")]
    table = rota.ok("shift", "now", "--team", "2").stdout
    assert "on call now (tier2)" in table and "li" in table
    desk = rota.json("shift", "now")
    assert [r["who"] for r in desk["on_duty"]] == ["wang"]
    assert [r["who"] for r in desk["on_call"]] == ["li"]
    assert "on call" in rota.ok("shift", "now").stdout


def test_shift_now_team_nobody_on_call_warns_and_exits_0(rota):
    rota.set_now("2026-11-23T12:00:00+08:00")
    res = rota.run("shift", "now", "--team", "tier2", "--json")
    assert res.exit_code == 0
    assert res.json()["on_duty"] == []
    assert "NOBODY IS ON CALL NOW (tier2)" in res.stderr
    assert "NOBODY IS ON CALL NOW (tier2)" in rota.ok("shift", "now", "--team", "tier2").stdout


def test_shift_now_unknown_team_exits_3(rota):
    res = rota.run("shift", "now", "--team", "tier3")
    assert res.exit_code == 3
    assert res.stderr.startswith("deskctl: error: no on-call rota for tier 3")


def test_shift_list_and_gaps_by_team(rota):
    rows = rota.json("shift", "list", "--team", "tier2", "--from", "2026-11-23", "--to", "2026-11-23")
    assert [(r["who"], r["type"]) for r in rows] == [("li", "oncall-t2")]
    assert len(rota.json("shift", "list", "--from", "2026-11-23", "--to", "2026-11-23")) == 3
    res = rota.run("shift", "gaps", "--team", "tier2", "--from", "2026-11-23", "--to", "2026-11-24", "--json")
    assert res.exit_code == 1  # the 24th's night has nobody on call
    assert [(g["type"], g["start_at"]) for g in res.json()] == [("oncall-t2", "2026-11-24T18:00:00+08:00")]
    desk = rota.run("shift", "gaps", "--from", "2026-11-23", "--to", "2026-11-23", "--json")
    assert (desk.exit_code, desk.json()) == (0, [])  # the desk's own day is covered; on call is not counted


def test_ticket_escalate_without_to_says_who_is_on_call(rota):
    rota.set_now("2026-11-23T22:00:00+08:00")
    open_ticket(rota, "core switch down")
    out = rota.ok("--as", "wang", "ticket", "escalate", "1", "--reason", "network").stdout
    assert out.strip() == "ticket 1 escalated: P3 assigned, tier 2, li (on call)"


def test_ticket_release_json_and_table(rota):
    rota.set_now("2026-11-23T22:00:00+08:00")
    open_ticket(rota, "core switch down")
    rota.write(lifecycle.escalate_ticket, actor="wang", ticket_id=1, reason="network")
    view = rota.json("--as", "li", "ticket", "release", "1", "--reason", "a printer, not the network")
    assert (view["tier"], view["assignee"], view["status"], view["picked"]) == (1, "wang", "assigned", "on duty")
    rota.write(lifecycle.escalate_ticket, actor="wang", ticket_id=1, reason="network after all")
    out = rota.ok("--as", "li", "ticket", "release", "1", "--reason", "no", "--to", "zhang").stdout
    assert out.strip() == "ticket 1 released: P3 assigned, tier 1, zhang"


def test_ticket_release_by_another_technician_exits_5(rota):
    open_ticket(rota, "core switch down")
    rota.write(lifecycle.escalate_ticket, actor="zhang", ticket_id=1, reason="x", to="li")
    res = rota.run("--as", "maria", "ticket", "release", "1", "--reason", "not mine")
    assert res.exit_code == 5
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ticket 1 is li's") and res.stderr.count("\n") == 1


def test_ticket_release_without_reason_exits_2(rota):
    open_ticket(rota, "core switch down")
    res = rota.run("--as", "li", "ticket", "release", "1")
    assert res.exit_code == 2 and "--reason" in res.stderr
