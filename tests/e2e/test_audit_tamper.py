"""Issue 10, found item 5, replayed with real processes: an audit trail cut at its tail, and a
ticket row changed without touching its events, are both caught (docs/audit.md)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest


def _sqlite3(db: Path, statement: str) -> None:
    """The statement as someone with the file runs it: the sqlite3 shell (Python's module where
    the shell is not installed)."""
    shell = shutil.which("sqlite3")
    if shell is not None:
        subprocess.run([shell, str(db), statement], check=True, capture_output=True, timeout=60)
        return
    con = sqlite3.connect(db)
    try:
        con.execute(statement)
        con.commit()
    finally:
        con.close()


@pytest.mark.slow
def test_tail_deleted_and_row_forged_are_caught(proc_staffed):
    desk = proc_staffed
    for n in range(4):
        desk.ok("ticket", "open", f"打印机故障 {n}", "--reporter", "r", "--priority", "P3")
    desk.ok("ticket", "assign", "4", "li")
    desk.ok("--as", "li", "ticket", "ack", "4")
    desk.ok("--as", "li", "ticket", "resolve", "4", "--resolution", "replaced the fuser")
    assert desk.run("audit", "verify").code == 0

    taken = desk.ok("audit", "anchor").out.strip()
    event_id, digest = taken.split(":")
    assert desk.json("audit", "anchor") == {"id": int(event_id), "hash": digest}
    assert desk.json("report", "daily")["audit_anchor"] == taken  # the page mailed out carries it

    # a ticket row changed behind deskctl's back, its events untouched
    _sqlite3(desk.db, "UPDATE ticket SET status = 'closed' WHERE id = 4")
    forged = desk.run("audit", "verify", "--json")
    assert forged.code == 1, forged.out + forged.err
    view = forged.json()
    assert view["first_broken_event"] is None  # the chain alone cannot see it
    assert view["problem"].startswith("ticket 4: status is closed in the row, resolved by its events (event ")
    assert view["first_difference"]["id"] == 4 and view["first_difference"]["field"] == "status"
    table = desk.run("audit", "verify")
    assert table.code == 1 and "ticket 4: status is closed in the row" in table.out
    _sqlite3(desk.db, "UPDATE ticket SET status = 'resolved' WHERE id = 4")
    assert desk.run("audit", "verify", "--anchor", taken).code == 0

    # the last five events deleted: a shorter chain is still a valid chain, the anchor is not met
    _sqlite3(desk.db, f"DELETE FROM event WHERE id > {int(event_id) - 5}")
    assert desk.run("db", "check").code == 0  # integrity and the chain: nothing to see there
    cut = desk.run("audit", "verify", "--anchor", taken, "--json")
    assert cut.code == 1, cut.out + cut.err
    view = cut.json()
    assert view["anchor_ok"] is False and view["first_broken_event"] is None
    assert view["problem"] == (f"anchor {event_id}: the chain ends at event {int(event_id) - 5}, before the "
                               f"anchor's event {event_id}; the last events were deleted")
    assert cut.err == ""

    bad = desk.run("audit", "verify", "--anchor", f"{event_id}:{digest[:-1]}")
    assert bad.code == 2 and bad.err.startswith("deskctl: error: anchor ") and bad.out == ""
