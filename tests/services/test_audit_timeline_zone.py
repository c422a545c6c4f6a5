"""Instants in the timeline and the audit log are instants, shown in the desk zone like every
other one; the stored events (hash-chained) are not rewritten (issue 9, item 4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from deskctl.services.audit import audit_log, verify_chain
from deskctl.services.shifts import attendance as clocking
from deskctl.services.shifts import rota, types
from deskctl.services.tickets import lifecycle, sweep, views
from deskctl.store.tables import Event

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_sla_breach_details_carry_the_due_instant_not_utc_text(staffed):
    # P3 opened 2026-12-09 10:00 local: response due 12:00 local = 04:00 UTC.
    staffed.set_now("2026-12-09T10:00:00+08:00")
    t = staffed.write(lifecycle.open_ticket, actor="zhang", title="printer", reporter="r", priority="P3")
    staffed.set_now("2026-12-09T12:30:00+08:00")
    staffed.write(sweep.sweep, actor="lead")
    shown = staffed.read(views.show_ticket, ticket_id=t["id"])
    breach = next(e for e in shown["timeline"] if e["kind"] == "sla_breach")
    due = breach["details"]["due_at"]
    assert isinstance(due, datetime)  # an instant, which the edge shows in the desk zone
    assert due == datetime(2026, 12, 9, 12, 0, tzinfo=SHANGHAI)
    # the stored event keeps its text as it was chained
    with staffed.unit(write=False) as unit:
        stored = unit.session.execute(select(Event).where(Event.kind == "sla_breach")).scalar_one()
        assert json.loads(stored.details)["due_at"] == "2026-12-09T04:00:00+00:00"
    assert staffed.read(verify_chain)["ok"] is True


def test_clock_in_from_and_to_values_are_instants(staffed):
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    staffed.write(rota.assign, day=staffed.now.astimezone(SHANGHAI).date() + timedelta(days=1), type_name="day",
                  handle="zhang")
    staffed.set_now("2026-11-24T07:55:00+08:00")
    staffed.write(clocking.clock_in, actor="zhang")
    entry = next(e for e in staffed.read(audit_log, entity="shift", actor=None) if e["kind"] == "clock_in")
    assert entry["to"] == datetime(2026, 11, 23, 23, 55, tzinfo=UTC)
    # text that is not an instant stays text
    assert all(isinstance(e["to"], str | None) for e in staffed.read(audit_log, entity="shift", actor=None)
               if e["kind"] != "clock_in")
