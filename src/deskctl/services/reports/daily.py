"""`report daily`: the supervisor's morning page for one local day (or any period).

Tickets opened / resolved / closed, tickets per day over the last week, the backlog by
priority and age at the end of the day (or now), SLA breaches that fell due in the day,
inspections done / missed / overdue with their findings, who was on duty with attendance
anomalies, and the handovers with whether they were taken over. It carries the audit trail's
head at the time it is made (`audit_anchor`, ID:HASH), so that a page mailed out keeps an anchor
off the machine (docs/audit.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import SQLColumnExpression, and_, func, or_, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.periods import Period, days_period
from deskctl.domain.shift_time import handover_flagged
from deskctl.errors import InvalidInput
from deskctl.i18n import _
from deskctl.services.audit.verify import head_anchor
from deskctl.services.people.staff import handles_by_id
from deskctl.services.reports import attendance, common
from deskctl.services.reports import inspections as insp
from deskctl.services.reports import tickets as tickets_report
from deskctl.services.reports.common import in_period
from deskctl.store.tables import Handover, Shift, ShiftType, Staff, Ticket

TREND_DAYS = 7
MAX_DAYS = 31  # a day's page; a month at most (`--period month`)


def check_span(period: Period) -> None:
    """The daily page covers at most `MAX_DAYS` local days; more is refused (exit 2)."""
    n = (period.end_day - period.first_day).days  # local days touched, without listing them
    if n > MAX_DAYS:
        raise InvalidInput(_(
            "report daily covers at most {max} days; {period} has {n} (use --date, a shorter --period, or report "
            "tickets --by day|week|month for a longer span)"
        ).format(max=MAX_DAYS, period=period.label, n=f"{n:,}"))


def _ticket_counts(session: Session, period: Period) -> dict:
    """Each count is a range on one indexed instant column (no other index tempts the planner)."""
    def count(column: SQLColumnExpression[Any]) -> int:
        n: int = session.execute(select(func.count()).select_from(Ticket).where(in_period(column, period))).scalar_one()
        return n

    ended = dict(session.execute(
        select(col(Ticket.status), func.count())
        .where(in_period(col(Ticket.closed_at), period))
        .group_by(col(Ticket.status))
    ).all())
    return {
        "opened": count(col(Ticket.opened_at)),
        "resolved": count(col(Ticket.resolved_at)),
        "closed": ended.get("closed", 0),
        "cancelled": ended.get("cancelled", 0),
    }


def _trend(session: Session, period: Period, tz: tzinfo) -> list[dict]:
    """Tickets opened per local day: the period's days, or the week ending on its last day."""
    if len(period.days()) >= 2:
        span = period
    else:
        last = period.end_day
        span = days_period(last - timedelta(days=TREND_DAYS), last, tz, "trend")
    days, bounds = tickets_report.bucket_table(span, tz, "day")
    join = and_(Ticket.opened_at >= days.c.d_start, Ticket.opened_at < days.c.d_end)
    found = dict(session.execute(
        select(days.c.day, func.count()).select_from(days).join(Ticket, join).group_by(days.c.day)
    ).all())
    return [{"day": label, "opened": found.get(label, 0)} for label, _, _ in bounds]


def sla_breaches(session: Session, period: Period) -> list[dict]:
    """Breaches whose deadline fell in the period. A breach is recorded while the ticket is
    open, so a ticket with one was not closed (or cancelled) before the period began: that
    bound lets the closed-at index pick the few candidates out of millions."""
    names = handles_by_id(session)
    in_resp = in_period(col(Ticket.response_breached_at), period)
    in_res = in_period(col(Ticket.resolution_breached_at), period)
    rows = session.execute(
        select(col(Ticket.id), col(Ticket.priority), col(Ticket.title), col(Ticket.status), col(Ticket.assignee_id),
               col(Ticket.response_breached_at), col(Ticket.resolution_breached_at))
        .where(or_(col(Ticket.closed_at).is_(None), col(Ticket.closed_at) >= period.start), or_(in_resp, in_res))
    ).all()  # no ORDER BY id: SQLite would scan the table in id order instead of using the index
    out = []
    for tid, priority, title, status, assignee, resp_at, res_at in rows:
        for clock, at in (("response", resp_at), ("resolution", res_at)):
            if at is not None and period.contains(at):
                out.append({"ticket_id": tid, "priority": priority, "clock": clock, "breached_at": at,
                            "status": status, "assignee": names.get(assignee), "title": title})
    out.sort(key=lambda r: (r["breached_at"], r["ticket_id"]))
    return out


def on_duty(session: Session, period: Period, *, now: datetime, config: Config) -> list[dict]:
    grace = config.duration("shift.grace")
    rows = session.execute(
        select(col(Staff.handle), col(Staff.name), col(ShiftType.name), col(Shift.start_at), col(Shift.end_at),
               col(Shift.clock_in_at), col(Shift.clock_out_at))
        .join(Staff, col(Staff.id) == col(Shift.staff_id)).join(ShiftType, col(ShiftType.id) == col(Shift.type_id))
        .where(col(Shift.start_at) < period.end, col(Shift.end_at) > period.start, col(ShiftType.team).is_(None))
        .order_by(col(Shift.start_at), col(Staff.handle))
    ).all()
    return [
        {"handle": h, "name": n, "type": t, "start_at": s, "end_at": e, "clock_in_at": ci, "clock_out_at": co,
         "attendance": attendance.describe(s, e, ci, co, now=now, grace=grace) or ("upcoming" if now < s else "ok")}
        for h, n, t, s, e, ci, co in rows
    ]


