"""The history of inspections: runs and missed occurrences, and compliance per plan."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.errors import InvalidInput, quote
from deskctl.i18n import _
from deskctl.services.inspections.runs import on_time_state
from deskctl.services.inspections.schedule import (
    current_occurrence,
    get_plan,
    owed_occurrences,
    segments,
)
from deskctl.store.tables import InspectionPlan, InspectionResult, InspectionRun, Staff, Ticket, pk


def _run_rows(session: Session, runs: list[tuple[InspectionRun, InspectionPlan, str]]) -> list[dict]:
    ids = [r.id for r, _, _ in runs]
    summary: dict[int | None, dict] = {i: {"ok": 0, "failed": 0, "skipped": 0, "tickets": []} for i in ids}
    for start in range(0, len(ids), 500):
        for run_id, result, ticket_id in session.execute(
            select(col(InspectionResult.run_id), col(InspectionResult.result), col(InspectionResult.ticket_id))
            .where(col(InspectionResult.run_id).in_(ids[start:start + 500]))
            .order_by(col(InspectionResult.id))
        ).all():
            s = summary[run_id]
            s[{"ok": "ok", "fail": "failed"}.get(result, "skipped")] += 1
            if ticket_id:
                s["tickets"].append(ticket_id)
    return [
        {"plan": plan.name, "target": plan.target, "occurrence_at": run.occurrence_at,
         "state": on_time_state(run, plan), "performed_at": run.performed_at, "by": handle,
         **summary[run.id], "run": run.id}
        for run, plan, handle in runs
    ]


def recent_runs(session: Session, plan: InspectionPlan, *, limit: int = 10) -> list[dict]:
    runs = session.execute(
        select(InspectionRun, InspectionPlan, col(Staff.handle))
        .join(InspectionPlan, col(InspectionPlan.id) == col(InspectionRun.plan_id))
        .join(Staff, col(Staff.id) == col(InspectionRun.performed_by_id))
        .where(col(InspectionRun.plan_id) == plan.id)
        .order_by(col(InspectionRun.occurrence_at).desc())
        .limit(limit)
    ).all()
    return _run_rows(session, [tuple(r) for r in runs])


HISTORY_STATES = ("on_time", "late", "missed")


def history(
    *,
    session: Session,
    now: datetime,
    tz: tzinfo,
    plan: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    state: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Runs and missed occurrences in [since, until), newest first."""
    if state is not None and state not in HISTORY_STATES:
        raise InvalidInput(_("invalid state {state} (use {states})").format(
            state=quote(state), states=", ".join(HISTORY_STATES)))
    since = since or now - timedelta(days=30)
    until = until or now + timedelta(microseconds=1)
    if until <= since:
        raise InvalidInput(_("--until must be after --since"))
    if plan:
        plans = [get_plan(session, plan)]
    else:
        plans = list(session.execute(select(InspectionPlan).order_by(InspectionPlan.name)).scalars())
    by_id = {pk(p): p for p in plans}
    runs = session.execute(
        select(InspectionRun, InspectionPlan, col(Staff.handle))
        .join(InspectionPlan, col(InspectionPlan.id) == col(InspectionRun.plan_id))
        .join(Staff, col(Staff.id) == col(InspectionRun.performed_by_id))
        .where(col(InspectionRun.plan_id).in_(list(by_id)), col(InspectionRun.occurrence_at) >= since,
               col(InspectionRun.occurrence_at) < until)
    ).all()
    rows = _run_rows(session, [tuple(r) for r in runs])
    recorded = {(r.plan_id, r.occurrence_at) for r, _, _ in runs}
    segs = segments(session, list(by_id))
    end = min(until, now + timedelta(microseconds=1))
    for pid, p in by_id.items():
        current = current_occurrence(p, now, tz) if p.status == "active" else None
        for at, closed in owed_occurrences(segs[pid], start=since, end=end, tz=tz):
            if (pid, at) in recorded or (not closed and at == current):
                continue
            if not closed and current is not None and at > current:
                continue
            rows.append({"plan": p.name, "target": p.target, "occurrence_at": at, "state": "missed",
                         "performed_at": None, "by": None, "ok": 0, "failed": 0, "skipped": 0,
                         "tickets": [], "run": None})
    if state:
        rows = [r for r in rows if r["state"] == state]
    rows.sort(key=lambda r: (r["occurrence_at"], r["plan"]), reverse=True)
    return rows[:limit] if limit else rows


def compliance(*, session: Session, now: datetime, tz: tzinfo, start: datetime, end: datetime) -> list[dict]:
    """Per plan, for occurrences in [start, end): on time, late, missed, and findings with their
    tickets' current state (for `report inspections` and the daily report)."""
    rows = history(session=session, now=now, tz=tz, since=start, until=end)
    ticket_ids = sorted({t for r in rows for t in r["tickets"]})
    states = dict(session.execute(
        select(col(Ticket.id), col(Ticket.status)).where(col(Ticket.id).in_(ticket_ids))
    ).all()) if ticket_ids else {}
    out: dict[str, dict] = {}
    for r in rows:
        p = out.setdefault(r["plan"], {"plan": r["plan"], "target": r["target"], "owed": 0, "on_time": 0,
                                       "late": 0, "missed": 0, "findings": 0, "tickets": {}})
        p["owed"] += 1
        p[r["state"]] += 1
        p["findings"] += r["failed"]
        for t in r["tickets"]:
            p["tickets"][t] = states.get(t)
    result = []
    for p in sorted(out.values(), key=lambda x: x["plan"]):
        p["compliance"] = round(p["on_time"] / p["owed"], 4) if p["owed"] else None
        p["tickets"] = [{"id": t, "status": s} for t, s in sorted(p["tickets"].items())]
        result.append(p)
    return result
