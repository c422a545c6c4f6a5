"""Several deskctl processes on one database at once: no lost update, no "database is locked"."""

from __future__ import annotations

import sqlite3

import pytest

from deskctl.services.tickets import lifecycle


def _ready_ticket(desk, title: str) -> int:
    """A ticket li is working on, set up through the services (the race is what is tested)."""
    ticket_id = desk.write(lifecycle.open_ticket, actor="zhang", title=title, reporter="财务部 刘女士",
                           priority="P2")["id"]
    desk.write(lifecycle.assign_ticket, actor="zhang", ticket_id=ticket_id, handle="li")
    desk.write(lifecycle.ack_ticket, actor="li", ticket_id=ticket_id)
    return ticket_id


def test_concurrency_two_resolves_one_wins_other_exits_4(proc_staffed):
    for round_no in range(2):
        ticket_id = _ready_ticket(proc_staffed, f"race {round_no}")
        procs = [
            proc_staffed.popen("--as", "li", "ticket", "resolve", str(ticket_id), "--resolution", f"fix {who}")
            for who in ("A", "B")
        ]
        results = [(p.wait(timeout=120), *(s.decode("utf-8") for s in p.communicate())) for p in procs]
        codes = sorted(code for code, _, _ in results)
        assert codes == [0, 4], results
        loser_err = next(err for code, _, err in results if code == 4)
        assert loser_err.startswith("deskctl: error:") and loser_err.count("\n") == 1, loser_err
        assert "resolved" in loser_err
        winner = "AB"[[code for code, _, _ in results].index(0)]
        ticket = proc_staffed.json("ticket", "show", str(ticket_id))
        assert ticket["status"] == "resolved"
        assert ticket["resolution"] == f"fix {winner}"
        assert [e["kind"] for e in ticket["timeline"]].count("resolved") == 1
    assert proc_staffed.run("audit", "verify").code == 0


@pytest.mark.parametrize(
    "per_writer",
    [pytest.param(3, id="4x3"), pytest.param(100, id="4x100", marks=pytest.mark.slow)],
)
def test_concurrency_four_writers_open_tickets(proc_staffed, per_writer):
    """4 shell loops × N `deskctl ticket open`, all at once: every one lands, none fails.

    4 × 3 in the default run, the full 4 × 100 with `pytest -m slow`. A process is about a
    CPU-second of imports around a write of a few milliseconds, so with four loops running the
    writes still meet each other (BEGIN IMMEDIATE waits) several times in 12 processes; the
    default run cannot afford 100 processes (a third of its CPU time), the slow set can."""
    total = 4 * per_writer
    logs = proc_staffed.root / "logs"
    logs.mkdir()
    loop = (
        'for i in $(seq 1 {n}); do '
        'deskctl ticket open "worker {w} ticket $i" --reporter "user {w}" --priority P3 '
        '>/dev/null 2>>"{logs}/err-{w}" || echo "$i exit $?" >> "{logs}/fail-{w}"; done'
    )
    script = " & ".join(loop.format(n=per_writer, w=w, logs=logs) for w in range(4)) + " & wait"
    res = proc_staffed.shell(script, timeout=1200)
    assert res.code == 0, res.err
    failures = {p.name: p.read_text() for p in logs.glob("fail-*")}
    assert failures == {}, failures
    errors = {p.name: p.read_text(encoding="utf-8") for p in logs.glob("err-*") if p.read_text()}
    assert not any("database is locked" in text for text in errors.values()), errors
    assert errors == {}, errors
    con = sqlite3.connect(proc_staffed.db)
    try:
        count, titles = con.execute("SELECT count(*), count(DISTINCT title) FROM ticket").fetchone()
        opened = con.execute(
            "SELECT count(*) FROM event WHERE entity = 'ticket' AND kind = 'opened'"
        ).fetchone()[0]
        ids = [r[0] for r in con.execute("SELECT id FROM ticket ORDER BY id")]
    finally:
        con.close()
    assert count == total and titles == total and opened == total
    assert ids == list(range(1, total + 1))
    verify = proc_staffed.run("audit", "verify")
    assert verify.code == 0, verify.out + verify.err
