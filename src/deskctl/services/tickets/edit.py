"""`ticket edit`: correct what was recorded wrong on an open ticket (docs/design.md §3).

Each changed field is its own `edited` event (field, old → new). A priority change — given, or
from a new impact or urgency — recomputes the SLA deadlines of the clocks still running from the
opening instant (paused time kept out) and records that it did; a deadline already breached
stays the fact it is.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlmodel import Session

from deskctl.config import Config
from deskctl.domain.ticket_states import CHANNELS, OPEN_STATUSES, check_level, check_priority
from deskctl.errors import Conflict, InvalidInput, quote
from deskctl.i18n import _, value_name
from deskctl.services.inputs import SHORT_TEXT, clean_text
from deskctl.services.people.staff import require_actor
from deskctl.services.tickets.lifecycle import (
    _event,
    _move_resolution_deadline,
    _touch,
    _view,
    record_breaches,
)
from deskctl.services.tickets.sla import calendar_from_config, targets
from deskctl.services.tickets.views import get_ticket
from deskctl.store.tables import Ticket
from deskctl.timeparse import Clock

TEXT_FIELDS = ("title", "description", "reporter", "contact", "system", "category")


def edit_ticket(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    ticket_id: int,
    title: str | None = None,
    description: str | None = None,
    reporter: str | None = None,
    contact: str | None = None,
    system: str | None = None,
    category: str | None = None,
    priority: str | None = None,
    impact: str | None = None,
    urgency: str | None = None,
    channel: str | None = None,
) -> dict:
    """Change the given fields of an open ticket; the view says what changed (`changes`) and
    whether the SLA deadlines were recomputed (`sla_recomputed`)."""
    who = require_actor(session, actor)
    ticket = get_ticket(session, ticket_id)
    if ticket.status not in OPEN_STATUSES and ticket.status != "resolved":
        raise Conflict(_(
                "ticket {ticket_id} is {status}; only tickets not yet closed can be edited"
            ).format(ticket_id=ticket_id, status=value_name(ticket.status)))
    if priority and (impact or urgency):
        raise InvalidInput(_("give --priority or --impact/--urgency, not both"))
    wanted: dict[str, str | None] = {}
    given = {"title": title, "description": description, "reporter": reporter, "contact": contact,
             "system": system, "category": category}
    for field, value in given.items():
        if value is not None:
            short = field in ("reporter", "contact", "system", "category")  # the rule of `ticket open`
            wanted[field] = clean_text(value, field, config, required=field in ("title", "reporter"),
                                       one_line=field in ("system", "category"),
                                       limit=SHORT_TEXT if short else None)
    if "title" in wanted and any(c in (wanted["title"] or "") for c in "\r\n"):
        raise InvalidInput(_("title must be one line (put details in --description)"))
    if channel is not None:
        value = channel.strip().lower()
        if value not in CHANNELS:
            raise InvalidInput(_("invalid channel {channel} (use {channels})").format(
                channel=quote(channel), channels=", ".join(CHANNELS)))
        wanted["channel"] = value
    if impact or urgency:
        wanted["impact"] = check_level(impact, "impact") or ticket.impact
        wanted["urgency"] = check_level(urgency, "urgency") or ticket.urgency
        wanted["priority"] = config.priority_for(wanted["impact"] or "medium", wanted["urgency"] or "medium")
    elif priority:
        wanted["priority"] = check_priority(priority)
    if not wanted:
        raise InvalidInput(_(
                "nothing to change: give at least one of --title, --description, --reporter, --contact, "
                "--system, --category, --priority, --impact, --urgency, --channel"
            ))
    now = clock.now()
    record_breaches(session, ticket, now=now, actor=who.handle)  # under the old deadlines first
    changes = []
    for field, value in wanted.items():
        old = getattr(ticket, field)
        if (old or "") == (value or ""):
            continue
        setattr(ticket, field, value)
        changes.append({"field": field, "from": old, "to": value})
        _event(session, ticket, at=now, actor=who.handle, kind="edited", frm=old or "", to=value or "",
               field=field)
    if not changes:
        raise Conflict(_(
                "ticket {ticket_id} already has these values; nothing changed"
            ).format(ticket_id=ticket_id))
    recomputed = any(c["field"] == "priority" for c in changes)
    if recomputed:
        _recompute_deadlines(session, ticket, now=now, actor=who.handle, config=config, tz=tz)
    _touch(ticket, now)
    view = _view(session, ticket)
    view["changes"] = changes
    view["sla_recomputed"] = recomputed
    view["response_due_at"] = None if ticket.acknowledged_at else ticket.response_due_at
    view["resolution_due_at"] = None if ticket.resolved_at or ticket.status == "waiting" else ticket.resolution_due_at
    return view


def _recompute_deadlines(
    session: Session, ticket: Ticket, *, now: datetime, actor: str, config: Config, tz: tzinfo
) -> None:
    """The running clocks' deadlines from the opening instant under the new priority's targets."""
    calendar = calendar_from_config(config, tz)
    response_target, _resolution = targets(config, ticket.priority)
    before = (ticket.response_due_at, ticket.resolution_due_at)
    if ticket.acknowledged_at is None and ticket.response_breached_at is None:
        ticket.response_due_at = calendar.add(ticket.opened_at, response_target)
    if ticket.resolved_at is None and ticket.status != "waiting":
        _move_resolution_deadline(ticket, now=now, config=config, calendar=calendar)
    # a waiting ticket's deadline is set again, under the new target, when it resumes
    _event(session, ticket, at=now, actor=actor, kind="sla_recomputed", to=ticket.priority,
           response_due_at=_iso(ticket.response_due_at) if ticket.response_due_at != before[0] else None,
           resolution_due_at=_iso(ticket.resolution_due_at) if ticket.resolution_due_at != before[1] else None)
    record_breaches(session, ticket, now=now, actor=actor)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
