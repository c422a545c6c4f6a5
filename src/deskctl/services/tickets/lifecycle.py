"""The ticket lifecycle (docs/design.md §3): each function is one use case inside the caller's write
transaction. State checks and writes happen in that same transaction (BEGIN IMMEDIATE), so two
people resolving one ticket at once cannot both win.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain import sla
from deskctl.domain.ticket_states import (
    CHANNELS,
    check_level,
    check_priority,
    check_transition,
    next_tier,
)
from deskctl.errors import Conflict, InvalidInput, PermissionDenied, quote
from deskctl.i18n import _, pgettext
from deskctl.services.inputs import SHORT_TEXT, clean_text
from deskctl.services.notify import outbox
from deskctl.services.people.staff import get_staff, handles_by_id, require_actor
from deskctl.services.tickets.routing import NAMED, pick_escalation
from deskctl.services.tickets.sla import calendar_from_config, targets
from deskctl.services.tickets.views import (
    get_ticket,
    resolution_running,
    response_running,
    ticket_view,
)
from deskctl.store import audit
from deskctl.store.tables import Staff, Ticket, pk
from deskctl.timeparse import Clock

DISPATCHERS = ("supervisor", "officer")


def _event(session: Session, ticket: Ticket, *, at: datetime, actor: str, kind: str, frm: str | None = None,
           to: str | None = None, **details: Any) -> None:
    kept = {k: v for k, v in details.items() if v not in (None, "")}
    audit.append(
        session, at=at, actor=actor, entity="ticket", entity_id=ticket.id, kind=kind,
        from_value=frm, to_value=to, details=kept,
    )
    # Whoever should hear about it is told through the outbox, in this same transaction.
    outbox.on_ticket_event(session, ticket, kind=kind, at=at, details=kept, to_value=to)


def _touch(ticket: Ticket, now: datetime) -> None:
    ticket.updated_at = now
    ticket.version += 1


def record_breaches(
    session: Session, ticket: Ticket, *, now: datetime, actor: str, touch: bool = False
) -> list[str]:
    """Record, once, any SLA deadline that has passed while its clock was running.

    The due instant itself is still in time (as the SLA clock and `list --breached` count it).
    `touch` bumps the ticket's version when something was recorded (for callers that change
    nothing else).
    """
    found = []
    if (
        ticket.response_breached_at is None
        and response_running(ticket)
        and ticket.response_due_at is not None
        and ticket.response_due_at < now
    ):
        ticket.response_breached_at = ticket.response_due_at
        found.append("response")
    if (
        ticket.resolution_breached_at is None
        and ticket.resolved_at is None
        and resolution_running(ticket)
        and ticket.resolution_due_at is not None
        and ticket.resolution_due_at < now
    ):
        ticket.resolution_breached_at = ticket.resolution_due_at
        found.append("resolution")
    for clock_name in found:
        _event(session, ticket, at=now, actor=actor, kind="sla_breach", to=clock_name,
               due_at=getattr(ticket, f"{clock_name}_due_at").isoformat())
    if found and touch:
        _touch(ticket, now)
    return found


def flag_escalation_impossible(session: Session, ticket: Ticket, *, now: datetime, actor: str) -> None:
    """A response breach at the top tier: there is nobody higher; say so once, in the timeline."""
    _event(session, ticket, at=now, actor=actor, kind="escalation_impossible", frm=f"tier {ticket.tier}",
           to="supervisor", reason="response target missed at the top tier; a supervisor must step in")
    _touch(ticket, now)


def _view(session: Session, ticket: Ticket) -> dict:
    ids = (ticket.assignee_id, ticket.opened_by_id, ticket.resolved_by_id)
    return ticket_view(ticket, handles_by_id(session, ids))


def open_ticket(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    title: str,
    reporter: str,
    contact: str = "",
    system: str = "",
    category: str = "",
    priority: str | None = None,
    impact: str | None = None,
    urgency: str | None = None,
    channel: str = "phone",
    description: str = "",
    tz: tzinfo,
    opened_at: datetime | None = None,
    event_kind: str = "opened",
) -> dict:
    """Record a fault report. Priority is given, or derived from impact × urgency."""
    who = require_actor(session, actor)
    title = clean_text(title, "title", config, required=True)
    if "\n" in title or "\r" in title:
        raise InvalidInput(_("title must be one line (put details in --description)"))
    reporter = clean_text(reporter, "reporter", config, required=True, limit=SHORT_TEXT)
    channel = (channel or "phone").strip().lower()
    if channel not in CHANNELS:
        raise InvalidInput(_("invalid channel {channel} (use {channels})").format(
            channel=quote(channel), channels=", ".join(CHANNELS)))
    impact, urgency = check_level(impact, "impact"), check_level(urgency, "urgency")
    if priority:
        priority = check_priority(priority)
    else:
        priority = config.priority_for(impact or "medium", urgency or "medium")
    now = clock.now()
    opened = opened_at or now
    calendar = calendar_from_config(config, tz)
    response_target, resolution_target = targets(config, priority)
    ticket = Ticket(
        title=title,
        description=clean_text(description, "description", config),
        reporter=reporter,
        contact=clean_text(contact, "contact", config, limit=SHORT_TEXT),
        system=clean_text(system, "system", config, one_line=True, limit=SHORT_TEXT),
        category=clean_text(category, "category", config, one_line=True, limit=SHORT_TEXT),
        channel=channel,
        priority=priority,
        impact=impact,
        urgency=urgency,
        status="new",
        tier=1,
        opened_by_id=who.id,
        opened_at=opened,
        response_due_at=calendar.add(opened, response_target),
        resolution_due_at=calendar.add(opened, resolution_target),
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    _event(session, ticket, at=now, actor=who.handle, kind=event_kind, to="new",
           priority=priority, title=title, reporter=reporter, channel=channel)
    return _view(session, ticket)


def _load(session: Session, ticket_id: int, action: str) -> tuple[Ticket, str]:
    """The ticket and the status `action` leads to (its current one when the action keeps it)."""
    ticket = get_ticket(session, ticket_id)
    target = check_transition(action, pk(ticket), ticket.status)
    return ticket, ticket.status if target is None else target


def assign_ticket(
    *, session: Session, clock: Clock, actor: str, config: Config, ticket_id: int, handle: str
) -> dict:
    """Dispatch to a person; the ticket moves to that person's tier."""
    who = require_actor(session, actor)
    if who.role not in DISPATCHERS:
        held = session.execute(select(col(Ticket.assignee_id)).where(col(Ticket.id) == ticket_id)).scalar()
        hint = (_("; hand it back to the desk with `deskctl ticket release {ticket_id} --reason …`").format(
            ticket_id=ticket_id) if held == who.id else "")
        raise PermissionDenied(_("only a {roles} may assign tickets; {actor} has the role {role}{hint}").format(
            roles=_(" or ").join(pgettext("value", r) for r in DISPATCHERS), actor=quote(actor),
            role=pgettext("value", who.role), hint=hint))
    ticket, target = _load(session, ticket_id, "assign")
    assignee = get_staff(session, handle)
    if not assignee.active:
        raise Conflict(_("{handle} is deactivated; assign the ticket to an active member").format(handle=quote(handle)))
    if ticket.assignee_id == assignee.id:
        raise Conflict(_(
                "ticket {ticket_id} is already assigned to {handle}"
            ).format(ticket_id=ticket_id, handle=handle))
    now = clock.now()
    record_breaches(session, ticket, now=now, actor=who.handle)
    dispatch(session, ticket, assignee, status=target, now=now, actor=who.handle)
    return _view(session, ticket)


