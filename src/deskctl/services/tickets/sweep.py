"""`deskctl ticket sweep` (cron): record breaches, escalate response breaches once, auto-close.

Escalation goes to the next tier's technician on call, else its least-loaded technician
(services/tickets/routing.py). Only tickets nobody has acknowledged are escalated: the sweep never
takes a ticket away from the person working it.

Each ticket is handled in the same write transaction as the scan, so running sweep twice, or
from two processes, never escalates or closes anything twice.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import and_, exists, or_, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.ticket_states import MAX_TIER
from deskctl.services.tickets.lifecycle import (
    close_unconfirmed,
    escalate_ticket,
    flag_escalation_impossible,
    record_breaches,
)
from deskctl.services.tickets.views import (
    resolution_running_sql,
    response_running,
    response_running_sql,
)
from deskctl.store.tables import Event, Ticket
from deskctl.timeparse import Clock, format_duration, iso

SYSTEM = "system"


def sweep(*, session: Session, clock: Clock, config: Config, tz: tzinfo) -> list[dict]:
    """Returns one row per action taken; an empty list when there was nothing to do."""
    now: datetime = clock.now()
    actions: list[dict] = []
    flagged = exists().where(col(Event.entity) == "ticket", col(Event.entity_id) == col(Ticket.id),
                             col(Event.kind) == "escalation_impossible")
    candidates = session.execute(
        select(Ticket)
        .where(
            or_(
                and_(response_running_sql(), col(Ticket.response_due_at) < now,
                     or_(col(Ticket.response_breached_at).is_(None),
                         and_(col(Ticket.auto_escalated_at).is_(None),
                              or_(col(Ticket.tier) < MAX_TIER, ~flagged)))),
                and_(resolution_running_sql(), col(Ticket.resolution_due_at) < now,
                     col(Ticket.resolution_breached_at).is_(None)),
            )
        )
        .order_by(col(Ticket.id))
    ).scalars().all()
    for ticket in candidates:
        recorded = record_breaches(session, ticket, now=now, actor=SYSTEM, touch=True)
        for clock_name in recorded:
            due = iso(getattr(ticket, clock_name + "_due_at"), tz)
            actions.append({"ticket": ticket.id, "action": f"{clock_name}_breach_recorded",
                            "detail": f"due {due}"})
        if (
            ticket.response_breached_at is not None
            and ticket.auto_escalated_at is None
            and response_running(ticket)  # an acknowledged ticket stays with the person working it
        ):
            if ticket.tier >= MAX_TIER:
                # Nowhere higher to go: said once (the query leaves out tickets already flagged).
                flag_escalation_impossible(session, ticket, now=now, actor=SYSTEM)
                actions.append({"ticket": ticket.id, "action": "escalation_impossible",
                                "detail": f"already at tier {ticket.tier}"})
                continue
            view = escalate_ticket(
                session=session, clock=clock, actor=SYSTEM, config=config, ticket_id=ticket.id,
                reason="response target missed (automatic escalation by sweep)", automatic=True,
            )
            actions.append({"ticket": ticket.id, "action": "escalated",
                            "detail": f"tier {view['tier']}, assignee {view['assignee'] or 'none'}; {view['picked']}"})
    window = config.duration("confirm_window")
    stale = session.execute(
        select(col(Ticket.id)).where(col(Ticket.status) == "resolved", col(Ticket.resolved_at) <= now - window)
        .order_by(col(Ticket.id))
    ).scalars().all()
    for ticket_id in stale:
        close_unconfirmed(
            session=session, clock=clock, actor=SYSTEM, config=config, ticket_id=ticket_id,
            reason=f"no confirmation from the user within {format_duration(window)}", automatic=True,
        )
        actions.append({"ticket": ticket_id, "action": "closed_unconfirmed",
                        "detail": f"resolved more than {format_duration(window)} ago"})
    from deskctl.services.notify.scan import scan_time_events

    fired = scan_time_events(session=session, clock=clock, config=config, tz=tz)
    if fired:
        actions.append({"ticket": None, "action": "notified",
                        "detail": f"{fired} time-based notification(s) queued for `deskctl notify run`"})
    return actions

