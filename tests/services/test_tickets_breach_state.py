"""An SLA clock's state is derived when read; the breach is a fact recorded once (issue 9, item 3;
docs/sla.md, *What is stored, what is derived*)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from deskctl.services.tickets import lifecycle, sweep, views

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_past_due_clock_reads_breached_before_any_command_records_it(staffed):
    # P2 opened 09:00 local: response due 09:30 (30 min target).
    t = staffed.write(lifecycle.open_ticket, actor="zhang", title="VPN down", reporter="r", priority="P2")
    staffed.set_now("2026-11-23T09:45:00+08:00")
    shown = staffed.read(views.show_ticket, ticket_id=t["id"])["sla"]["response"]
    assert shown["state"] == "breached"  # derived: the clock is 15 min past due
    assert shown["breached_at"] is None  # nothing has recorded it yet
    assert shown["breach_recorded"] is False

    staffed.write(sweep.sweep, actor="lead")
    shown = staffed.read(views.show_ticket, ticket_id=t["id"])["sla"]["response"]
    assert shown["state"] == "breached"
    # recorded at the due instant, not when it was noticed
    assert shown["breached_at"] == datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    assert shown["breach_recorded"] is True


def test_a_clock_in_time_has_no_breach_to_record(staffed):
    t = staffed.write(lifecycle.open_ticket, actor="zhang", title="VPN down", reporter="r", priority="P2")
    shown = staffed.read(views.show_ticket, ticket_id=t["id"])["sla"]["response"]
    assert (shown["state"], shown["breached_at"], shown["breach_recorded"]) == ("running", None, None)