def dispatch(session: Session, ticket: Ticket, assignee: Staff, *, status: str, now: datetime, actor: str,
             reason: str | None = None) -> None:
    """Give the ticket to `assignee` (their tier), with the `assigned` event. The caller has
    checked who may do it and that the transition is allowed."""
    previous = ticket.assignee_id
    if previous is not None and previous != assignee.id:
        ticket.reassign_count += 1
    old_status = ticket.status
    ticket.assignee_id = assignee.id
    ticket.tier = max(1, assignee.tier)
    ticket.status = status
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=actor, kind="assigned", frm=old_status, to=status,
           assignee=assignee.handle, tier=ticket.tier, reason=reason)


def assign_finding(session: Session, *, ticket_id: int, handle: str | None, now: datetime, actor: str,
                   reason: str) -> str | None:
    """A new inspection finding's ticket goes to the person responsible (the rule dispatches, so
    whoever ran the inspection need not be a dispatcher). Returns the handle, or None when
    nobody active could be named (the ticket then waits in the desk's queue)."""
    if not handle:
        return None
    assignee: Staff | None = session.execute(select(Staff).where(col(Staff.handle) == handle)).scalar_one_or_none()
    if assignee is None or not assignee.active:
        return None
    ticket, target = _load(session, ticket_id, "assign")
    dispatch(session, ticket, assignee, status=target, now=now, actor=actor, reason=reason)
    return assignee.handle


