"""The audit chain (store/audit.py): append-only, hash-chained, and verify finds tampering."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from deskctl.store import audit
from deskctl.store.engine import open_database

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path, _template_db):
    path = tmp_path / "a.db"
    shutil.copyfile(_template_db, path)
    con = sqlite3.connect(path)
    con.execute("DELETE FROM event")  # the template's settings events: these tests count from 1
    con.commit()
    con.close()
    database = open_database(path)
    yield database
    database.close()


def _append(db, n: int, start: int = 0) -> None:
    with db.write() as s:
        for i in range(start, start + n):
            audit.append(s, at=T0 + timedelta(minutes=i), actor="zhang", entity="ticket", entity_id=i,
                         kind="note", from_value=None, to_value=i, details={"text": f"note {i} 张"})


def _verify(db, batch: int = 5000):
    """(checked, id of the first broken event or None, reason), read inside the session."""
    with db.read() as s:
        checked, broken, reason = audit.verify(s, batch)
        return checked, None if broken is None else broken.id, reason


def _sql(db, statement: str, *params) -> None:
    con = sqlite3.connect(db.path)
    try:
        con.execute(statement, params)
        con.commit()
    finally:
        con.close()


def test_append_chains_events(db):
    _append(db, 3)
    with db.read() as s:
        from sqlalchemy import select

        from deskctl.store.tables import Event

        events = s.execute(select(Event).order_by(Event.id)).scalars().all()
        assert [e.id for e in events] == [1, 2, 3]
        assert events[0].prev_hash == audit.GENESIS
        assert events[1].prev_hash == events[0].hash
        assert events[2].prev_hash == events[1].hash
        assert all(audit.chain_hash(e) == e.hash for e in events)
        assert events[0].at == T0
        assert events[2].to_value == "2"


def test_append_across_transactions_continues_the_chain(db):
    _append(db, 2)
    _append(db, 2, start=2)
    checked, broken, reason = _verify(db)
    assert (checked, broken, reason) == (4, None, "")


def test_rolled_back_append_leaves_no_event(db):
    _append(db, 1)
    with pytest.raises(RuntimeError), db.write() as s:
        audit.append(s, at=T0, actor="x", entity="ticket", entity_id=1, kind="note")
        raise RuntimeError("abort")
    _append(db, 1, start=5)
    assert _verify(db) == (2, None, "")


def test_verify_empty_chain(db):
    assert _verify(db) == (0, None, "")


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor", "mallory"), ("to_value", "999"), ("details", '{"text":"changed"}'),
     ("at", "2026-01-01 00:00:00.000000"), ("kind", "deleted")],
)
def test_verify_finds_an_edited_row(db, column, value):
    _append(db, 5)
    _sql(db, f"UPDATE event SET {column} = ? WHERE id = 3", value)
    checked, broken, reason = _verify(db)
    assert checked == 2
    assert broken == 3
    assert "hash" in reason


def test_verify_finds_a_rehashed_edit_by_the_next_link(db):
    """Someone who edits a row and fixes its own hash still breaks the next event's link."""
    _append(db, 4)
    _sql(db, "UPDATE event SET actor = 'mallory' WHERE id = 2")
    with db.read() as s:
        from deskctl.store.tables import Event

        ev = s.get(Event, 2)
        new_hash = audit.chain_hash(ev)
    _sql(db, "UPDATE event SET hash = ? WHERE id = 2", new_hash)
    checked, broken, reason = _verify(db)
    assert (checked, broken) == (2, 3)
    assert "link" in reason


def test_verify_finds_a_deleted_row(db):
    _append(db, 5)
    _sql(db, "DELETE FROM event WHERE id = 2")
    checked, broken, reason = _verify(db)
    assert checked == 1
    assert broken == 3
    assert "event 2 is missing" in reason


def test_verify_walks_in_batches(db):
    _append(db, 12)
    assert _verify(db, batch=5) == (12, None, "")
    _sql(db, "UPDATE event SET entity_id = 77 WHERE id = 11")
    checked, broken, _ = _verify(db, batch=5)
    assert (checked, broken) == (10, 11)


def test_append_stores_utc_and_json_details(db):
    local = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) + timedelta(hours=0)
    with db.write() as s:
        ev = audit.append(s, at=local, actor="a", entity="staff", entity_id=None, kind="added",
                          details={"b": 1, "a": "张"})
    assert ev.details == '{"a": "张", "b": 1}'
    assert ev.at.tzinfo is not None


def test_events_record_os_user_host_and_the_real_instant(db):
    """Beside the business instant (a frozen clock on drills), who was at which machine and when
    the event was really written; all three sealed in the hash."""
    import getpass
    import socket

    before = datetime.now(UTC)
    _append(db, 2)
    with db.read() as s:
        from sqlalchemy import select

        from deskctl.store.tables import Event

        rows = s.execute(select(Event.os_user, Event.host, Event.recorded_at).order_by(Event.id)).all()
    assert {(user, host) for user, host, _ in rows} == {(getpass.getuser(), socket.gethostname())}
    assert all(before <= at <= datetime.now(UTC) for _, _, at in rows)
    _sql(db, "UPDATE event SET os_user = 'someone' WHERE id = 1")
    assert _verify(db)[1:] == (1, "contents do not match the hash (edited behind deskctl's back)")


def test_verify_flags_a_recorded_instant_that_goes_backwards(db, monkeypatch):
    """An event written by a process whose real clock was set back is named, even when its
    hash is right."""
    import deskctl.store.audit as audit_mod

    _append(db, 2)

    class Past(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2020, 1, 1, tzinfo=UTC)

    monkeypatch.setattr(audit_mod, "datetime", Past)
    _append(db, 1, start=2)
    checked, broken, reason = _verify(db)
    assert (checked, broken) == (2, 3)
    assert "clock set back" in reason
