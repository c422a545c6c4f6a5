"""`audit verify` at the service layer (docs/audit.md): the replay of tickets, shifts and inspection
runs against their rows, and anchors. Each test tampers with a copy of one frozen desk the way
someone with the file would: plain SQL on a row, deleted events, an edited event with the chain
recomputed through the public `chain_hash`."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select
from sqlmodel import col

from deskctl.errors import InvalidInput
from deskctl.services.audit import anchor, parse_anchor, verify_audit
from deskctl.services.audit.replay import replay
from deskctl.services.inspections import plans
from deskctl.services.reports import daily
from deskctl.services.reports.common import resolve_period
from deskctl.services.shifts import attendance, rota
from deskctl.services.tickets import lifecycle
from deskctl.store import audit
from deskctl.store.tables import Event
from tests.conftest import FROZEN_NOW, freeze_desk
from tests.services.inspection_steps import CORE, add_core, run
from tests.services.shift_steps import add_day_and_night, assign, unassign_shift
from tests.services.ticket_steps import open_ticket, walk_to

# what the frozen desk holds (ids are those of the build below)
CLOSED, REOPENED, ESCALATED, CANCELLED, NEW = 1, 2, 3, 4, 5
FINDING = 6  # the ticket the inspection run's failed item opened
WORKED, REUSED, COVERED = 1, 2, 3  # shifts: clocked in and out; an id freed and taken again; covered
RUN = 1


@pytest.fixture(scope="session")
def engine() -> str:
    """SQLite only: the frozen desk relies on SQLite handing a freed id out again and is tampered
    with through the file; replay on PostgreSQL is tests/services/test_audit_replay_engines.py."""
    return "sqlite"


def _build(desk) -> None:
    assert walk_to(desk, "closed") == CLOSED
    walk_to(desk, "resolved")
    desk.write(lifecycle.reopen_ticket, actor="zhang", ticket_id=REOPENED, reason="still broken")
    desk.write(lifecycle.resolve_ticket, actor="li", ticket_id=REOPENED, resolution="fixed for real")
    walk_to(desk, "in_progress")
    desk.write(lifecycle.escalate_ticket, actor="li", ticket_id=ESCALATED, reason="needs a specialist", to="maria")
    walk_to(desk, "cancelled")
    assert open_ticket(desk)["id"] == NEW

    add_day_and_night(desk)
    assert assign(desk, "2026-11-23", "day", "zhang")["id"] == WORKED
    desk.write(attendance.clock_in, actor="zhang")
    desk.set_now("2026-11-23T20:05:00+08:00")
    desk.write(attendance.clock_out, actor="zhang")
    desk.set_now(FROZEN_NOW)
    gone = assign(desk, "2026-11-25", "day", "wang")["id"]
    desk.write(unassign_shift, shift_id=gone)
    assert assign(desk, "2026-11-26", "day", "wang")["id"] == gone == REUSED  # SQLite hands the id out again
    assert assign(desk, "2026-11-27", "day", "zhang")["id"] == COVERED
    desk.write(rota.cover, shift_id=COVERED, handle="wang")

    add_core(desk)
    desk.write(plans.add_plan, name="backups", **{**CORE, "target": "backup server"})
    view = run(desk, ok=["1,3"], fail=["2:port 7 down"])
    assert view["id"] == RUN


@pytest.fixture(scope="module")
def _audited_db(tmp_path_factory, _staffed_template_db):
    return freeze_desk(tmp_path_factory.mktemp("audited"), _staffed_template_db, _build)


@pytest.fixture
def audited(staffed, _audited_db):
    return staffed.load(_audited_db)


def _sql(desk, statement: str, *params) -> None:
    con = sqlite3.connect(desk.db)
    try:
        con.execute(statement, params)
        con.commit()
    finally:
        con.close()


def _verify(desk, **kw) -> dict:
    return desk.read(verify_audit, **kw)


def _rechain(desk, from_id: int = 1) -> None:
    """What a forger with the source does after editing events: recompute every link and hash
    from `from_id` on with the public `chain_hash`, so that the chain alone verifies."""
    with desk.database().write() as s:
        prev = audit.GENESIS if from_id == 1 else s.get(Event, from_id - 1).hash
        for event in s.execute(select(Event).where(col(Event.id) >= from_id).order_by(col(Event.id))).scalars():
            event.prev_hash = prev
            event.hash = audit.chain_hash(event)
            prev = event.hash


def _event_of(desk, entity: str, entity_id: int, kind: str) -> int:
    con = sqlite3.connect(desk.db)
    try:
        return con.execute("SELECT max(id) FROM event WHERE entity = ? AND entity_id = ? AND kind = ?",
                           (entity, entity_id, kind)).fetchone()[0]
    finally:
        con.close()


# --- a desk as deskctl wrote it --------------------------------------------------------------


def test_verify_replays_every_ticket_shift_and_run_clean(audited):
    view = _verify(audited)
    assert view["ok"] is True, view["problems"]
    assert view["problems"] == [] and view["problem"] is None and view["first_difference"] is None
    assert view["rows_replayed"] == 6 + 3 + 1
    assert view["rows_differing"] == 0
    assert view["head"] == "{id}:{hash}".format(**audited.read(anchor))
    assert view["anchor"] is None and view["anchor_ok"] is None


def test_replay_reads_in_chunks_with_the_same_answer(audited):
    _sql(audited, "UPDATE ticket SET tier = 1 WHERE id = ?", ESCALATED)
    for batch in (1, 2, 3, 5000):
        with audited.unit(write=False) as u:
            out = replay(u.session, tz=u.tz, batch=batch)
        assert (out.rows, out.differing) == (10, 1)
        assert out.first is not None
        assert (out.first.entity, out.first.id, out.first.field) == ("ticket", ESCALATED, "tier")


# --- rows changed behind deskctl's back -----------------------------------------------------------


@pytest.mark.parametrize(
    ("ticket", "column", "value", "field", "kind", "row_text", "events_text"),
    [
        (REOPENED, "status", "closed", "status", "resolved", "closed", "resolved"),
        (NEW, "priority", "P1", "priority", "opened", "P1", "P3"),
        (ESCALATED, "tier", 2, "tier", "escalated", "2", "3"),
        (ESCALATED, "assignee_id", 4, "assignee", "escalated", "li", "maria"),
        (REOPENED, "resolved_at", None, "resolved_at", "resolved", "not set", "2026-11-23T09:00:00+08:00"),
        (NEW, "closed_at", "2026-11-23 02:00:00.000000", "closed_at", "opened",
         "2026-11-23T10:00:00+08:00", "not set"),
        (REOPENED, "reopen_count", 0, "reopen_count", "reopened", "0", "1"),
    ],
)
def test_verify_names_a_ticket_row_edited_with_sql(audited, ticket, column, value, field, kind, row_text,
                                                    events_text):
    _sql(audited, f"UPDATE ticket SET {column} = ? WHERE id = ?", value, ticket)
    view = _verify(audited)
    assert view["ok"] is False
    event = _event_of(audited, "ticket", ticket, kind)
    assert view["problem"] == (f"ticket {ticket}: {field} is {row_text} in the row, "
                               f"{events_text} by its events (event {event})")
    diff = view["first_difference"]
    assert (diff["entity"], diff["id"], diff["field"], diff["event"]) == ("ticket", ticket, field, event)
    assert view["rows_differing"] == 1
    assert view["first_broken_event"] is None  # the chain itself is intact: only replay sees it


def test_a_huge_forged_value_is_quoted_short(audited):
    _sql(audited, "UPDATE ticket SET status = ? WHERE id = ?", "x" * 120_000, NEW)
    problem = _verify(audited)["problem"]
    assert problem.startswith(f"ticket {NEW}: status is {'x' * 60}… (120000 characters) in the row, new by its")
    assert len(problem) < 200


def test_verify_counts_every_differing_row_and_names_the_first(audited):
    _sql(audited, "UPDATE ticket SET status = 'closed' WHERE id IN (?, ?)", ESCALATED, NEW)
    view = _verify(audited)
    assert view["rows_differing"] == 2
    assert view["first_difference"]["id"] == ESCALATED


@pytest.mark.parametrize(
    ("shift", "column", "value", "field", "snippet"),
    [
        (WORKED, "clock_in_at", "2026-11-23 00:00:00.000000", "clock_in_at",
         "clock_in_at is 2026-11-23T08:00:00+08:00 in the row, 2026-11-23T09:00:00+08:00 by its events"),
        (WORKED, "clock_out_at", None, "clock_out_at", "clock_out_at is not set in the row"),
        (COVERED, "staff_id", 2, "who", "who is zhang in the row, wang by its events"),
        (REUSED, "staff_id", 2, "who", "who is zhang in the row, wang by its events"),
    ],
)
def test_verify_names_a_shift_row_edited_with_sql(audited, shift, column, value, field, snippet):
    _sql(audited, f"UPDATE shift SET {column} = ? WHERE id = ?", value, shift)
    view = _verify(audited)
    assert view["ok"] is False
    assert view["problem"].startswith(f"shift {shift}: {snippet}")
    assert view["first_difference"]["field"] == field


@pytest.mark.parametrize(
    ("statement", "field", "snippet"),
    [
        ("UPDATE inspection_run SET performed_by_id = 3 WHERE id = 1", "performed_by",
         "performed_by is wang in the row, zhang by its events"),
        ("UPDATE inspection_run SET occurrence_at = '2026-11-22 01:00:00.000000' WHERE id = 1", "occurrence_at",
         "occurrence_at is 2026-11-22T09:00:00+08:00 in the row, 2026-11-23T09:00:00+08:00 by its events"),
        ("UPDATE inspection_run SET plan_id = 2 WHERE id = 1", "plan",
         "plan is backups in the row, core-network by its events"),
        ("UPDATE inspection_result SET result = 'ok' WHERE run_id = 1 AND result = 'fail'", "results",
         "results is 3 ok, 0 fail, 0 skipped in the row, 2 ok, 1 fail, 0 skipped by its events"),
    ],
)
def test_verify_names_an_inspection_run_edited_with_sql(audited, statement, field, snippet):
    _sql(audited, statement)
    view = _verify(audited)
    assert view["ok"] is False
    assert view["problem"].startswith(f"inspection run {RUN}: {snippet}"), view["problem"]
    assert view["first_difference"]["field"] == field


def test_verify_finds_a_row_without_events(audited):
    _sql(audited, "INSERT INTO ticket (title, description, reporter, contact, system, category, channel, priority, "
                  "status, tier, opened_at, paused_seconds, resolution, rating_comment, close_reason, cancel_reason, "
                  "reopen_count, reassign_count, updated_at, version) "
                  "SELECT title, description, reporter, contact, system, category, channel, priority, status, tier, "
                  "opened_at, paused_seconds, resolution, rating_comment, close_reason, cancel_reason, reopen_count, "
                  "reassign_count, updated_at, version FROM ticket WHERE id = 5")
    view = _verify(audited)
    assert view["problem"] == ("ticket 7: the row has no events "
                               "(written behind deskctl's back, or its events were deleted)")
    assert view["first_broken_event"] is None


def test_verify_finds_a_deleted_row(audited):
    _sql(audited, "DELETE FROM ticket WHERE id = ?", NEW)
    opened = _event_of(audited, "ticket", NEW, "opened")
    assert _verify(audited)["problem"] == (f"ticket {NEW}: its events (from event {opened}) record it, "
                                           "but the row is gone")


def test_a_shift_taken_off_the_rota_is_no_difference_but_a_row_it_left_is(audited):
    assert _verify(audited)["ok"] is True  # shift 2's first life ended with `unassigned`, its row deleted
    _sql(audited, "INSERT INTO shift (type_id, staff_id, day, start_at, end_at, created_at) "
                  "VALUES (1, 3, '2026-12-01', '2026-12-01 00:00:00.000000', '2026-12-01 12:00:00.000000', "
                  "'2026-11-23 01:00:00.000000')")
    assert _verify(audited)["problem"].startswith("shift 4: the row has no events")


# --- events deleted or rewritten ---------------------------------------------------------------


def test_deleted_events_with_a_recomputed_chain_are_found_by_replay(audited):
    """Deleting a ticket's reopen and re-chaining fools the chain, not the replay."""
    reopened = _event_of(audited, "ticket", REOPENED, "reopened")
    _sql(audited, "DELETE FROM event WHERE id = ?", reopened)
    _sql(audited, "UPDATE event SET id = id - 1 WHERE id > ?", reopened)
    _rechain(audited, reopened)
    view = _verify(audited)
    assert view["first_broken_event"] is None  # the chain alone verifies
    assert view["problem"].startswith(f"ticket {REOPENED}: reopen_count is 1 in the row, 0 by its events")