def ack_ticket(*, session: Session, clock: Clock, actor: str, config: Config, ticket_id: int) -> dict:
    """The assignee acknowledges: the response clock stops."""
    who = require_actor(session, actor)
    ticket, target = _load(session, ticket_id, "ack")
    if ticket.assignee_id != who.id:
        owner = session.get(Staff, ticket.assignee_id)
        raise Conflict(_(
            "ticket {id} is assigned to {owner}, not {handle}; only the assignee acknowledges "
            "(or reassign it with `deskctl ticket assign {id} {handle}`)"
        ).format(id=ticket_id, owner=owner.handle if owner else _("nobody"), handle=who.handle))
    now = clock.now()
    record_breaches(session, ticket, now=now, actor=who.handle)
    ticket.acknowledged_at = ticket.acknowledged_at or now
    ticket.status = target
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="acknowledged", frm="assigned", to=target)
    return _view(session, ticket)


def add_note(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    ticket_id: int,
    text: str,
    to_user: bool = False,
) -> dict:
    """A work note; `to_user` marks it as feedback given to the reporting user."""
    who = require_actor(session, actor)
    ticket = get_ticket(session, ticket_id)
    text = clean_text(text, "note", config, required=True)
    now = clock.now()
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="feedback" if to_user else "note",
           text=text, to_user=to_user)
    return _view(session, ticket)


def _require_worker(session: Session, ticket: Ticket, who: Staff, action: str) -> None:
    """Work on a ticket is done by its assignee (or a supervisor stepping in)."""
    if who.role == "supervisor" or ticket.assignee_id == who.id:
        return
    owner = session.get(Staff, ticket.assignee_id) if ticket.assignee_id else None
    raise Conflict(_(
        "ticket {id} is assigned to {owner}; only the assignee or a supervisor may {action} it "
        "(reassign with `deskctl ticket assign {id} HANDLE`)"
    ).format(id=ticket.id, owner=owner.handle if owner else _("nobody"), action=pgettext("action", action)))


def wait_ticket(
    *, session: Session, clock: Clock, actor: str, config: Config, ticket_id: int, reason: str
) -> dict:
    """Pause the resolution clock while waiting for the user or a third party."""
    who = require_actor(session, actor)
    reason = clean_text(reason, "reason", config, required=True)
    ticket, target = _load(session, ticket_id, "wait")
    _require_worker(session, ticket, who, "pause")
    now = clock.now()
    record_breaches(session, ticket, now=now, actor=who.handle)
    ticket.status = target
    ticket.waiting_since = now
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="waiting", frm="in_progress", to=target,
           reason=reason)
    return _view(session, ticket)


