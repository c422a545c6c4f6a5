"""Time-based notifications (`notify run`, `ticket sweep`): what has become true by the passing
of time alone. Each fires once, ever, under a key (`notify_fired`): a ticket's clock at 75 %, a
breach, a shift nobody clocked in to, a handover nobody took over, an overdue inspection
occurrence, an overdue improvement. The scan runs in one write transaction, so two processes
looking at once cannot both fire a key. Only recent facts are looked at (the windows below), so
a desk that gets its first channel today is not flooded with last year's.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlalchemy import Date, String, column, literal, select, table
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.ticket_states import OPEN_STATUSES
from deskctl.i18n import _
from deskctl.services.notify.outbox import already_fired, composing, emit, has_channels, ticket_object, ticket_text
from deskctl.store.tables import Ticket, pk
from deskctl.store.types import UTCDateTime
from deskctl.timeparse import Clock, local_text

WARN_AT = 0.75
NO_CLOCK_IN_AFTER = timedelta(minutes=10)
SHIFT_LOOKBACK = timedelta(hours=12)
HANDOVER_LOOKBACK = timedelta(days=2)


# Light descriptions of the tables a scan asks "anything to look at?" first: a desk with no
# candidates then never defines the shift, inspection or people models (`notify run` from cron
# must not cost more than starting up; bench/bench_notify.py).
_SHIFT = table("shift", column("start_at", UTCDateTime()), column("clock_in_at", UTCDateTime()))
_HANDOVER = table("handover", column("created_at", UTCDateTime()), column("taken_over_at", UTCDateTime()))
_PLAN = table("inspection_plan", column("status", String()))
_IMPROVEMENT = table("improvement", column("status", String()), column("due", Date()))


def _any(session: Session, rows: object, *conditions: object) -> bool:
    query = select(literal(1)).select_from(rows).where(*conditions).limit(1)  # type: ignore[arg-type]
    return session.execute(query).first() is not None


def scan_time_events(*, session: Session, clock: Clock, config: Config, tz: tzinfo) -> int:
    """Write the notifications that time has made due; returns how many events fired. Their
    texts are in the desk's `notify.language`."""
    if not has_channels(session):
        return 0
    now = clock.now()
    fired = 0
    with composing(session):
        for scan in (_tickets, _shifts, _handovers, _inspections, _improvements):
            fired += scan(session, now, config, tz)
    return fired


def _tickets(session: Session, now: datetime, config: Config, tz: tzinfo) -> int:
    from deskctl.services.tickets.views import sla_clocks

    tickets = list(session.execute(
        select(Ticket).where(col(Ticket.status).in_(OPEN_STATUSES), col(Ticket.status) != "waiting")
        .where((col(Ticket.response_breached_at).is_(None) & col(Ticket.acknowledged_at).is_(None))
               | col(Ticket.resolution_breached_at).is_(None))
        .order_by(col(Ticket.id))
    ).scalars())
    due: list[tuple[Ticket, str, str]] = []  # ticket, clock, "warning" or "breached"
    for ticket in tickets:
        for name, c in sla_clocks(ticket, now=now, config=config, tz=tz).items():
            if not c.running or c.target_seconds <= 0 or c.breached_at is not None:
                continue
            if c.elapsed_seconds > c.target_seconds:
                due.append((ticket, name, "breached"))
            elif c.elapsed_seconds >= WARN_AT * c.target_seconds:
                due.append((ticket, name, "warning"))
    keys = {(pk(t), name, what): f"ticket:{t.id}:{name}:{what if what == 'breached' else '75'}"
            for t, name, what in due}
    done = already_fired(session, list(keys.values()))
    count = 0
    for ticket, name, what in due:
        key = keys[(pk(ticket), name, what)]
        if key in done:
            continue
        event = "ticket.breached" if what == "breached" else "ticket.sla_warning"
        view = ticket_object(session, ticket, now)
        due_at = getattr(ticket, f"{name}_due_at")
        text = ticket_text(event, view, local_text(now, tz), clock=name,
                           due=local_text(due_at, tz) if due_at else "?")
        assignee = [view["assignee"]] if view["assignee"] else []
        emit(session, now=now, event=event, text=text, obj=("ticket", view), priority=ticket.priority, key=key,
             audience={"assignee": assignee, "owner": assignee})
        count += 1
    return count


def _shifts(session: Session, now: datetime, config: Config, tz: tzinfo) -> int:
    if not _any(session, _SHIFT, _SHIFT.c.clock_in_at.is_(None), _SHIFT.c.start_at <= now - NO_CLOCK_IN_AFTER,
                _SHIFT.c.start_at > now - SHIFT_LOOKBACK):
        return 0
    from deskctl.services.shifts.views import view_of
    from deskctl.store.tables import Shift, Staff

    rows = list(session.execute(
        select(Shift, col(Staff.handle))
        .join(Staff, col(Staff.id) == col(Shift.staff_id))
        .where(col(Shift.clock_in_at).is_(None), col(Shift.start_at) <= now - NO_CLOCK_IN_AFTER,
               col(Shift.start_at) > now - SHIFT_LOOKBACK, col(Staff.active).is_(True))
        .order_by(col(Shift.start_at), col(Shift.id))
    ).all())
    keys = {pk(s): f"shift:{s.id}:no_clock_in" for s, _handle in rows}
    done = already_fired(session, list(keys.values()))
    count = 0
    for shift, handle in rows:
        if keys[pk(shift)] in done:
            continue
        view = view_of(session, shift, now=now, tz=tz, config=config)
        text = _("{handle} has not clocked in for the {type} shift that started at {start}. Clock in: deskctl "
                 "shift clock-in (or cover it: deskctl shift cover {id} --by HANDLE)").format(
            handle=handle, type=view.get("type", ""), start=local_text(shift.start_at, tz), id=shift.id)
        emit(session, now=now, event="shift.no_clock_in", text=text, obj=("shift", view),
             key=keys[pk(shift)], audience={"person": [handle]})
        count += 1
    return count


