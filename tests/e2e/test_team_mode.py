"""Team mode: real `deskctl` processes on one PostgreSQL desk at once (tests/pg.py finds the server).

What BEGIN IMMEDIATE guarantees on SQLite, the write lock (a transaction-scoped advisory lock)
guarantees here: no lost ticket, one winner of a race, nothing done twice, one linear chain.
"""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskctl.services.inspections import plans
from deskctl.services.tickets import lifecycle
from tests.conftest import TEST_SETTINGS
from tests.e2e.conftest import TEST_CONFIG, ProcDesk
from tests.pg import url_for

STAFF = [("lead", "王主管", "supervisor", 1), ("zhang", "张三", "officer", 1), ("wang", "王五", "officer", 1),
         ("li", "李四", "technician", 2), ("maria", "Maria Lopez", "technician", 3)]
_made = iter(range(1, 10_000))


@pytest.fixture
def pg_proc(deskctl_exe, tmp_path, pg_server) -> ProcDesk:
    """A staffed desk in a fresh database on the server, driven by processes; DESKCTL_USER=zhang."""
    from deskctl import config as config_mod
    from deskctl.services.context import Unit
    from deskctl.services.people.staff import add_staff
    from deskctl.services.settings import initial_settings
    from deskctl.store.engine import open_database
    from deskctl.timeparse import Clock

    url = url_for(pg_server.create(f"e2e_{next(_made)}"))
    desk = ProcDesk(deskctl_exe, tmp_path)
    desk.db = url  # type: ignore[assignment]
    desk.env["DESKCTL_DB"] = url
    desk.env["DESKCTL_USER"] = "zhang"
    desk.config.write_text(TEST_CONFIG, encoding="utf-8")
    db = open_database(url, create=True)
    try:
        clock = Clock.from_env(desk.env)
        with db.write() as session:  # a test desk's settings, as tests/conftest.py gives every desk
            initial_settings(session=session, now=clock.now(), values=TEST_SETTINGS, why="test desk")
        with db.write() as session:
            unit = Unit(session=session, clock=clock, actor="lead",
                        config=config_mod.load(desk.config).with_desk(TEST_SETTINGS), tz=ZoneInfo("Asia/Shanghai"))
            for handle, name, role, tier in STAFF:
                unit.call(add_staff, handle=handle, name=name, role=role, tier=tier)
    finally:
        db.close()
    return desk


def _verify(desk: ProcDesk, events: int | None = None) -> None:
    res = desk.run("audit", "verify", "--json")
    assert res.code == 0, res.err
    view = json.loads(res.out)
    assert view["ok"] is True
    if events is not None:
        assert view["events_checked"] == events


@pytest.mark.parametrize("per_writer", [pytest.param(2, id="8x2"), pytest.param(50, id="8x50", marks=pytest.mark.slow)])
def test_team_eight_writers_open_tickets_none_lost(pg_proc, per_writer):
    """8 shell loops × N `deskctl ticket open` at once: exactly 8 × N tickets, one verified chain."""
    logs = Path(pg_proc.root) / "logs"
    logs.mkdir()
    loop = ('for i in $(seq 1 {n}); do deskctl ticket open "w{w} t$i" --reporter "user {w}" --priority P3 '
            '>/dev/null 2>>"{logs}/err-{w}" || echo "$i exit $?" >> "{logs}/fail-{w}"; done')
    script = " & ".join(f"({loop.format(n=per_writer, w=w, logs=logs)})" for w in range(8)) + " & wait"
    res = pg_proc.shell(script, timeout=1800)
    assert res.code == 0, res.err
    failures = "".join(p.read_text() for p in logs.glob("*"))
    assert failures == "", failures
    tickets = pg_proc.json("ticket", "list", "--limit", "10000")
    assert len(tickets) == 8 * per_writer
    assert len({t["id"] for t in tickets}) == 8 * per_writer
    _verify(pg_proc, events=len(TEST_SETTINGS) + len(STAFF) + 8 * per_writer)


@pytest.mark.slow
def test_team_two_resolvers_one_wins_one_exits_4(pg_proc):
    tid = pg_proc.write(lifecycle.open_ticket, actor="zhang", title="race", reporter="财务部", priority="P2")["id"]
    pg_proc.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="li")
    pg_proc.write(lifecycle.ack_ticket, actor="li", ticket_id=tid)
    procs = [pg_proc.popen("--as", "li", "ticket", "resolve", str(tid), "--resolution", f"fix {w}") for w in "AB"]
    results = [(p.wait(timeout=120), *(s.decode() for s in p.communicate())) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 4], results
    loser = next(err for code, _, err in results if code == 4)
    assert loser.startswith("deskctl: error:") and loser.count("\n") == 1
    ticket = pg_proc.json("ticket", "show", str(tid))
    assert ticket["status"] == "resolved"
    assert [e["kind"] for e in ticket["timeline"]].count("resolved") == 1
    _verify(pg_proc)


@pytest.mark.slow
def test_team_four_sweeps_and_four_inspect_due_do_nothing_twice(pg_proc):
    pg_proc.env["DESKCTL_NOW"] = "2026-11-20T08:00:00+08:00"
    pg_proc.write(plans.add_plan, name="core-network", target="核心交换机", every="daily 09:00",
                  items=["CPU < 70%"], grace="1h")
    pg_proc.env["DESKCTL_NOW"] = "2026-11-23T09:00:00+08:00"
    tid = pg_proc.write(lifecycle.open_ticket, actor="zhang", title="core switch", reporter="NOC", priority="P1")["id"]
    pg_proc.env["DESKCTL_NOW"] = "2026-11-23T09:20:00+08:00"  # the response (15 min) is breached
    procs = [pg_proc.popen("ticket", "sweep", "--json") for _ in range(4)]
    procs += [pg_proc.popen("inspect", "due", "--json") for _ in range(4)]
    results = [(p.wait(timeout=300), p.communicate()[0].decode()) for p in procs]
    assert [code for code, _ in results[:4]] == [0, 0, 0, 0], results
    assert len({code for code, _ in results[4:]}) == 1, results  # the same answer each time
    assert len({out for _, out in results[4:]}) == 1 and json.loads(results[4][1])[0]["state"] == "due"
    actions = [a for _, out in results[:4] for a in json.loads(out)]
    assert sorted(a["action"] for a in actions) == ["escalated", "response_breach_recorded"], actions
    ticket = pg_proc.json("ticket", "show", str(tid))
    assert (ticket["tier"], ticket["assignee"]) == (2, "li")
    kinds = [e["kind"] for e in ticket["timeline"]]
    assert kinds.count("escalated") == 1 and kinds.count("sla_breach") == 1
    _verify(pg_proc)
