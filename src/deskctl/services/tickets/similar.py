"""Open tickets like a new one (docs/design.md §3): the same fault reported twice is named at
once (`similar open: #12 VPN 无法连接 (assigned to li)`), so the officer can cancel it as a
duplicate or tell the caller it is being worked on."""

from __future__ import annotations

from difflib import SequenceMatcher

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


def similar_open(*, session: Session, ticket_id: int) -> list[dict]:
    """Open tickets other than `ticket_id` with the same system (when it has one) and a similar
    title, newest first, at most SHOWN."""
    ticket = get_ticket(session, ticket_id)
    query = select(Ticket).where(col(Ticket.status).in_(OPEN_STATUSES), col(Ticket.id) != ticket_id)
    if ticket.system:
        query = query.where(col(Ticket.system) == ticket.system)
    candidates = session.execute(
        query.order_by(col(Ticket.opened_at).desc(), col(Ticket.id).desc()).limit(LOOK_BACK)).scalars()
    found = [t for t in candidates if alike(t.title, ticket.title)][:SHOWN]
    handles = handles_by_id(session, [t.assignee_id for t in found])
    return [
        {"id": t.id, "title": t.title, "status": t.status, "system": t.system,
         "assignee": handles.get(t.assignee_id) if t.assignee_id else None}
        for t in found
    ]
