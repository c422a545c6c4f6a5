"""`audit verify`'s replay and anchors on both engines (the SQLite-only tampering suite is
tests/services/test_audit_verify.py): instants come back from PostgreSQL as `timestamptz`, from
SQLite as text, and replay must read both the same way."""

from __future__ import annotations

from sqlalchemy import text

from deskctl.services.audit import anchor, verify_audit
from deskctl.services.tickets import lifecycle
from tests.services.ticket_steps import walk_to


def _tickets(desk) -> tuple[int, int]:
    closed = walk_to(desk, "closed")
    reopened = walk_to(desk, "resolved")
    desk.write(lifecycle.reopen_ticket, actor="zhang", ticket_id=reopened, reason="still broken")
    desk.write(lifecycle.resolve_ticket, actor="li", ticket_id=reopened, resolution="fixed for real")
    return closed, reopened


def _sql(desk, statement: str, **params) -> None:
    with desk.database().write() as session:
        session.execute(text(statement), params)


def test_replay_of_a_desk_as_deskctl_wrote_it_is_clean(staffed):
    _tickets(staffed)
    view = staffed.read(verify_audit)
    assert view["ok"] is True, view["problems"]
    assert view["rows_replayed"] == 2 and view["rows_differing"] == 0
    assert view["head"] == "{id}:{hash}".format(**staffed.read(anchor))


def test_replay_names_a_status_and_an_instant_changed_with_sql(staffed):
    closed, reopened = _tickets(staffed)
    _sql(staffed, "UPDATE ticket SET status = 'closed' WHERE id = :id", id=reopened)
    view = staffed.read(verify_audit)
    assert view["ok"] is False and view["rows_differing"] == 1
    assert view["first_difference"]["field"] == "status"
    assert view["problem"].startswith(f"ticket {reopened}: status is closed in the row, resolved by its events")

    _sql(staffed, "UPDATE ticket SET status = 'resolved', resolved_at = NULL WHERE id = :id", id=reopened)
    view = staffed.read(verify_audit)
    assert (view["first_difference"]["id"], view["first_difference"]["field"]) == (reopened, "resolved_at")
    assert "resolved_at is not set in the row, 2026-11-23T09:00:00+08:00 by its events" in view["problem"]


def test_an_anchor_finds_the_last_events_deleted(staffed):
    _tickets(staffed)
    given = staffed.read(anchor)
    _sql(staffed, "DELETE FROM event WHERE id > :id", id=given["id"] - 2)
    view = staffed.read(verify_audit, anchor=f"{given['id']}:{given['hash']}")
    assert view["ok"] is False and view["anchor_ok"] is False
