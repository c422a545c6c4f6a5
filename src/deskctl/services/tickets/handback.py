"""`ticket release`: a technician hands a ticket back to the desk (docs/design.md §3).

Only the assignee (or a supervisor) releases. The ticket returns to tier 1: to the officer named
with `to`, else to the desk officer on duty at that instant (the least loaded if several), else
to the desk's queue unassigned (`new`). The acknowledgement stays a fact: a ticket that was
acknowledged keeps its response clock stopped, and one the sweep escalated is not escalated again.
"""

from __future__ import annotations

from sqlmodel import Session

from deskctl.config import Config
from deskctl.domain.ticket_states import check_transition
from deskctl.errors import Conflict, InvalidInput, PermissionDenied, quote
from deskctl.i18n import _
from deskctl.services.inputs import clean_text
from deskctl.services.notify import outbox
from deskctl.services.people.staff import get_staff, handles_by_id, require_actor
from deskctl.services.tickets.lifecycle import record_breaches
from deskctl.services.tickets.routing import DESK_ROLES, NAMED, Pick, pick_desk_officer
from deskctl.services.tickets.views import get_ticket, ticket_view
from deskctl.store import audit
from deskctl.store.tables import Staff, pk
from deskctl.timeparse import Clock


def release_ticket(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    ticket_id: int,
    reason: str,
    to: str | None = None,
) -> dict:
    who = require_actor(session, actor)
    reason = clean_text(reason, "reason", config, required=True)
    ticket = get_ticket(session, ticket_id)
    check_transition("release", ticket_id, ticket.status)
    holder = session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
    if who.role != "supervisor" and ticket.assignee_id != who.id:
        raise PermissionDenied((
            _("ticket {ticket_id} is {holder}'s; only its assignee or a supervisor may hand it back to the desk")
            if holder else
            _("ticket {ticket_id} is nobody's; only its assignee or a supervisor may hand it back to the desk")
        ).format(ticket_id=ticket_id, holder=holder.handle if holder else ""))
    if ticket.tier <= 1:
        raise Conflict(
            _(
                "ticket {ticket_id} is at the desk already (tier 1); pass it on with `deskctl ticket assign "
                "{ticket_id} HANDLE`"
            ).format(ticket_id=ticket_id)
        )
    now = clock.now()
    if to:
        officer = get_staff(session, to)
        if not officer.active:
            raise Conflict(_("{to} is deactivated; hand the ticket to an active officer").format(to=quote(to)))
        if officer.role not in DESK_ROLES:
            raise InvalidInput(_(
                    "{to} is a {role}; a ticket handed back goes to an officer or supervisor"
                ).format(to=to, role=officer.role))
        pick = Pick(officer, NAMED)
    else:
        pick = pick_desk_officer(session, at=now)
    record_breaches(session, ticket, now=now, actor=who.handle)
    old_status, old_tier = ticket.status, ticket.tier
    if pick.who is None or pick.who.id != ticket.assignee_id:
        ticket.reassign_count += 1
    ticket.assignee_id = pk(pick.who) if pick.who else None
    ticket.tier = 1
    ticket.status = "assigned" if pick.who else "new"
    ticket.updated_at = now
    ticket.version += 1
    details = {"reason": reason, "from": holder.handle if holder else None, "status": ticket.status,
               "assignee": pick.who.handle if pick.who else None, "picked": pick.rule}
    audit.append(
        session, at=now, actor=who.handle, entity="ticket", entity_id=ticket.id, kind="released",
        from_value=f"tier {old_tier}", to_value="tier 1",
        details={k: v for k, v in details.items() if v is not None} | {"from_status": old_status},
    )
    outbox.on_ticket_event(session, ticket, kind="released", at=now, details=details)  # tell whoever has it now
    view = ticket_view(ticket, handles_by_id(session, (ticket.assignee_id, ticket.opened_by_id,
                                                       ticket.resolved_by_id)))
    view["picked"] = pick.rule
    return view
