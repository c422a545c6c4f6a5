"""Who a ticket goes to when nobody names a person (docs/design.md §3).

- Escalation (`ticket escalate` without `--to`, and the sweep): the next tier's technician on
  call at that instant; with nobody on call, the tier's least-loaded active technician; with no
  active technician at that tier, nobody (the ticket waits unassigned at that tier).
- A technician handing a ticket back (`ticket release`): the desk officer on duty at that
  instant; with nobody on duty, nobody (the desk's queue, tier 1).

Load = open tickets assigned (new, assigned, in progress, waiting); ties go to the first handle.
Each pick says which rule chose the person; the timeline keeps it (`picked`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from deskctl.domain.ticket_states import OPEN_STATUSES
from deskctl.i18n import P_
from deskctl.services.shifts.views import on_call_at, on_duty_at
from deskctl.store.tables import Staff, Ticket

ON_CALL = P_("value", "on call")
LEAST_LOADED = P_("value", "least loaded, nobody on call")
ON_DUTY = P_("value", "on duty")
NAMED = P_("value", "named")
DESK_QUEUE = P_("value", "desk queue, nobody on duty")
DESK_ROLES = ("supervisor", "officer")


@dataclass(frozen=True)
class Pick:
    who: Staff | None
    rule: str


def least_loaded(session: Session, *where: ColumnElement[bool]) -> Staff | None:
    """The staff member matching `where` with the fewest open assigned tickets (then by handle)."""
    load = (
        select(col(Ticket.assignee_id), func.count().label("n"))
        .where(col(Ticket.status).in_(OPEN_STATUSES), col(Ticket.assignee_id).is_not(None))
        .group_by(col(Ticket.assignee_id))
        .subquery()
    )
    row: Staff | None = session.execute(
        select(Staff)
        .outerjoin(load, load.c.assignee_id == Staff.id)
        .where(*where)
        .order_by(func.coalesce(load.c.n, 0), Staff.handle)
        .limit(1)
    ).scalar_one_or_none()
    return row


def pick_escalation(session: Session, *, tier: int, at: datetime) -> Pick:
    """The technician an escalation to `tier` goes to at instant `at`."""
    on_call = on_call_at(session=session, at=at, tier=tier)
    if on_call:
        chosen = least_loaded(session, col(Staff.id).in_([s.id for s in on_call]))
        return Pick(chosen, ON_CALL)
    chosen = least_loaded(
        session, col(Staff.active).is_(True), col(Staff.role) == "technician", col(Staff.tier) == tier
    )
    if chosen is not None:
        return Pick(chosen, LEAST_LOADED)
    return Pick(None, f"nobody: no active tier-{tier} technician")


def pick_desk_officer(session: Session, *, at: datetime) -> Pick:
    """The desk officer (or supervisor) on desk duty at `at` a ticket handed back goes to."""
    on_duty = [s.id for s in on_duty_at(session=session, at=at) if s.active and s.role in DESK_ROLES]
    if on_duty:
        return Pick(least_loaded(session, col(Staff.id).in_(on_duty)), ON_DUTY)
    return Pick(None, DESK_QUEUE)