def _handovers(session: Session, now: datetime, config: Config, tz: tzinfo) -> int:
    window = config.duration("shift.handover_window")
    if not _any(session, _HANDOVER, _HANDOVER.c.taken_over_at.is_(None), _HANDOVER.c.created_at <= now - window,
                _HANDOVER.c.created_at > now - HANDOVER_LOOKBACK):
        return 0
    from deskctl.services.people.staff import handles_by_id
    from deskctl.services.shifts.handover import handover_view
    from deskctl.store.tables import Handover

    rows = list(session.execute(
        select(Handover).where(col(Handover.taken_over_at).is_(None), col(Handover.created_at) <= now - window,
                               col(Handover.created_at) > now - HANDOVER_LOOKBACK)
        .order_by(col(Handover.id))
    ).scalars())
    keys = {pk(h): f"handover:{h.id}:not_taken" for h in rows}
    done = already_fired(session, list(keys.values()))
    handles = handles_by_id(session) if rows else {}
    count = 0
    for row in rows:
        if keys[pk(row)] in done:
            continue
        outgoing = handles.get(row.from_staff_id, "?")
        incoming = handles.get(row.to_staff_id) if row.to_staff_id else None
        if incoming:
            msg = _("Handover {id} from {outgoing} at {at} has not been taken over by {incoming}. "
                    "Take it over: deskctl shift takeover")
        else:
            msg = _("Handover {id} from {outgoing} at {at} has not been taken over. Take it over: deskctl shift "
                    "takeover")
        text = msg.format(id=row.id, outgoing=outgoing, at=local_text(row.created_at, tz), incoming=incoming)
        emit(session, now=now, event="handover.not_taken", text=text, obj=("handover", handover_view(row, handles)),
             key=keys[pk(row)], audience={"officers": [h for h in (outgoing, incoming) if h]})
        count += 1
    return count


def _inspections(session: Session, now: datetime, config: Config, tz: tzinfo) -> int:
    if not _any(session, _PLAN, _PLAN.c.status == "active"):
        return 0
    from deskctl.services.inspections.due import list_due

    rows = [r for r in list_due(session=session, now=now, tz=tz) if r["state"] == "overdue"]
    keys = {i: f"inspection:{r['plan']}:{r['due_at'].isoformat()}:overdue" for i, r in enumerate(rows)}
    done = already_fired(session, list(keys.values()))
    count = 0
    for i, row in enumerate(rows):
        if keys[i] in done:
            continue
        text = _("Inspection {plan} ({target}) due at {due} is overdue. Run it: deskctl inspect run {plan}").format(
            plan=row["plan"], target=row["target"], due=local_text(row["due_at"], tz))
        emit(session, now=now, event="inspection.overdue", text=text, obj=("inspection", row), key=keys[i],
             priority=row.get("priority") or "", audience={"owner": [row["owner"]] if row.get("owner") else []})
        count += 1
    return count


def _improvements(session: Session, now: datetime, config: Config, tz: tzinfo) -> int:
    today = now.astimezone(tz).date()
    if not _any(session, _IMPROVEMENT, _IMPROVEMENT.c.status == "open", _IMPROVEMENT.c.due < today):
        return 0
    from deskctl.services.people.staff import handles_by_id
    from deskctl.store.tables import Improvement

    rows = list(session.execute(
        select(Improvement).where(col(Improvement.status) == "open", col(Improvement.due) < today)
        .order_by(col(Improvement.id))
    ).scalars())
    keys = {pk(r): f"improvement:{r.id}:overdue" for r in rows}
    done = already_fired(session, list(keys.values()))
    names = handles_by_id(session) if rows else {}
    count = 0
    for row in rows:
        if keys[pk(row)] in done:
            continue
        owner = names.get(row.owner_id)
        view = {"id": row.id, "title": row.title, "problem": row.problem, "action": row.action, "owner": owner,
                "due": row.due, "status": row.status, "days_overdue": (today - row.due).days}
        text = _('Improvement {id} "{title}" (owner {owner}) was due on {due}. '
                 "Close it: deskctl improve done {id} --outcome TEXT").format(
            id=row.id, title=row.title, owner=owner, due=row.due.isoformat())
        emit(session, now=now, event="improvement.overdue", text=text, obj=("improvement", view), key=keys[pk(row)],
             audience={"owner": [owner] if owner else []})
        count += 1
    return count
