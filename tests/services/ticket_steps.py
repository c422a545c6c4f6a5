"""Tickets built and inspected through the services, for the service-layer tests.

`walk_to(desk, "resolved")` opens a ticket as zhang and moves it on as the desk does (li, tier 2,
works it); `refused(desk, service, ExcType, *snippets, …)` checks a refusal: the DeskError class
(so the exit code), the message (one line, naming what is wrong) and that nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from deskctl.services.audit import audit_log
from deskctl.services.tickets import lifecycle, views
from deskctl.store.tables import Ticket


def at(text: str) -> datetime:
    """An aware instant (compares equal to the services' UTC datetimes)."""
    return datetime.fromisoformat(text)


def open_ticket(desk, title: str = "VPN 无法连接", *, actor: str = "zhang", reporter: str = "财务部 刘女士",
                **fields: Any) -> dict:
    return desk.write(lifecycle.open_ticket, actor=actor, title=title, reporter=reporter, **fields)


def show(desk, ticket_id: int = 1) -> dict:
    return desk.read(views.show_ticket, ticket_id=ticket_id)


def row(desk, ticket_id: int = 1) -> dict:
    """The stored ticket's columns (for those no view shows, e.g. reassign_count, resolved_tier)."""

    def columns(*, session) -> dict:
        ticket = session.get(Ticket, ticket_id)
        return {column.name: getattr(ticket, column.name) for column in Ticket.__table__.columns}

    return desk.read(columns)


def timeline(desk, ticket_id: int = 1, kind: str | None = None) -> list[dict]:
    events = show(desk, ticket_id)["timeline"]
    return [e for e in events if kind is None or e["kind"] == kind]


STEPS: dict[str, tuple[str, Callable[..., dict], dict]] = {
    "assigned": ("zhang", lifecycle.assign_ticket, {"handle": "li"}),
    "in_progress": ("li", lifecycle.ack_ticket, {}),
    "waiting": ("li", lifecycle.wait_ticket, {"reason": "user away"}),
    "resolved": ("li", lifecycle.resolve_ticket, {"resolution": "fixed"}),
    "closed": ("zhang", lifecycle.confirm_ticket, {"rating": 4}),
    "cancelled": ("zhang", lifecycle.cancel_ticket, {"reason": "mistake"}),
}
PATHS = {
    "new": [],
    "assigned": ["assigned"],
    "in_progress": ["assigned", "in_progress"],
    "waiting": ["assigned", "in_progress", "waiting"],
    "resolved": ["assigned", "in_progress", "resolved"],
    "closed": ["assigned", "in_progress", "resolved", "closed"],
    "cancelled": ["cancelled"],
}


def walk_to(desk, status: str, ticket_id: int | None = None, **open_fields: Any) -> int:
    """Open a ticket (or take `ticket_id`) and walk it to `status`."""
    ticket_id = ticket_id or open_ticket(desk, **open_fields)["id"]
    for step in PATHS[status]:
        actor, service, kwargs = STEPS[step]
        desk.write(service, actor=actor, ticket_id=ticket_id, **kwargs)
    assert show(desk, ticket_id)["status"] == status
    return ticket_id


def events(desk, *, limit: int = 100_000, **filters: Any) -> list[dict]:
    """The audit log, oldest first. Careful: `audit_log` has a filter named `actor`, which
    `Desk.read` (like `Unit.call`) would fill with the acting user; here it is None unless given."""
    filters.setdefault("actor", None)
    return desk.read(audit_log, limit=limit, **filters)


def desk_state(desk, ticket_id: int | None = 1) -> tuple:
    """What a refusal must leave alone: the ticket (version, fields, timeline) and the audit log."""
    ticket = show(desk, ticket_id) if ticket_id else None
    return ticket, events(desk)


def refused(desk, service: Callable[..., Any], error: type[Exception], *snippets: str,
            actor: str = "zhang", state_of: int | None = 1, **kwargs: Any) -> str:
    """Call `service`; it must raise `error` with a one-line message holding every snippet, and
    leave the desk as it was. Returns the message."""
    before = desk_state(desk, state_of)
    with pytest.raises(error) as caught:
        desk.write(service, actor=actor, **kwargs)
    message = caught.value.message
    assert "\n" not in message, message  # the CLI prints it as one `deskctl: error: …` line
    for snippet in snippets:
        assert snippet in message, message
    assert desk_state(desk, state_of) == before
    return message


def six_tickets(desk) -> None:
    """Six tickets over three days, in several states, systems and priorities (the list desk):
    1 P1 vpn new · 2 P3 mail assigned li · 3 P4 print new · 4 P2 vpn in progress li ·
    5 P3 mail resolved maria · 6 P3 net cancelled (duplicate of 3)."""
    for title, system, priority, when in [
        ("VPN down", "vpn", "P1", "2026-11-21T10:00:00+08:00"),
        ("mail slow", "mail", "P3", "2026-11-22T10:00:00+08:00"),
        ("printer jam", "print", "P4", "2026-11-22T15:00:00+08:00"),
        ("VPN flaky", "vpn", "P2", "2026-11-23T08:00:00+08:00"),
        ("mail bounce", "mail", "P3", "2026-11-23T08:30:00+08:00"),
        ("wifi", "net", "P3", "2026-11-23T08:45:00+08:00"),
    ]:
        desk.set_now(when)
        open_ticket(desk, title, reporter="HR 王", system=system, priority=priority)
    desk.set_now("2026-11-23T09:00:00+08:00")
    desk.write(lifecycle.assign_ticket, actor="zhang", ticket_id=2, handle="li")
    desk.write(lifecycle.assign_ticket, actor="zhang", ticket_id=4, handle="li")
    desk.write(lifecycle.ack_ticket, actor="li", ticket_id=4)
    desk.write(lifecycle.assign_ticket, actor="zhang", ticket_id=5, handle="maria")
    desk.write(lifecycle.ack_ticket, actor="maria", ticket_id=5)
    desk.write(lifecycle.resolve_ticket, actor="maria", ticket_id=5, resolution="fixed")
    desk.write(lifecycle.cancel_ticket, actor="zhang", ticket_id=6, reason="dup", duplicate_of=3)