def attendance_by_person(session: Session, period: Period, *, now: datetime, config: Config) -> list[dict]:
    """The day's attendance as `report attendance` counts it: shifts that started in the period
    and had ended by now, per person (only people with such a shift)."""
    names = handles_by_id(session)
    facts = attendance.per_person(session, period=period, now=now, grace=config.duration("shift.grace"))
    keys = ("shifts", "late", "early", "no_show", "no_clock_out")
    rows = [{"handle": names.get(sid), **{k: f[k] for k in keys}} for sid, f in facts.items()]
    return sorted(rows, key=lambda r: r["handle"] or "")


def handovers(session: Session, period: Period, *, now: datetime, config: Config) -> list[dict]:
    window = config.duration("shift.handover_window")
    names = handles_by_id(session)
    rows = session.execute(
        select(Handover).where(in_period(col(Handover.created_at), period)).order_by(col(Handover.created_at))
    ).scalars().all()
    out = []
    for h in rows:
        taken = h.taken_over_at is not None
        late = handover_flagged(h.created_at, h.taken_over_at, now=now, window=window)
        out.append({"id": h.id, "from": names.get(h.from_staff_id), "to": names.get(h.to_staff_id),
                    "created_at": h.created_at, "taken_over": taken, "taken_over_at": h.taken_over_at,
                    "taken_over_by": names.get(h.taken_over_by_id), "flagged": late, "note": h.note})
    return out


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period) -> dict:
    check_span(period)
    limit = common.as_of(period, now)
    data = insp.occurrences(session, period=period, now=now, tz=tz)
    plan_rows, missing = insp.plan_rows(data, now=now)
    found = insp.findings(session, period=period)
    known = data["known"]
    duty = on_duty(session, period, now=now, config=config)
    view = common.envelope("daily", period=period, now=now, tz=tz)
    view.update({
        "tickets": _ticket_counts(session, period),
        "tickets_per_day": _trend(session, period, tz),
        "backlog": common.backlog(session, instant=limit, now=now),
        "sla_breaches": sla_breaches(session, period),
        "inspections": {
            "schedule_known": known,
            "done": sum(r["done"] for r in plan_rows),
            "on_time": sum(r["on_time"] for r in plan_rows),
            "late": sum(r["late"] for r in plan_rows),
            "missed": sum(r["missed"] or 0 for r in plan_rows) if known else None,
            "overdue": sum(r["overdue"] or 0 for r in plan_rows) if known else None,
            "findings": len(found),
            "findings_open": sum(1 for f in found if f["ticket_open"]),
        },
        "inspections_missed": missing,
        "findings": found,
        "on_duty": duty,
        "attendance": attendance_by_person(session, period, now=now, config=config),
        # a shift belongs to the period it starts in: a night from the evening before is on duty
        # this morning, but its anomalies are that evening's page's
        "attendance_anomalies": [d for d in duty if period.contains(d["start_at"])
                                 and d["attendance"] not in ("ok", "upcoming", "awaiting clock-in", "")],
        "handovers": handovers(session, period, now=now, config=config),
        # the chain head as this page is made (not as the period ended): `audit verify --anchor`
        "audit_anchor": str(head_anchor(session)),
    })
    return view


def summary_rows(view: dict) -> list[dict]:
    """The page's numbers as metric/value rows (for CSV)."""
    rows = [{"metric": f"tickets.{k}", "value": v} for k, v in view["tickets"].items()]
    rows.append({"metric": "backlog.total", "value": view["backlog"]["total"]})
    rows += [{"metric": f"backlog.{p}", "value": n} for p, n in view["backlog"]["by_priority"].items()]
    rows += [{"metric": f"backlog.age.{r['age']}", "value": r["tickets"]} for r in view["backlog"]["by_age"]]
    rows.append({"metric": "sla_breaches", "value": len(view["sla_breaches"])})
    rows += [{"metric": f"inspections.{k}", "value": v} for k, v in view["inspections"].items()]
    rows.append({"metric": "on_duty", "value": len(view["on_duty"])})
    rows += [{"metric": f"attendance.{k}", "value": sum(r[k] for r in view["attendance"])}
             for k in ("shifts", "late", "early", "no_show", "no_clock_out")]
    rows.append({"metric": "attendance_anomalies", "value": len(view["attendance_anomalies"])})
    rows.append({"metric": "handovers", "value": len(view["handovers"])})
    rows.append({"metric": "handovers.not_taken_over",
                 "value": sum(1 for h in view["handovers"] if not h["taken_over"])})
    rows.append({"metric": "audit_anchor", "value": view["audit_anchor"]})
    return rows