def test_an_edited_event_with_a_recomputed_chain_is_found_by_replay_and_by_an_anchor(audited):
    before = audited.read(anchor)
    assigned = _event_of(audited, "ticket", CLOSED, "assigned")
    _sql(audited, "UPDATE event SET details = replace(details, '\"li\"', '\"maria\"') WHERE id = ?", assigned)
    _rechain(audited, assigned)
    view = _verify(audited, anchor=f"{before['id']}:{before['hash']}")
    assert view["first_broken_event"] is None
    assert view["anchor_ok"] is False
    assert view["problems"] == [
        f"anchor {before['id']}: event {before['id']}'s chain hash is {view['head'].split(':')[1][:12]}…, the "
        f"anchor's is {before['hash'][:12]}…; the trail up to event {before['id']} was rewritten "
        "(its chain recomputed)",
        f"ticket {CLOSED}: assignee is li in the row, maria by its events (event {assigned})",
    ]


def test_all_of_a_tickets_events_deleted_breaks_the_chain_and_the_replay(audited):
    _sql(audited, "DELETE FROM event WHERE entity = 'ticket' AND entity_id = ?", CANCELLED)
    view = _verify(audited)
    assert view["first_broken_event"] is not None
    assert "the chain breaks at event" in view["problem"]
    assert f"ticket {CANCELLED}: the row has no events" in view["problems"][1]


