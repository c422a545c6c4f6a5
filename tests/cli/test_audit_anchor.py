"""`audit anchor` and `audit verify --anchor` as the CLI owns them: the plain `ID:HASH` line, its
JSON, exit 1 with the finding, exit 2 for an anchor that is not one; and the daily report's copy."""

from __future__ import annotations

import re
import sqlite3

from deskctl.store.audit import GENESIS
from tests.services.ticket_steps import open_ticket, walk_to

ANCHOR = re.compile(r"(\d+):([0-9a-f]{64})")


def _raw(desk, sql, *params):
    con = sqlite3.connect(desk.db)
    try:
        rows = con.execute(sql, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def _tickets(desk, n: int = 3) -> None:
    for i in range(n):
        open_ticket(desk, f"fault {i}", reporter="r")
    desk.close()  # the commands below edit the file behind our back


def test_audit_anchor_prints_the_head_as_one_line(staffed):
    _tickets(staffed)
    res = staffed.ok("audit", "anchor")
    m = ANCHOR.fullmatch(res.stdout.rstrip("\n"))
    assert m is not None and res.stdout.count("\n") == 1, res.stdout
    assert _raw(staffed, "SELECT id, hash FROM event ORDER BY id DESC LIMIT 1") == [(int(m[1]), m[2])]
    assert res.stderr == ""
    assert staffed.json("audit", "anchor") == {"id": int(m[1]), "hash": m[2]}


def test_audit_anchor_on_an_empty_desk_is_the_genesis_and_says_so(desk):
    with sqlite3.connect(desk.db) as con:  # a desk of before settings were events: nothing yet
        con.execute("DELETE FROM event")
    res = desk.ok("audit", "anchor")
    assert res.stdout == f"0:{GENESIS}\n"
    assert "the audit trail is empty" in res.stderr
    assert desk.json("audit", "anchor") == {"id": 0, "hash": GENESIS}
    assert desk.ok("audit", "verify", "--anchor", f"0:{GENESIS}").exit_code == 0


def test_verify_with_the_anchor_passes_then_fails_when_the_tail_is_cut(staffed):
    _tickets(staffed)
    taken = staffed.ok("audit", "anchor").stdout.strip()
    ok = staffed.json("audit", "verify", "--anchor", taken)
    assert ok["ok"] is True and ok["anchor"] == taken and ok["anchor_ok"] is True
    last = int(taken.split(":")[0])
    _raw(staffed, "DELETE FROM event WHERE id > ?", last - 2)
    plain = staffed.run("audit", "verify", "--json")
    assert plain.exit_code == 1  # the shorter chain is a valid chain; the tickets without events are not
    assert plain.json()["first_broken_event"] is None
    assert plain.json()["problem"].startswith("ticket 2: the row has no events")
    res = staffed.run("audit", "verify", "--anchor", taken, "--json")
    assert res.exit_code == 1
    view = res.json()
    assert view["anchor_ok"] is False
    assert view["problem"] == (f"anchor {last}: the chain ends at event {last - 2}, before the anchor's event "
                               f"{last}; the last events were deleted")
    table = staffed.run("audit", "verify", "--anchor", taken)
    assert table.exit_code == 1 and "the last events were deleted" in table.stdout


def test_verify_table_names_the_ticket_and_field(staffed):
    walk_to(staffed, "resolved")
    staffed.close()
    _raw(staffed, "UPDATE ticket SET status = 'closed' WHERE id = 1")
    res = staffed.run("audit", "verify")
    assert res.exit_code == 1
    assert "ticket 1: status is closed in the row, resolved by its events" in res.stdout
    view = staffed.run("audit", "verify", "--json").json()
    assert view["first_difference"]["field"] == "status" and view["rows_differing"] == 1


def test_verify_table_lists_each_check_that_failed(staffed):
    walk_to(staffed, "resolved")
    taken = staffed.ok("audit", "anchor").stdout.strip()
    staffed.close()
    _raw(staffed, "UPDATE ticket SET priority = 'P1' WHERE id = 1")
    _raw(staffed, "DELETE FROM event WHERE id = (SELECT max(id) FROM event)")
    res = staffed.run("audit", "verify", "--anchor", taken)
    assert res.exit_code == 1
    assert "the last events were deleted" in res.stdout
    assert "problem 2" in res.stdout
    assert "ticket 1: status is resolved in the row, in_progress by its events" in res.stdout


def test_verify_refuses_a_malformed_anchor_with_exit_2(staffed):
    for bad in ("12", "abc:def", "5:" + "z" * 64, "x" * 2000):
        res = staffed.run("audit", "verify", "--anchor", bad)
        assert res.exit_code == 2, (bad, res.stdout, res.stderr)
        assert res.stdout == ""
        assert res.stderr.startswith("deskctl: error: anchor ") and res.stderr.count("\n") == 1
        assert len(res.stderr) < 300


def test_daily_report_carries_the_anchor_in_every_format(staffed):
    _tickets(staffed, 1)
    taken = staffed.ok("audit", "anchor").stdout.strip()
    assert staffed.json("report", "daily")["audit_anchor"] == taken
    assert f"Audit anchor: `{taken}`" in staffed.ok("report", "daily", "--format", "md").stdout
    assert f"audit_anchor,{taken}" in staffed.ok("report", "daily", "--format", "csv").stdout
    table = staffed.ok("report", "daily").stdout
    assert "audit anchor" in table and taken in table
