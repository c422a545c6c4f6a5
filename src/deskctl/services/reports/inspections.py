"""`report inspections`: per plan, occurrences on time / late / missed, and the findings.

Runs are counted from the `inspection_run` table (on time = performed within the plan's grace
after the occurrence). Owed occurrences, and so *missed* and *overdue*, come from the
inspection schedule (`deskctl.services.inspection_schedule`); if that is not available the
report says so (`schedule_known: false`) and counts runs only.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from types import ModuleType

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.periods import Period
from deskctl.i18n import N_
from deskctl.services.reports import common
from deskctl.services.reports.common import in_period, pct
from deskctl.store.tables import (
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectionRun,
    Ticket,
)

RESOLVED = ("resolved", "closed")


def _schedule() -> ModuleType | None:
    """The inspection schedule's functions, when that module provides them."""
    try:
        from deskctl.services.inspections import schedule as sched
    except ImportError:
        return None
    needed = ("segments", "owed_occurrences", "current_occurrence")
    return sched if all(hasattr(sched, name) for name in needed) else None


def occurrences(session: Session, *, period: Period, now: datetime, tz: tzinfo) -> dict:
    """Per plan: runs and, when the schedule is known, every owed occurrence and its state."""
    plans = session.execute(select(InspectionPlan).order_by(InspectionPlan.name)).scalars().all()
    runs = session.execute(
        select(col(InspectionRun.plan_id), col(InspectionRun.occurrence_at), col(InspectionRun.performed_at),
               col(InspectionRun.performed_by_id), col(InspectionRun.id))
        .where(in_period(col(InspectionRun.occurrence_at), period))
    ).all()
    by_plan: dict[int, dict] = {
        p.id: {"plan": p, "runs": {}, "owed": None} for p in plans
    }
    for plan_id, at, performed, by, run_id in runs:
        if plan_id in by_plan:
            by_plan[plan_id]["runs"][at] = (performed, by, run_id)
    sched = _schedule()
    if sched is not None and plans:
        segs = sched.segments(session, [p.id for p in plans])
        limit = common.as_of(period, now)
        for p in plans:
            if limit <= period.start:
                by_plan[p.id]["owed"] = []
                continue
            owed = sched.owed_occurrences(segs.get(p.id, []), start=period.start, end=limit, tz=tz)
            current = sched.current_occurrence(p, now, tz) if p.status == "active" else None
            by_plan[p.id]["owed"] = owed
            by_plan[p.id]["current"] = current
    owner_of = sched.OwnerResolver(session) if sched is not None else (lambda owner, at: owner)
    return {"known": sched is not None, "plans": by_plan, "owner_of": owner_of}


def plan_rows(data: dict, *, now: datetime) -> tuple[list[dict], list[dict]]:
    """One row per plan with its counts, and the list of occurrences missed or overdue."""
    rows, missing = [], []
    for entry in data["plans"].values():
        plan = entry["plan"]
        grace = timedelta(seconds=plan.grace_seconds)
        on_time = sum(1 for at, (done, _, _) in entry["runs"].items() if done <= at + grace)
        late = len(entry["runs"]) - on_time
        missed = overdue = pending = None
        owed = entry["owed"]
        if owed is not None:
            missed = overdue = pending = 0
            for at, closed in owed:
                if at in entry["runs"]:
                    continue
                if not closed and at == entry.get("current"):
                    state = "overdue" if now > at + grace else "due"
                else:
                    state = "missed"
                if state == "missed":
                    missed += 1
                elif state == "overdue":
                    overdue += 1
                else:
                    pending += 1
                if state != "due":
                    # the person, not the rule: for an `on-duty` plan whoever was on shift at the
                    # occurrence (the supervisor when nobody was); `owner_rule` keeps the plan's word
                    owner = data.get("owner_of", lambda o, a: o)(plan.owner, at)
                    missing.append({"plan": plan.name, "target": plan.target, "occurrence_at": at,
                                    "state": state, "owner": owner, "owner_rule": plan.owner})
        due = None if owed is None else len(owed)
        if not entry["runs"] and not owed and plan.status != "active":
            continue
        rows.append({
            "plan": plan.name,
            "target": plan.target,
            "status": plan.status,
            "due": due,
            "done": len(entry["runs"]),
            "on_time": on_time,
            "late": late,
            "missed": missed,
            "overdue": overdue,
            "on_time_pct": pct(on_time, due if due is not None else len(entry["runs"])),
        })
    missing.sort(key=lambda r: (r["occurrence_at"], r["plan"]))
    return rows, missing


def findings(session: Session, *, period: Period) -> list[dict]:
    """Failed checklist items of runs in the period, with their tickets' state."""
    rows = session.execute(
        select(col(InspectionPlan.name), col(InspectionRun.id), col(InspectionRun.occurrence_at),
               col(InspectionItem.position), col(InspectionItem.text), col(InspectionResult.note),
               col(InspectionResult.ticket_id), col(Ticket.status))
        .select_from(InspectionResult)
        .join(InspectionRun, col(InspectionRun.id) == col(InspectionResult.run_id))
        .join(InspectionPlan, col(InspectionPlan.id) == col(InspectionRun.plan_id))
        .join(InspectionItem, col(InspectionItem.id) == col(InspectionResult.item_id))
        .outerjoin(Ticket, col(Ticket.id) == col(InspectionResult.ticket_id))
        .where(in_period(col(InspectionRun.occurrence_at), period), col(InspectionResult.result) == "fail")
        .order_by(col(InspectionRun.occurrence_at), col(InspectionItem.position))
    ).all()
    return [
        {"plan": plan, "run_id": run_id, "occurrence_at": at, "item": pos, "check": text, "note": note,
         "ticket_id": tid, "ticket_status": status,
         "ticket_open": None if tid is None else status not in RESOLVED + ("cancelled",)}
        for plan, run_id, at, pos, text, note, tid, status in rows
    ]


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period) -> dict:
    data = occurrences(session, period=period, now=now, tz=tz)
    rows, missing = plan_rows(data, now=now)
    found = findings(session, period=period)
    view = common.envelope("inspections", period=period, now=now, tz=tz)
    view.update({
        "schedule_known": data["known"],
        "note": "" if data["known"] else N_("inspection schedule not available: runs counted, missed unknown"),
        "plans": rows,
        "total": {
            "due": None if not data["known"] else sum(r["due"] or 0 for r in rows),
            "done": sum(r["done"] for r in rows),
            "on_time": sum(r["on_time"] for r in rows),
            "late": sum(r["late"] for r in rows),
            "missed": None if not data["known"] else sum(r["missed"] or 0 for r in rows),
            "overdue": None if not data["known"] else sum(r["overdue"] or 0 for r in rows),
            "findings": len(found),
            "findings_open": sum(1 for f in found if f["ticket_open"]),
        },
        "missed": missing,
        "findings": found,
    })
    return view