# --- anchors ---------------------------------------------------------------------------------------


def test_anchor_is_the_last_event_and_its_hash(audited):
    a = audited.read(anchor)
    con = sqlite3.connect(audited.db)
    try:
        assert con.execute("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1").fetchone() == (a["id"], a["hash"])
    finally:
        con.close()
    assert set(a) == {"id", "hash"}
    view = _verify(audited, anchor=f"{a['id']}:{a['hash'].upper()}")
    assert view["ok"] is True and view["anchor_ok"] is True


def test_anchor_of_an_empty_trail_is_the_genesis(desk):
    with sqlite3.connect(desk.db) as con:  # a desk of before settings were events: nothing yet
        con.execute("DELETE FROM event")
    assert desk.read(anchor) == {"id": 0, "hash": audit.GENESIS}
    view = _verify(desk, anchor=f"0:{audit.GENESIS}")
    assert view["ok"] is True and view["head"] == f"0:{audit.GENESIS}"


def test_an_old_anchor_still_holds_after_more_work(audited):
    a = audited.read(anchor)
    open_ticket(audited, "another fault")
    assert _verify(audited, anchor=f"{a['id']}:{a['hash']}")["ok"] is True


def test_anchor_finds_the_last_events_deleted(audited):
    a = audited.read(anchor)
    _sql(audited, "DELETE FROM event WHERE id > ?", a["id"] - 5)
    view = _verify(audited, anchor=f"{a['id']}:{a['hash']}")
    assert view["ok"] is False and view["first_broken_event"] is None  # the shorter chain is a valid chain
    assert view["problem"] == (f"anchor {a['id']}: the chain ends at event {a['id'] - 5}, before the anchor's "
                               f"event {a['id']}; the last events were deleted")


