"""The service-layer fixture: the same desk through services and CLI, one clock, one config."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, PermissionDenied
from deskctl.services.tickets import lifecycle, views


def test_desk_services_and_cli_see_the_same_ticket(staffed):
    view = staffed.write(lifecycle.open_ticket, actor="zhang", title="VPN 无法连接", reporter="刘女士",
                         impact="high", urgency="medium")
    assert view["priority"] == "P2"
    assert staffed.json("ticket", "show", str(view["id"]))["title"] == "VPN 无法连接"
    shown = staffed.read(views.show_ticket, ticket_id=view["id"])
    assert shown["opened_at"] == staffed.now


def test_desk_refusals_raise_the_desk_error(staffed):
    view = staffed.write(lifecycle.open_ticket, actor="zhang", title="t", reporter="r")
    with pytest.raises(PermissionDenied):
        staffed.write(lifecycle.assign_ticket, actor="li", ticket_id=view["id"], handle="li")
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=view["id"], handle="li")
    with pytest.raises(Conflict, match="already assigned"):
        staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=view["id"], handle="li")


def test_desk_set_now_and_configure_reach_the_services(staffed):
    staffed.configure("sla.P3.response", "1h")
    staffed.set_now("2026-11-24T10:00:00+08:00")
    view = staffed.write(lifecycle.open_ticket, actor="zhang", title="t", reporter="r", priority="P3")
    shown = staffed.read(views.show_ticket, ticket_id=view["id"])
    assert shown["opened_at"].isoformat() == "2026-11-24T02:00:00+00:00"
    assert shown["sla"]["response"]["due_at"].isoformat() == "2026-11-24T03:00:00+00:00"