def resume_ticket(
    *, session: Session, clock: Clock, actor: str, config: Config, ticket_id: int, tz: tzinfo
) -> dict:
    """Restart the resolution clock; its deadline moves by the paused (calendar) time."""
    who = require_actor(session, actor)
    ticket, target = _load(session, ticket_id, "resume")
    _require_worker(session, ticket, who, "resume")
    now = clock.now()
    calendar = calendar_from_config(config, tz)
    paused = calendar.seconds_between(ticket.waiting_since, now) if ticket.waiting_since else 0
    ticket.paused_seconds += paused
    ticket.waiting_since = None
    ticket.status = target
    _move_resolution_deadline(ticket, now=now, config=config, calendar=calendar)
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="resumed", frm="waiting", to=target,
           paused_seconds=paused)
    return _view(session, ticket)


def _move_resolution_deadline(ticket: Ticket, *, now: datetime, config: Config, calendar: sla.Calendar) -> None:
    if ticket.resolution_breached_at is not None:
        return  # a breach is a fact; the deadline that was missed stays as it was
    _response, resolution_target = targets(config, ticket.priority)
    used, _paused = sla.elapsed(calendar, opened_at=ticket.opened_at, end=now,
                          paused_seconds=ticket.paused_seconds, waiting_since=None)
    ticket.resolution_due_at = sla.deadline_after_pause(
        calendar, now=now, target_seconds=resolution_target, elapsed_seconds=used
    )


def escalate_ticket(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    ticket_id: int,
    reason: str,
    to: str | None = None,
    automatic: bool = False,
) -> dict:
    """Up one tier and reassign: to `to`, or to whom services/tickets/routing.py picks at this
    instant (the tier's technician on call, else its least-loaded technician), saying which
    rule picked them. The sweep (`automatic`) never takes an acknowledged ticket away from the
    person working it."""
    who_handle = actor if automatic else require_actor(session, actor).handle
    reason = clean_text(reason, "reason", config, required=True)
    ticket, _target = _load(session, ticket_id, "escalate")
    if automatic and ticket.acknowledged_at is not None:
        raise Conflict(_(
                "ticket {ticket_id} was acknowledged; it stays with the person working it"
            ).format(ticket_id=ticket_id))
    tier = next_tier(ticket.tier, pk(ticket))
    now = clock.now()
    target: Staff | None
    picked = None
    if to:
        target = get_staff(session, to)
        if not target.active:
            raise Conflict(_("{to} is deactivated; escalate to an active member").format(to=quote(to)))
        if target.tier < tier:
            raise InvalidInput(_("{to} works at tier {target_tier}; escalation goes to tier {tier} or above").format(
                to=to, target_tier=target.tier, tier=tier))
    else:
        pick = pick_escalation(session, tier=tier, at=now)
        target, picked = pick.who, pick.rule
    record_breaches(session, ticket, now=now, actor=who_handle)
    old = (ticket.status, ticket.tier)
    ticket.tier = target.tier if target else tier
    ticket.reassign_count += 1
    ticket.assignee_id = target.id if target else None
    ticket.status = "assigned" if target else "new"
    if automatic:
        ticket.auto_escalated_at = now
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who_handle, kind="escalated", frm=f"tier {old[1]}",
           to=f"tier {ticket.tier}", reason=reason, assignee=target.handle if target else None,
           status=ticket.status, automatic=automatic or None, picked=picked)
    view = _view(session, ticket)
    view["picked"] = picked or NAMED
    return view


def resolve_ticket(
    *, session: Session, clock: Clock, actor: str, config: Config, ticket_id: int, resolution: str
) -> dict:
    """The fault is fixed: the resolution clock stops and the user is asked to confirm."""
    who = require_actor(session, actor)
    resolution = clean_text(resolution, "resolution", config, required=True)
    ticket, target = _load(session, ticket_id, "resolve")
    _require_worker(session, ticket, who, "resolve")
    now = clock.now()
    record_breaches(session, ticket, now=now, actor=who.handle)
    ticket.status = target
    ticket.resolved_at = now
    ticket.resolved_by_id = who.id
    ticket.resolved_tier = ticket.tier
    ticket.resolution = resolution
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="resolved", frm="in_progress", to=target,
           resolution=resolution)
    return _view(session, ticket)