def test_anchor_finds_the_trail_emptied(audited):
    a = audited.read(anchor)
    _sql(audited, "DELETE FROM event")
    assert _verify(audited, anchor=f"{a['id']}:{a['hash']}")["problems"][0].startswith(
        f"anchor {a['id']}: the audit trail is empty, before the anchor's event {a['id']}")


def test_anchor_finds_its_event_deleted_with_later_ones_kept(audited):
    a = audited.read(anchor)
    open_ticket(audited, "later work")
    _sql(audited, "DELETE FROM event WHERE id = ?", a["id"])
    view = _verify(audited, anchor=f"{a['id']}:{a['hash']}")
    assert f"anchor {a['id']}: event {a['id']} no longer exists (deleted)" in view["problems"]


def test_anchor_finds_the_tail_replaced_by_other_events(audited):
    """After the WAL is lost, new work takes the lost events' ids: the anchor's hash differs."""
    a = audited.read(anchor)
    _sql(audited, "DELETE FROM event WHERE id > ?", a["id"] - 3)
    for n in range(4):
        open_ticket(audited, f"after the loss {n}")
    view = _verify(audited, anchor=f"{a['id']}:{a['hash']}")
    assert view["first_broken_event"] is None
    assert view["anchor_ok"] is False and "was rewritten" in view["problem"]


@pytest.mark.parametrize("text", ["", "12", "12:", ":" + "a" * 64, "x:" + "a" * 64, "12:" + "a" * 63,
                                  "12:" + "g" * 64, "-1:" + "a" * 64, "0:" + "a" * 64, "12 " + "a" * 64,
                                  "1" * 20 + ":" + "a" * 64, "9" * 19 + ":" + "a" * 64])
def test_a_bad_anchor_is_bad_input(text):
    with pytest.raises(InvalidInput) as caught:
        parse_anchor(text)
    assert "\n" not in caught.value.message and "anchor" in caught.value.message


def test_the_largest_event_id_is_a_valid_anchor_that_no_trail_reaches(audited):
    view = _verify(audited, anchor=f"{2**63 - 1}:{'a' * 64}")
    assert view["anchor_ok"] is False and "the last events were deleted" in view["problem"]


def test_a_long_bad_anchor_is_quoted_short(audited):
    with pytest.raises(InvalidInput) as caught:
        parse_anchor("9" * 5000)
    assert len(caught.value.message) < 300 and "5000 characters" in caught.value.message


# --- the daily report carries the head -------------------------------------------------------------


def test_daily_report_carries_the_anchor(audited):
    period = resolve_period(period=None, from_=None, to=None, date_=None, tz=audited.tz, now=audited.now,
                            default="today")
    view = audited.read(daily.build, now=audited.now, period=period)
    a = audited.read(anchor)
    assert view["audit_anchor"] == f"{a['id']}:{a['hash']}"
    assert {"metric": "audit_anchor", "value": view["audit_anchor"]} in daily.summary_rows(view)
