"""Issue 10 (output) at the service layer: lists read in chunks give what one read gives, the audit
log's window, what a committed transaction says it changed, and one clean_text rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskctl.config import Config
from deskctl.errors import InvalidInput
from deskctl.services import inputs
from deskctl.services.audit import log as audit_svc
from deskctl.services.inputs import SHORT_TEXT
from deskctl.services.shifts import attendance
from deskctl.services.tickets import lifecycle, views
from deskctl.services.tickets.importer import import_tickets
from deskctl.store import audit
from tests.services.shift_steps import add_day_and_night, assign
from tests.services.ticket_steps import events


def _import(desk, n: int) -> None:
    desk.write(import_tickets, actor="zhang",
               rows=[{"title": f"t{i}", "reporter": "r", "priority": "P3"} for i in range(n)])


def test_iter_tickets_in_small_chunks_gives_the_whole_list(staffed, monkeypatch):
    _import(staffed, 25)
    whole = staffed.read(views.list_tickets, statuses=["all"], limit=100)
    monkeypatch.setattr(views, "LIST_CHUNK", 4)
    chunked = staffed.read(views.list_tickets, statuses=["all"], limit=100)
    assert chunked == whole and len(whole) == 25
    assert [t["id"] for t in chunked] == list(range(25, 0, -1))
    assert len(staffed.read(views.list_tickets, statuses=["all"], limit=7)) == 7


def test_iter_tickets_checks_filters_before_any_row(staffed):
    """A bad filter raises when the list is asked for, not half-way through writing it."""
    with staffed.unit(write=False) as unit:
        with pytest.raises(InvalidInput, match="unknown status"):
            unit.call(views.iter_tickets, statuses=["nope"])


def test_iter_audit_log_is_the_newest_events_oldest_first(staffed, monkeypatch):
    _import(staffed, 12)
    every = events(staffed)
    from deskctl.services.audit import log as audit_log_module

    monkeypatch.setattr(audit_log_module, "LOG_CHUNK", 3)  # where iter_audit_log reads it
    newest = staffed.read(audit_svc.audit_log, actor=None, limit=5)
    assert [e["id"] for e in newest] == [e["id"] for e in every][-5:]
    tickets = staffed.read(audit_svc.audit_log, actor=None, entity="ticket", limit=4)
    assert [e["id"] for e in tickets] == [e["id"] for e in every if e["entity"] == "ticket"][-4:]
    assert staffed.read(audit_svc.audit_log, actor="nobody", limit=4) == []
    assert len(staffed.read(audit_svc.audit_log, actor=None, limit=10_000)) == len(every)


def test_changes_of_names_what_a_transaction_committed(staffed):
    with staffed.unit() as unit:
        unit.call(lifecycle.open_ticket, title="VPN down", reporter="r")
        assert audit.changes_of(unit.session) == "ticket 1 opened"
        unit.call(lifecycle.add_note, ticket_id=1, text="called")
        assert audit.changes_of(unit.session) == "ticket 1 opened, ticket 1: note recorded"
    with staffed.unit() as unit:
        assert audit.changes_of(unit.session) == ""
        unit.call(import_tickets, rows=[{"title": f"t{i}", "reporter": "r"} for i in range(3)])
        assert audit.changes_of(unit.session) == "ticket 2 … 4 imported (3 changes)"


def test_lifecycle_uses_the_one_clean_text():
    assert not hasattr(lifecycle, "clean_text") or lifecycle.clean_text is inputs.clean_text


@pytest.mark.parametrize("field", ["reporter", "contact", "system", "category"])
def test_ticket_short_fields_have_the_short_limit(staffed, field):
    fields = {"title": "t", "reporter": "r", field: "x" * SHORT_TEXT}
    staffed.write(lifecycle.open_ticket, actor="zhang", **fields)
    with pytest.raises(InvalidInput, match=f"{field} is {SHORT_TEXT + 1} characters; the limit is {SHORT_TEXT}"):
        staffed.write(lifecycle.open_ticket, actor="zhang", **{**fields, field: "x" * (SHORT_TEXT + 1)})


def test_ticket_system_is_one_line(staffed):
    with pytest.raises(InvalidInput, match="system must be one line"):
        staffed.write(lifecycle.open_ticket, actor="zhang", title="t", reporter="r", system="vpn\nmail")


def test_ticket_text_fields_follow_the_config_limit(staffed):
    staffed.configure("limits.text_max", 50)
    with pytest.raises(InvalidInput, match=r"title is 51 characters; the limit is 50 \(config limits.text_max\)"):
        staffed.write(lifecycle.open_ticket, actor="zhang", title="t" * 51, reporter="r")


def test_attendance_reason_is_bounded_and_clean(staffed):
    add_day_and_night(staffed)
    assign(staffed, "2026-11-23", "day", "zhang")
    staffed.configure("limits.text_max", 50)
    with pytest.raises(InvalidInput, match="--reason is 51 characters"):
        staffed.write(attendance.clock_in, actor="lead", for_handle="zhang", reason="r" * 51)
    with pytest.raises(InvalidInput, match="NUL"):
        staffed.write(attendance.clock_in, actor="zhang", reason="late\x00bus")
    view = staffed.write(attendance.clock_in, actor="lead", for_handle="zhang", reason="  forgot  ")
    assert view["clock_in_at"] is not None
    assert events(staffed, entity="shift")[-1]["details"]["reason"] == "forgot"


def test_clean_text_limit_message_has_no_value_echo():
    config = Config(path=Path("unused.toml"), data={})
    with pytest.raises(InvalidInput) as info:
        inputs.clean_text("x" * 120_000, "note", config)
    assert len(info.value.message) < 120