def confirm_ticket(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    ticket_id: int,
    rating: int | None = None,
    comment: str = "",
) -> dict:
    """The reporting user confirms the fault is fixed, with a satisfaction rating (1–5) or none
    (a user who just says "fixed"); the ticket closes. CSAT counts rated tickets only."""
    who = require_actor(session, actor)
    if rating is not None and (not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5):
        raise InvalidInput(_("rating {rating} is not 1 to 5").format(rating=rating))
    comment = clean_text(comment, "comment", config)
    ticket, target = _load(session, ticket_id, "confirm")
    now = clock.now()
    ticket.status = target
    ticket.closed_at = now
    ticket.confirmed = True
    ticket.rating = rating
    ticket.rating_comment = comment
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="confirmed", frm="resolved", to=target,
           rating=rating, comment=comment)
    return _view(session, ticket)


def reopen_ticket(
    *, session: Session, clock: Clock, actor: str, config: Config, ticket_id: int, reason: str,
    tz: tzinfo,
) -> dict:
    """The user is not satisfied: back to in progress; the time spent resolved does not count."""
    who = require_actor(session, actor)
    reason = clean_text(reason, "reason", config, required=True)
    ticket, target = _load(session, ticket_id, "reopen")
    now = clock.now()
    calendar = calendar_from_config(config, tz)
    if ticket.resolved_at:
        ticket.paused_seconds += calendar.seconds_between(ticket.resolved_at, now)
    ticket.status = target
    ticket.resolved_at = None
    ticket.resolved_by_id = None
    ticket.resolved_tier = None
    ticket.reopen_count += 1
    if ticket.acknowledged_at is None:
        ticket.acknowledged_at = now
    _move_resolution_deadline(ticket, now=now, config=config, calendar=calendar)
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="reopened", frm="resolved", to=target,
           reason=reason, reopen_count=ticket.reopen_count)
    return _view(session, ticket)


def close_unconfirmed(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    ticket_id: int,
    reason: str,
    automatic: bool = False,
) -> dict:
    """Close a resolved ticket without the user's confirmation, flagged as such."""
    who_handle = actor if automatic else require_actor(session, actor, roles=DISPATCHERS).handle
    reason = clean_text(reason, "reason", config, required=True)
    ticket, target = _load(session, ticket_id, "close")
    now = clock.now()
    ticket.status = target
    ticket.closed_at = now
    ticket.confirmed = False
    ticket.close_reason = reason
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who_handle, kind="closed_unconfirmed", frm="resolved",
           to=target, reason=reason)
    return _view(session, ticket)


def cancel_ticket(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    ticket_id: int,
    reason: str,
    duplicate_of: int | None = None,
    tz: tzinfo,
) -> dict:
    """Cancel an open ticket (a mistake, or a duplicate of another)."""
    who = require_actor(session, actor, roles=DISPATCHERS)
    reason = clean_text(reason, "reason", config, required=True)
    ticket, target = _load(session, ticket_id, "cancel")
    if duplicate_of is not None:
        if duplicate_of == ticket_id:
            raise InvalidInput(_("a ticket cannot be a duplicate of itself"))
        original = get_ticket(session, duplicate_of)
        ticket.duplicate_of_id = original.id
    now = clock.now()
    old = ticket.status
    ticket.status = target
    ticket.closed_at = now
    if ticket.waiting_since:  # the wait in progress stays a pause, as a resume would count it
        calendar = calendar_from_config(config, tz)
        ticket.paused_seconds += calendar.seconds_between(ticket.waiting_since, now)
    ticket.waiting_since = None
    ticket.cancel_reason = reason
    _touch(ticket, now)
    _event(session, ticket, at=now, actor=who.handle, kind="cancelled", frm=old, to=target,
           reason=reason, duplicate_of=duplicate_of)
    return _view(session, ticket)

