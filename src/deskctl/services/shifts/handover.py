"""Handover between shifts: the outgoing officer's note compiled with the desk's open work.

`handover` (outgoing officer) compiles, most urgent first: the tickets whose SLA is breached
(recorded, or a running clock already past its deadline), the open tickets by priority with
each one's next deadline, SLA deadlines falling in the next shift, inspections overdue or due
now and those due in the next shift, and the free-text note; it stores them in the handover
table as they were at that moment. `takeover` (incoming officer) acknowledges it; one
not taken over within `shift.handover_window` shows in `deskctl status`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.ticket_states import OPEN_STATUSES
from deskctl.errors import Conflict, NotFound
from deskctl.i18n import _
from deskctl.services.inputs import clean_text
from deskctl.services.inspections.due import due_occurrences
from deskctl.services.inspections.due import list_due as due_now
from deskctl.services.people.staff import handles_by_id, require_actor
from deskctl.services.shifts.teams import desk_duty
from deskctl.services.shifts.views import MAX_SHIFT
from deskctl.services.tickets.views import resolution_running, response_running
from deskctl.store import audit
from deskctl.store.tables import Handover, Shift, ShiftType, Staff, Ticket, pk
from deskctl.timeparse import Clock

PRIORITY_ORDER = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _running_deadlines(t: Ticket) -> list[tuple[str, datetime]]:
    """The deadlines of a ticket's clocks that are running (response before acknowledgement,
    resolution unless waiting or resolved)."""
    out = []
    if response_running(t) and t.response_due_at is not None:
        out.append(("response", t.response_due_at))
    if resolution_running(t) and t.resolved_at is None and t.resolution_due_at is not None:
        out.append(("resolution", t.resolution_due_at))
    return out


def _breaches(t: Ticket, now: datetime) -> list[tuple[str, datetime, bool]]:
    """(clock, deadline, recorded) for each breached clock: recorded, or running past due."""
    out = []
    for clock in ("response", "resolution"):
        recorded = getattr(t, f"{clock}_breached_at")
        if recorded is not None:
            out.append((clock, recorded, True))
    for clock, due in _running_deadlines(t):
        if due < now and not any(c == clock for c, _due, _recorded in out):
            out.append((clock, due, False))
    return out


def _open_tickets(session: Session, handles: dict[int, str], now: datetime) -> tuple[list[dict], list[dict]]:
    """The open tickets by priority (each with its next deadline and whether it is breached), and
    the breached clocks, oldest deadline first."""
    rows = session.execute(
        select(Ticket)
        .where(col(Ticket.status).in_(OPEN_STATUSES))
        .order_by(col(Ticket.priority), col(Ticket.opened_at))
    ).scalars().all()
    tickets: list[dict] = []
    breached: list[dict[str, Any]] = []
    for t in rows:
        assignee = handles.get(t.assignee_id, "") if t.assignee_id else ""
        found = _breaches(t, now)
        deadlines = _running_deadlines(t)
        tickets.append({
            "id": t.id,
            "priority": t.priority,
            "status": t.status,
            "title": t.title,
            "system": t.system,
            "assignee": assignee,
            "due_at": _iso(min(d for _clock, d in deadlines)) if deadlines else None,
            "breached": bool(found),
            "opened_at": _iso(t.opened_at),
        })
        breached += [{"ticket": t.id, "priority": t.priority, "deadline": clock, "due_at": due,
                      "recorded": recorded, "status": t.status, "assignee": assignee, "title": t.title}
                     for clock, due, recorded in found]
    breached.sort(key=lambda b: (b["due_at"], b["ticket"]))
    return tickets, [{**b, "due_at": _iso(b["due_at"])} for b in breached]


def _sla_deadlines(session: Session, start: datetime, end: datetime) -> list[dict]:
    rows = session.execute(
        select(Ticket).where(
            col(Ticket.status).in_(OPEN_STATUSES),
            or_(
                col(Ticket.response_due_at).between(start, end) & col(Ticket.acknowledged_at).is_(None),
                col(Ticket.resolution_due_at).between(start, end) & (col(Ticket.status) != "waiting"),
            ),
        )
    ).scalars()
    out = []
    for t in rows:
        if t.acknowledged_at is None and t.response_due_at and start <= t.response_due_at <= end:
            out.append({"ticket": t.id, "priority": t.priority, "deadline": "response",
                        "due_at": _iso(t.response_due_at), "title": t.title})
        if t.status != "waiting" and t.resolution_due_at and start <= t.resolution_due_at <= end:
            out.append({"ticket": t.id, "priority": t.priority, "deadline": "resolution",
                        "due_at": _iso(t.resolution_due_at), "title": t.title})
    return sorted(out, key=lambda d: d["due_at"])


def _inspections_due(session: Session, tz: tzinfo, now: datetime, start: datetime, end: datetime) -> list[dict]:
    """Occurrences owed now with no run (`overdue`, or `due` within the grace), then those due in
    the next shift (`upcoming`), each with the person responsible."""
    keys = ("plan", "target", "due_at", "state", "owner")
    rows = [{k: occ[k] for k in keys} for occ in due_now(session=session, now=now, tz=tz)]
    seen = {(r["plan"], r["due_at"]) for r in rows}
    for occ in due_occurrences(session=session, tz=tz, start=start, end=end):
        if (occ["plan"], occ["due_at"]) not in seen and occ["due_at"] > now:
            rows.append({**{k: occ.get(k) for k in keys}, "state": "upcoming"})
    return [{k: _iso(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in rows]


def _my_shift(session: Session, me: Staff, now: datetime, window: timedelta) -> Shift:
    shift: Shift | None = session.execute(
        select(Shift)
        .where(
            col(Shift.staff_id) == me.id,
            col(Shift.start_at) <= now,
            col(Shift.start_at) > now - MAX_SHIFT - window,
            col(Shift.end_at) > now - window,
            desk_duty(),
        )
        .order_by(col(Shift.start_at).desc())
        .limit(1)
    ).scalar()
    if shift is None:
        raise Conflict(_("you have no shift in progress (or just ended) to hand over; see `deskctl shift mine`"))
    return shift


def handover(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, note: str = ""
) -> dict:
    me = require_actor(session, actor)
    now = clock.now()
    window = config.duration("shift.handover_window")
    shift = _my_shift(session, me, now, window)
    done = session.execute(select(Handover).where(col(Handover.shift_id) == shift.id)).scalar()
    if done is not None:
        raise Conflict(_(
            "you handed shift {id} over at {time} already; see it with `deskctl shift handover --show`"
        ).format(id=shift.id, time=f"{done.created_at.astimezone(tz):%H:%M}"))
    note = clean_text(note, _("the handover note"), config)
    candidates = session.execute(
        select(Shift, col(Staff.handle))
        .join(Staff, col(Shift.staff_id) == col(Staff.id))
        .where(
            col(Shift.staff_id) != me.id,
            col(Shift.start_at) > shift.start_at,
            col(Shift.start_at) <= shift.end_at + config.duration("shift.clock_window"),
            desk_duty(),
        )
        .order_by(col(Shift.start_at), col(Staff.handle))
    ).all()
    first_start = candidates[0][0].start_at if candidates else None
    incoming = [(s, h) for s, h in candidates if s.start_at == first_start]
    if incoming:
        next_start = max(now, incoming[0][0].start_at)
        next_end = max(s.end_at for s, _handle in incoming)
    else:
        next_start, next_end = now, max(now, shift.end_at) + (shift.end_at - shift.start_at)
    handles = handles_by_id(session)
    open_tickets, breached = _open_tickets(session, handles, now)
    type_names = dict(session.execute(select(col(ShiftType.id), col(ShiftType.name))).all())
    summary: dict[str, Any] = {
        "shift": {"id": shift.id, "type": type_names.get(shift.type_id), "start_at": _iso(shift.start_at),
                  "end_at": _iso(shift.end_at)},
        "next_shift": {
            "start_at": _iso(incoming[0][0].start_at) if incoming else None,
            "end_at": _iso(next_end) if incoming else None,
            "who": [h for _shift, h in incoming],
        },
        "breached": breached,
        "open_tickets": open_tickets,
        "sla_deadlines": _sla_deadlines(session, next_start, next_end),
        "inspections_due": _inspections_due(session, tz, now, next_start, next_end),
    }
    row = Handover(
        shift_id=shift.id, from_staff_id=pk(me),
        to_staff_id=incoming[0][0].staff_id if incoming else None,
        note=note, summary=json.dumps(summary, ensure_ascii=False), created_at=now,
    )
    session.add(row)
    session.flush()
    audit.append(
        session, at=now, actor=me.handle, entity="handover", entity_id=row.id, kind="handed_over",
        from_value=me.handle, to_value=handles.get(row.to_staff_id) if row.to_staff_id else None,
        details={"shift_id": shift.id, "breached": len(breached), "open_tickets": len(summary["open_tickets"]),
                 "sla_deadlines": len(summary["sla_deadlines"]), "note": note},
    )
    return handover_view(row, handles)


def takeover(*, session: Session, clock: Clock, actor: str, config: Config) -> dict:
    """The incoming officer acknowledges the newest handover meant for them: addressed to them,
    to anybody on the next shift, or to nobody in particular (no next shift was planned)."""
    me = require_actor(session, actor)
    now = clock.now()
    recent = session.execute(
        select(Handover)
        .where(col(Handover.from_staff_id) != me.id)
        .order_by(col(Handover.created_at).desc(), col(Handover.id).desc())
        .limit(20)
    ).scalars()
    last = next((h for h in recent if _meant_for(h, me)), None)
    if last is None:
        raise Conflict(_(
                "no handover is waiting for you; the outgoing officer runs `deskctl shift handover` first"
            ))
    if last.taken_over_at is not None:
        raise Conflict(
            _(
                "handover {id} was taken over already; see it with `deskctl shift handover --show`"
            ).format(id=last.id)
        )
    last.taken_over_at = now
    last.taken_over_by_id = me.id
    handles = handles_by_id(session)
    audit.append(
        session, at=now, actor=me.handle, entity="handover", entity_id=last.id, kind="taken_over",
        from_value=handles.get(last.from_staff_id), to_value=me.handle,
        details={"waited_seconds": int((now - last.created_at).total_seconds())},
    )
    return handover_view(last, handles)


def _meant_for(row: Handover, me: Staff) -> bool:
    if row.to_staff_id is None or row.to_staff_id == me.id:
        return True
    incoming = json.loads(row.summary or "{}").get("next_shift", {}).get("who") or []
    return me.handle in incoming


def last_handover(*, session: Session) -> dict:
    row = session.execute(
        select(Handover).order_by(col(Handover.created_at).desc(), col(Handover.id).desc()).limit(1)
    ).scalar()
    if row is None:
        raise NotFound(_("no handover on record yet; the outgoing officer runs `deskctl shift handover`"))
    return handover_view(row, handles_by_id(session))


def _instants(value: Any) -> Any:
    """Summary instants were stored as ISO text; give them back as datetimes for display."""
    if isinstance(value, dict):
        return {
            k: datetime.fromisoformat(v) if k.endswith("_at") and isinstance(v, str) else _instants(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_instants(v) for v in value]
    return value


def handover_view(row: Handover, handles: dict[int, str]) -> dict:
    summary = _instants(json.loads(row.summary or "{}"))
    return {
        "id": row.id,
        "shift_id": row.shift_id,
        "from": handles.get(row.from_staff_id, ""),
        "to": handles.get(row.to_staff_id, "") if row.to_staff_id else "",
        "created_at": row.created_at,
        "taken_over_at": row.taken_over_at,
        "taken_over_by": handles.get(row.taken_over_by_id, "") if row.taken_over_by_id else "",
        "note": row.note,
        "next_shift": summary.get("next_shift", {}),
        "breached": summary.get("breached", []),
        "open_tickets": summary.get("open_tickets", []),
        "sla_deadlines": summary.get("sla_deadlines", []),
        "inspections_due": summary.get("inspections_due", []),
    }
