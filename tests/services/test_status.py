"""`desk_status` (docs/design.md §13): one alert line's phrases in order, exact counts from
queries, at most `limit` rows of each list, and at risk read from the SLA deadlines."""

from __future__ import annotations

from deskctl.services.status import desk_status
from deskctl.services.tickets import lifecycle
from tests.services.ticket_steps import open_ticket


def test_status_at_risk_is_the_last_fifth_of_a_running_target(staffed):
    open_ticket(staffed, "core switch", priority="P1")  # response 15m: at risk from 09:12 (sla.at_risk 0.8)
    staffed.set_now("2026-11-23T09:11:00+08:00")
    view = staffed.read(desk_status, actor="zhang")
    assert (view["sla_at_risk_count"], view["sla_breached_count"]) == (0, 0)
    staffed.set_now("2026-11-23T09:13:00+08:00")
    view = staffed.read(desk_status, actor="zhang")
    assert [t["id"] for t in view["sla_at_risk"]] == [1] and view["sla_at_risk_count"] == 1
    assert view["alerts"] == ["NOBODY IS ON DUTY NOW"]  # no rota on this desk
    staffed.set_now("2026-11-23T09:16:00+08:00")
    view = staffed.read(desk_status, actor="zhang")
    assert (view["sla_at_risk_count"], view["sla_breached_count"]) == (0, 1)
    assert view["alerts"] == ["NOBODY IS ON DUTY NOW", "1 SLA breached"]


def test_status_paused_clock_is_not_at_risk(staffed):
    open_ticket(staffed, "vpn", priority="P1")
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=1, handle="li")
    staffed.write(lifecycle.ack_ticket, actor="li", ticket_id=1)
    staffed.write(lifecycle.wait_ticket, actor="li", ticket_id=1, reason="user away")
    staffed.set_now("2026-11-23T12:30:00+08:00")  # 3.5 of 4 hours gone, but waiting since 09:00
    view = staffed.read(desk_status, actor="zhang")
    assert (view["sla_at_risk_count"], view["sla_breached_count"]) == (0, 0)


def test_status_counts_every_ticket_but_lists_at_most_limit(staffed):
    for n in range(7):
        open_ticket(staffed, f"printer {n}", priority="P2" if n % 2 else "P1")
    staffed.set_now("2026-11-24T09:00:00+08:00")  # every clock past its deadline
    view = staffed.read(desk_status, actor="zhang", limit=3)
    assert view["open_total"] == 7 and view["open_tickets"] == {"P1": 4, "P2": 3, "P3": 0, "P4": 0}
    assert view["sla_breached_count"] == 7
    assert [t["id"] for t in view["sla_breached"]] == [1, 3, 5]  # most urgent first: P1s by age
    full = staffed.read(desk_status, actor="zhang", limit=None)
    assert len(full["sla_breached"]) == 7


def test_status_counts_my_tickets(staffed):
    for n in range(3):
        open_ticket(staffed, f"disk {n}", priority="P4")
        staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=n + 1, handle="li" if n else "zhang")
    view = staffed.read(desk_status, actor="li", limit=1)
    assert view["my_tickets_count"] == 2 and [t["id"] for t in view["my_tickets"]] == [2]
    assert staffed.read(desk_status, actor="maria")["my_tickets_count"] == 0
