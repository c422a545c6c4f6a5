"""Reading tickets: the view of one ticket with its SLA clocks and timeline, lists, filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain import sla
from deskctl.domain.ticket_states import OPEN_STATUSES, PRIORITIES, STATUSES, check_priority
from deskctl.errors import InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.services.audit import event_view
from deskctl.services.people.staff import get_staff, handles_by_id
from deskctl.services.tickets.sla import calendar_from_config, targets
from deskctl.store.tables import Event, Ticket, pk
from deskctl.timeparse import Clock


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(_(
                "no ticket {ticket_id} (see `deskctl ticket list --status all`)"
            ).format(ticket_id=ticket_id))
    return ticket


def sla_clocks(ticket: Ticket, *, now: datetime, config: Config, tz: tzinfo) -> dict[str, sla.Clock]:
    """The response and resolution clocks of a ticket as they stand at `now`."""
    calendar = calendar_from_config(config, tz)
    response_target, resolution_target = targets(config, ticket.priority)
    finished = ticket.status in ("cancelled",)
    cancel_end = ticket.closed_at or now
    response_end = ticket.acknowledged_at or (cancel_end if finished else now)
    response_elapsed = calendar.seconds_between(ticket.opened_at, response_end)
    response = sla.Clock(
        target_seconds=response_target,
        elapsed_seconds=response_elapsed,
        paused_seconds=0,
        due_at=ticket.response_due_at,
        stopped_at=ticket.acknowledged_at or (cancel_end if finished else None),
        breached_at=ticket.response_breached_at,
        running=ticket.acknowledged_at is None and not finished,
    )
    resolution_end = ticket.resolved_at or (cancel_end if finished else now)
    waiting_since = ticket.waiting_since if ticket.status == "waiting" else None
    resolution_elapsed, paused = sla.elapsed(
        calendar,
        opened_at=ticket.opened_at,
        end=resolution_end,
        paused_seconds=ticket.paused_seconds,
        waiting_since=waiting_since,
    )
    resolution = sla.Clock(
        target_seconds=resolution_target,
        elapsed_seconds=resolution_elapsed,
        paused_seconds=paused,
        due_at=None if waiting_since else ticket.resolution_due_at,
        stopped_at=ticket.resolved_at or (cancel_end if finished else None),
        breached_at=ticket.resolution_breached_at,
        running=ticket.resolved_at is None and waiting_since is None and not finished,
    )
    return {"response": response, "resolution": resolution}


def clock_view(clock: sla.Clock) -> dict:
    """One clock as read now. `state` is derived at this instant (a running clock past its due
    time reads `breached` at once); `breached_at` is the recorded fact, set by the first command
    that touches the ticket after the deadline (`ticket sweep`, or any lifecycle command).
    `breach_recorded` says which of the two a `breached` state rests on (None when not breached)."""
    state = clock.state
    return {
        "state": state,
        "breach_recorded": (clock.breached_at is not None) if state == "breached" else None,
        "target_seconds": clock.target_seconds,
        "elapsed_seconds": clock.elapsed_seconds,
        "paused_seconds": clock.paused_seconds,
        "remaining_seconds": clock.remaining_seconds,
        "due_at": clock.due_at,
        "stopped_at": clock.stopped_at,
        "breached_at": clock.breached_at,
    }


def ticket_view(ticket: Ticket, handles: dict[int, str]) -> dict:
    return {
        "id": ticket.id,
        "title": ticket.title,
        "status": ticket.status,
        "priority": ticket.priority,
        "tier": ticket.tier,
        "assignee": handles.get(ticket.assignee_id) if ticket.assignee_id else None,
        "reporter": ticket.reporter,
        "contact": ticket.contact,
        "system": ticket.system,
        "category": ticket.category,
        "channel": ticket.channel,
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "description": ticket.description,
        "opened_at": ticket.opened_at,
        "opened_by": handles.get(ticket.opened_by_id) if ticket.opened_by_id else None,
        "acknowledged_at": ticket.acknowledged_at,
        "resolved_at": ticket.resolved_at,
        "resolved_by": handles.get(ticket.resolved_by_id) if ticket.resolved_by_id else None,
        "closed_at": ticket.closed_at,
        "resolution": ticket.resolution,
        "rating": ticket.rating,
        "rating_comment": ticket.rating_comment,
        "confirmed": ticket.confirmed,
        "close_reason": ticket.close_reason,
        "cancel_reason": ticket.cancel_reason,
        "duplicate_of": ticket.duplicate_of_id,
        "reopen_count": ticket.reopen_count,
        "escalated": ticket.auto_escalated_at is not None,
        "version": ticket.version,
    }


def show_ticket(*, session: Session, clock: Clock, config: Config, tz: tzinfo, ticket_id: int) -> dict:
    ticket = get_ticket(session, ticket_id)
    view = ticket_view(ticket, handles_by_id(session, (ticket.assignee_id, ticket.opened_by_id, ticket.resolved_by_id)))
    clocks = sla_clocks(ticket, now=clock.now(), config=config, tz=tz)
    view["sla"] = {name: clock_view(c) for name, c in clocks.items()}
    events = session.execute(
        select(Event).where(col(Event.entity) == "ticket", col(Event.entity_id) == ticket_id).order_by(col(Event.id))
    ).scalars()
    view["timeline"] = [
        {k: v for k, v in event_view(e).items() if k not in ("entity", "entity_id")} for e in events
    ]
    return view


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


LIST_CHUNK = 1000  # rows read from the database at a time by the lists that stream


def list_tickets(*, session: Session, clock: Clock, **filters: Any) -> list[dict]:
    """`iter_tickets` as a list (for callers that want every row at once)."""
    return list(iter_tickets(session=session, clock=clock, **filters))


def iter_tickets(
    *,
    session: Session,
    clock: Clock,
    statuses: list[str] | None = None,
    priority: str | None = None,
    assignee: str | None = None,
    system: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    breached: bool = False,
    search: str | None = None,
    limit: int = 50,
    reporter: str | None = None,
) -> Iterator[dict]:
    """Newest first. No status given = the open ones; `all` = every status.

    The filters are checked here, at once (a bad one raises before any row); the rows come
    from the database LIST_CHUNK at a time as they are read, so any limit runs in constant memory.
    """
    now = clock.now()
    wanted = _statuses(statuses)
    query = select(Ticket)
    if wanted is not None:
        query = query.where(col(Ticket.status).in_(wanted) if len(wanted) > 1 else col(Ticket.status) == wanted[0])
    if priority:
        query = query.where(col(Ticket.priority) == check_priority(priority))
    if assignee:
        query = query.where(col(Ticket.assignee_id) == get_staff(session, assignee).id)
    if system:
        query = query.where(col(Ticket.system) == system)
    if since:
        query = query.where(col(Ticket.opened_at) >= since)
    if until:
        query = query.where(col(Ticket.opened_at) < until)
    if since and until and until <= since:
        raise InvalidInput(_("--until must be after --since"))
    if breached:
        query = query.where(breached_clause(now))
    if search and search.strip():
        from deskctl.store.search import ticket_search_clause

        query = query.where(ticket_search_clause(session, search))  # title, description, reporter, notes, resolution
    if reporter and reporter.strip():
        query = query.where(col(Ticket.reporter).ilike(_like(reporter.strip()), escape="\\"))
    query = query.order_by(col(Ticket.opened_at).desc(), col(Ticket.id).desc()).limit(limit)
    return _ticket_rows(session, query, now, search=search if search and search.strip() else None)


def _ticket_rows(session: Session, query: Select[Ticket], now: datetime, *, search: str | None) -> Iterator[dict]:
    handles: dict[int, str] = {}
    result = session.execute(query.execution_options(yield_per=LIST_CHUNK)).scalars()
    for tickets in result.partitions():
        unknown = {t.assignee_id for t in tickets if t.assignee_id and t.assignee_id not in handles}
        if unknown:
            handles.update(handles_by_id(session, unknown))
        found: dict[int, str] = {}
        if search is not None:  # where each one matched, for the table's `match` column
            from deskctl.store.search import matching_snippets

            found = matching_snippets(session, [pk(t) for t in tickets], search)
        for ticket in tickets:  # the session keeps rows weakly: those shown are let go
            row = list_row(ticket, handles, now)
            if search is not None:
                row["match"] = found.get(pk(ticket), "")
            yield row


# Where each SLA clock runs (docs/design.md §3): response until the first acknowledgement, resolution
# until resolved. One definition for the Python checks and the SQL filters below.
RESPONSE_CLOCK_STATUSES = ("new", "assigned")
RESOLUTION_CLOCK_STATUSES = ("new", "assigned", "in_progress")


def response_running(ticket: Ticket) -> bool:
    return ticket.status in RESPONSE_CLOCK_STATUSES and ticket.acknowledged_at is None


def response_running_sql() -> ColumnElement[bool]:
    return and_(col(Ticket.status).in_(RESPONSE_CLOCK_STATUSES), col(Ticket.acknowledged_at).is_(None))


def resolution_running(ticket: Ticket) -> bool:
    return ticket.status in RESOLUTION_CLOCK_STATUSES


def resolution_running_sql() -> ColumnElement[bool]:
    return col(Ticket.status).in_(RESOLUTION_CLOCK_STATUSES)


def breached_clause(now: datetime) -> ColumnElement[bool]:
    """Recorded breaches, and clocks that have run past their deadline but sweep has not seen."""
    return or_(
        col(Ticket.response_breached_at).is_not(None),
        col(Ticket.resolution_breached_at).is_not(None),
        and_(response_running_sql(), col(Ticket.response_due_at) < now),
        and_(resolution_running_sql(), col(Ticket.resolution_due_at) < now),
    )


def list_row(ticket: Ticket, handles: dict[int, str], now: datetime) -> dict:
    breached = bool(
        ticket.response_breached_at
        or ticket.resolution_breached_at
        or (response_running(ticket) and ticket.response_due_at and ticket.response_due_at < now)
        or (resolution_running(ticket) and ticket.resolution_due_at and ticket.resolution_due_at < now)
    )
    due = None
    if response_running(ticket):
        due = ticket.response_due_at
    elif resolution_running(ticket):
        due = ticket.resolution_due_at  # acknowledged: the resolution clock is what runs
    return {
        "id": ticket.id,
        "priority": ticket.priority,
        "status": ticket.status,
        "tier": ticket.tier,
        "assignee": handles.get(ticket.assignee_id) if ticket.assignee_id else None,
        "system": ticket.system,
        "title": ticket.title,
        "reporter": ticket.reporter,
        "opened_at": ticket.opened_at,
        "due_at": due,
        "breached": breached,
    }


def _statuses(statuses: list[str] | None) -> list[str] | None:
    if not statuses:
        return list(OPEN_STATUSES)
    out: list[str] = []
    for raw in statuses:
        for part in raw.split(","):
            value = part.strip().lower().replace("-", "_")
            if value == "all":
                return None
            if value == "open":
                out.extend(OPEN_STATUSES)
                continue
            if value not in STATUSES:
                raise InvalidInput(_("unknown status {status} (use {statuses}, open or all)").format(
                    status=quote(part), statuses=", ".join(STATUSES)))
            out.append(value)
    return list(dict.fromkeys(out))


def open_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(col(Ticket.priority), func.count())
        .where(col(Ticket.status).in_(OPEN_STATUSES))
        .group_by(Ticket.priority)
    ).all()
    counts = {p: 0 for p in PRIORITIES}
    counts.update(dict(rows))
    return counts


def at_risk_clause(now: datetime, config: Config, tz: tzinfo) -> ColumnElement[bool]:
    """A running clock in the last (1 - sla.at_risk) of its target: its deadline falls before the
    instant that much counting time from now (the SLA calendar decides, per priority). Paused
    clocks do not run out. Callers add `not breached_clause(now)`."""
    from deskctl.store.types import UTCDateTime

    spare = 1 - float(config.get("sla.at_risk"))
    calendar = calendar_from_config(config, tz)

    def edge(which: int) -> ColumnElement[datetime]:
        return case({p: literal(calendar.add(now, int(spare * targets(config, p)[which])), UTCDateTime())
                     for p in PRIORITIES}, value=col(Ticket.priority))

    return or_(
        and_(response_running_sql(), col(Ticket.response_due_at) <= edge(0)),
        and_(resolution_running_sql(), col(Ticket.resolution_due_at) <= edge(1)),
    )


STATUS_COLUMNS = ("id", "priority", "status", "assignee", "title", "due_at")


def status_section(
    *, session: Session, now: datetime, actor: str, config: Config, tz: tzinfo, limit: int | None = 20
) -> dict:
    """Open tickets by priority, SLA breached and at risk, and the acting user's tickets: counts
    from one pass over the open tickets, then at most `limit` rows of each, most urgent first
    (no open ticket is loaded that is not shown)."""
    handles = handles_by_id(session)
    me = next((i for i, h in handles.items() if h == actor), None)
    is_open = col(Ticket.status).in_(OPEN_STATUSES)
    breached = breached_clause(now)
    risky = at_risk_clause(now, config, tz)
    at_risk = and_(~breached, risky)
    mine = col(Ticket.assignee_id) == me if me is not None else None
    # one pass, each row's SLA state worked out once: "b" breached, "r" at risk
    state = case((breached, "b"), (risky, "r"), else_="").label("state")
    mine_flag = (case((mine, 1), else_=0) if mine is not None else literal(0)).label("mine")
    rows = select(col(Ticket.priority).label("priority"), state, mine_flag).where(is_open).subquery()
    counts = session.execute(
        select(rows.c.priority, rows.c.state, rows.c.mine, func.count())
        .group_by(rows.c.priority, rows.c.state, rows.c.mine)
    ).all()
    by_priority = {p: 0 for p in PRIORITIES}
    totals = [0, 0, 0]
    for priority, sla_state, is_mine, n in counts:
        by_priority[priority] = by_priority.get(priority, 0) + n
        totals[0] += n if sla_state == "b" else 0
        totals[1] += n if sla_state == "r" else 0
        totals[2] += n if is_mine else 0

    def top(where: ColumnElement[bool] | None, n: int) -> list[dict]:
        if where is None or n == 0:
            return []
        query = select(Ticket).where(is_open, where).order_by(
            col(Ticket.priority), col(Ticket.opened_at), col(Ticket.id))
        rows = session.execute(query.limit(min(n, limit) if limit is not None else n)).scalars()
        return [{k: r[k] for k in STATUS_COLUMNS} for r in (list_row(t, handles, now) for t in rows)]

    return {
        "open_tickets": by_priority,
        "open_total": sum(by_priority.values()),
        "sla_breached_count": totals[0],
        "sla_breached": top(breached, totals[0]),
        "sla_at_risk_count": totals[1],
        "sla_at_risk": top(at_risk, totals[1]),
        "my_tickets_count": totals[2],
        "my_tickets": top(mine, totals[2]),
        "alerts": [(20, f"{totals[0]} SLA breached")] if totals[0] else [],
    }
