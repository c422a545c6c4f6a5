"""SLA clocks as the CLI shows them: `ticket show` JSON (instants in the desk zone) and the table
(durations). The clock arithmetic is tested at the service layer: tests/services/test_ticket_sla.py."""

from __future__ import annotations

from deskctl.services.tickets import lifecycle
from tests.services.ticket_steps import open_ticket, walk_to

H = 3600


def test_ticket_sla_show_json_clocks_in_the_desk_zone(staffed):
    open_ticket(staffed, "vpn down", priority="P3")
    clocks = staffed.json("ticket", "show", "1")["sla"]
    assert clocks["response"] == {
        "state": "running", "target_seconds": 2 * H, "elapsed_seconds": 0, "paused_seconds": 0,
        "remaining_seconds": 2 * H, "due_at": "2026-11-23T11:00:00+08:00", "stopped_at": None,
        "breached_at": None, "breach_recorded": None,
    }
    assert clocks["resolution"]["due_at"] == "2026-11-26T09:00:00+08:00"
    utc = staffed.json("--tz", "UTC", "ticket", "show", "1")["sla"]
    assert utc["response"]["due_at"] == "2026-11-23T03:00:00+00:00"


def test_ticket_sla_wait_shows_paused_in_table(staffed):
    walk_to(staffed, "in_progress", priority="P3")
    staffed.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="user away")
    staffed.set_now("2026-11-23T11:30:00+08:00")
    out = staffed.ok("ticket", "show", "1").stdout
    resolution_line = next(line for line in out.splitlines() if line.strip().startswith("resolution"))
    assert "paused" in resolution_line and "2h 30m" in resolution_line


def test_ticket_sla_business_mode_bad_value_exits_2(staffed):
    res = staffed.run("config", "set", "sla.calendar.mode", "office")
    assert res.exit_code == 2
    assert "24x7 or business" in res.stderr
    assert staffed.ok("config", "get", "sla.calendar.mode").stdout == "24x7\n"
