"""Open tickets like a new one (docs/design.md §3): the same fault reported twice is named at
once (`similar open: #12 VPN 无法连接 (assigned to li)`), so the officer can cancel it as a
duplicate or tell the caller it is being worked on."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.domain.ticket_states import OPEN_STATUSES
from deskctl.services.people.staff import handles_by_id
from deskctl.services.tickets.views import get_ticket
from deskctl.store.tables import Ticket

LOOK_BACK = 200  # the newest open tickets compared (of the same system when it is known)
ALIKE = 0.6  # title similarity (difflib ratio, case-folded) that counts as the same fault
SHOWN = 3


def alike(a: str, b: str) -> bool:
    a, b = a.casefold().strip(), b.casefold().strip()
    if not a or not b:
        return False
    return a in b or b in a or SequenceMatcher(None, a, b).ratio() >= ALIKE


def _alike_tickets(session: Session, ticket: Ticket, statuses: tuple[str, ...], order: Any) -> list[Ticket]:
    query = select(Ticket).where(col(Ticket.status).in_(statuses), col(Ticket.id) != ticket.id)
    if ticket.system:
        query = query.where(col(Ticket.system) == ticket.system)
    candidates = session.execute(query.order_by(order, col(Ticket.id).desc()).limit(LOOK_BACK)).scalars()
    return [t for t in candidates if alike(t.title, ticket.title)][:SHOWN]


def resolution_hints(*, session: Session, ticket_id: int) -> list[dict]:
    """The last resolutions of closed tickets like this one (same system, similar title)."""
    ticket = get_ticket(session, ticket_id)
    found = _alike_tickets(session, ticket, ("resolved", "closed"), col(Ticket.resolved_at).desc())
    return [{"id": t.id, "title": t.title, "resolved_at": t.resolved_at, "resolution": t.resolution}
            for t in found if t.resolution]


def similar_open(*, session: Session, ticket_id: int) -> list[dict]:
    """Open tickets other than `ticket_id` with the same system (when it has one) and a similar
    title, newest first, at most SHOWN."""
    ticket = get_ticket(session, ticket_id)
    found = _alike_tickets(session, ticket, OPEN_STATUSES, col(Ticket.opened_at).desc())
    handles = handles_by_id(session, [t.assignee_id for t in found])
    return [
        {"id": t.id, "title": t.title, "status": t.status, "system": t.system,
         "assignee": handles.get(t.assignee_id) if t.assignee_id else None}
        for t in found
    ]
