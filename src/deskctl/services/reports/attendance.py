"""`report attendance`: per person shifts, hours, late arrivals, early leaves, no-shows.

The same rules as the rota (docs/design.md §4): late = clocked in more than `shift.grace` after the
start; early = clocked out more than the grace before the end; no-show = no clock-in by the
end of the shift. A shift belongs to the period in which it **starts**, and counts once it has
ended by the time of the report (`now`, not the period's end: a night that starts on the last
evening of a week ends in the next one and still counts in the week it started). A shift still
running is listed as on duty, not judged. The daily page and `report performance` count with
`per_person` too, so the three agree. On-call shifts are standby, never clocked: they are not
attendance (docs/design.md §4).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.periods import Period
from deskctl.services.reports import common
from deskctl.services.reports.common import count_if, in_period, seconds_between
from deskctl.services.shifts.teams import desk_duty
from deskctl.store.tables import Shift, ShiftType, Staff


def _facts(grace: timedelta) -> tuple[ColumnElement[bool], ...]:
    g = grace.total_seconds()
    ci, co = col(Shift.clock_in_at), col(Shift.clock_out_at)
    late = ci.is_not(None) & (seconds_between(col(Shift.start_at), ci) > g)
    early = co.is_not(None) & (seconds_between(co, col(Shift.end_at)) > g)
    no_show = ci.is_(None)
    no_out = ci.is_not(None) & co.is_(None)
    return late, early, no_show, no_out


def per_person(session: Session, *, period: Period, now: datetime, grace: timedelta) -> dict[int, dict]:
    """staff id → shifts that started in the period and ended by `now` (the time of the report),
    with their attendance facts, one GROUP BY."""
    late, early, no_show, no_out = _facts(grace)
    ci, co = Shift.clock_in_at, Shift.clock_out_at
    worked = func.coalesce(func.sum(
        func.coalesce(seconds_between(ci, co), 0.0)
    ), 0.0)
    late_part = case((late, seconds_between(col(Shift.start_at), ci)), else_=0.0)
    early_part = case((early, seconds_between(co, col(Shift.end_at))), else_=0.0)
    length = seconds_between(col(Shift.start_at), col(Shift.end_at))
    # kpi.shift_lost in SQL: a no-show loses the shift, lateness and early leave their share of it
    share = case((length > 0, (late_part + early_part) / length), else_=0.0)
    lost = case((no_show, 1.0), (share > 1.0, 1.0), else_=share)
    rows = session.execute(
        select(col(Shift.staff_id), func.count(), func.sum(length), worked,
               count_if(late), count_if(early), count_if(no_show), count_if(no_out),
               func.coalesce(func.sum(late_part), 0.0), func.coalesce(func.sum(early_part), 0.0),
               func.coalesce(func.sum(lost), 0.0))
        .where(in_period(col(Shift.start_at), period), col(Shift.end_at) <= now, desk_duty())
        .group_by(col(Shift.staff_id))
    ).all()
    out = {}
    for sid, n, scheduled, worked_s, n_late, n_early, n_no, n_out, late_s, early_s, lost_s in rows:
        out[sid] = {
            "shifts": n, "scheduled_seconds": int(round(scheduled or 0)), "worked_seconds": int(round(worked_s or 0)),
            "late": n_late, "early": n_early, "no_show": n_no, "no_clock_out": n_out,
            "late_seconds": int(round(late_s or 0)), "early_seconds": int(round(early_s or 0)),
            "shifts_lost": float(lost_s or 0.0),
        }
    return out


def anomalies(session: Session, *, start: datetime, end: datetime, now: datetime, grace: timedelta,
              overlapping: bool = False) -> list[dict]:
    """Ended shifts with something to say (late, early, no-show, no clock-out), oldest first:
    the shifts `per_person` counts."""
    late, early, no_show, no_out = _facts(grace)
    span = (and_(col(Shift.start_at) < end, col(Shift.end_at) > start) if overlapping
            else and_(col(Shift.start_at) >= start, col(Shift.start_at) < end))
    rows = session.execute(
        select(col(Shift.id), col(Staff.handle), col(ShiftType.name), col(Shift.day), col(Shift.start_at),
               col(Shift.end_at), col(Shift.clock_in_at), col(Shift.clock_out_at))
        .join(Staff, col(Staff.id) == col(Shift.staff_id)).join(ShiftType, col(ShiftType.id) == col(Shift.type_id))
        .where(span, col(Shift.end_at) <= now, late | early | no_show | no_out, col(ShiftType.team).is_(None))
        .order_by(col(Shift.start_at), col(Staff.handle))
    ).all()
    out = []
    for sid, handle, type_name, day, s, e, ci, co in rows:
        out.append({"shift_id": sid, "handle": handle, "type": type_name, "day": day,
                    "start_at": s, "end_at": e, "clock_in_at": ci, "clock_out_at": co,
                    "anomaly": describe(s, e, ci, co, now=now, grace=grace)})
    return out


def describe(start: datetime, end: datetime, clock_in: datetime | None, clock_out: datetime | None, *,
             now: datetime, grace: timedelta) -> str:
    """In words, what the clock-in/out of one shift say."""
    if clock_in is None:
        if now >= end:
            return "no-show"
        if now > start + grace:
            return "not clocked in"
        return "awaiting clock-in" if now >= start else ""
    parts = []
    if clock_in - start > grace:
        parts.append(f"late {int((clock_in - start).total_seconds() // 60)}m")
    if clock_out is not None and end - clock_out > grace:
        parts.append(f"left early {int((end - clock_out).total_seconds() // 60)}m")
    if clock_out is None and now >= end:
        parts.append("no clock-out")
    return ", ".join(parts)


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period) -> dict:
    grace = config.duration("shift.grace")
    facts = per_person(session, period=period, now=now, grace=grace)
    people = session.execute(
        select(col(Staff.id), col(Staff.handle), col(Staff.name), col(Staff.role), col(Staff.active))
        .order_by(Staff.handle)
    ).all()
    rows = []
    for sid, handle, name, role, active in people:
        f = facts.get(sid)
        if f is None and not active:
            continue
        f = dict(f or {"shifts": 0, "scheduled_seconds": 0, "worked_seconds": 0, "late": 0, "early": 0,
                       "no_show": 0, "no_clock_out": 0, "late_seconds": 0, "early_seconds": 0})
        f.pop("shifts_lost", None)  # the assessment's input (report performance), not an attendance figure
        if f["shifts"] == 0 and role == "supervisor":
            continue
        rows.append({"handle": handle, "name": name, **f})
    view = common.envelope("attendance", period=period, now=now, tz=tz)
    view.update({
        "grace_seconds": int(grace.total_seconds()),
        "people": rows,
        "total": {k: sum(r[k] for r in rows) for k in
                  ("shifts", "scheduled_seconds", "worked_seconds", "late", "early", "no_show", "no_clock_out")},
        "anomalies": anomalies(session, start=period.start, end=period.end, now=now, grace=grace),
    })
    return view
