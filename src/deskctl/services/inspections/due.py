"""What is due: occurrences computed on the fly from the plans' rules, never written.

Any number of `inspect due` processes at once therefore create nothing; runs are keyed by
(plan, occurrence) with a unique constraint. The runs of the candidate occurrences are looked up
in one query on that index, so the cost does not grow with the years of history.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import InvalidInput
from deskctl.i18n import _
from deskctl.services.inspections.schedule import (
    OwnerResolver,
    current_occurrence,
    occurrence_state,
    recurrence,
    run_keys,
)
from deskctl.store.tables import InspectionPlan, pk
from deskctl.timeparse import format_duration

# --- what is due ------------------------------------------------------------------------------


def _active_plans(session: Session) -> list[InspectionPlan]:
    return list(
        session.execute(
            select(InspectionPlan).where(col(InspectionPlan.status) == "active").order_by(col(InspectionPlan.name))
        ).scalars()
    )


def open_occurrences(
    session: Session, plans: list[InspectionPlan], *, now: datetime, tz: tzinfo, within: timedelta
) -> list[dict]:
    """Each plan's latest occurrence up to now, plus those in (now, now + within], without a run."""
    candidates: list[tuple[InspectionPlan, datetime]] = []
    for plan in plans:
        if plan.status != "active":
            continue
        current = current_occurrence(plan, now, tz)
        if current is not None:
            candidates.append((plan, current))
        if within > timedelta(0):
            lo = max(now, plan.starts_at - timedelta(microseconds=1)) + timedelta(microseconds=1)
            hi = now + within + timedelta(microseconds=1)
            candidates.extend((plan, t) for t in recurrence(plan).between(lo, hi, tz))
    done = run_keys(session, [(pk(p), t) for p, t in candidates])
    owner_of = OwnerResolver(session)
    rows = []
    for plan, due_at in candidates:
        if (plan.id, due_at) in done:
            continue
        rows.append({
            "plan": plan.name,
            "target": plan.target,
            "due_at": due_at,
            "overdue_at": due_at + timedelta(seconds=plan.grace_seconds),
            "state": occurrence_state(due_at, plan.grace_seconds, now),
            "upcoming": due_at > now,
            "owner": owner_of(plan.owner, due_at),
            "priority": plan.priority,
        })
    rows.sort(key=lambda r: (r["due_at"], r["plan"]))
    return rows


MAX_WITHIN = timedelta(days=366)


def list_due(*, session: Session, now: datetime, tz: tzinfo, within: timedelta = timedelta(0)) -> list[dict]:
    """`inspect due`: occurrences owed up to now (and `within` ahead) with no run. Writes nothing."""
    if within < timedelta(0):
        raise InvalidInput(_("--within must not be negative"))
    if within > MAX_WITHIN:  # every occurrence in the window is listed: keep it a look ahead
        raise InvalidInput(_("--within {within} is too far ahead; at most {days}d").format(
            within=format_duration(within), days=MAX_WITHIN.days))
    return open_occurrences(session, _active_plans(session), now=now, tz=tz, within=within)


def due_occurrences(*, session: Session, tz: tzinfo, start: datetime, end: datetime) -> list[dict]:
    """Occurrences of active plans falling in [start, end) that have no run (for handovers).
    Keys: plan, target, due_at, owner."""
    candidates: list[tuple[InspectionPlan, datetime]] = []
    for plan in _active_plans(session):
        lo = max(start, plan.starts_at)
        candidates.extend((plan, t) for t in recurrence(plan).between(lo, end, tz))
    done = run_keys(session, [(pk(p), t) for p, t in candidates])
    owner_of = OwnerResolver(session)
    rows = [
        {"plan": p.name, "target": p.target, "due_at": t, "owner": owner_of(p.owner, t)}
        for p, t in candidates if (p.id, t) not in done
    ]
    rows.sort(key=lambda r: (r["due_at"], r["plan"]))
    return rows


def status_section(
    *, session: Session, now: datetime, actor: str, config: Config, tz: tzinfo, limit: int | None = 20
) -> dict:
    """Inspections due and overdue, for `deskctl status` (overdue ones are an alert)."""
    rows = list_due(session=session, now=now, tz=tz)
    overdue = [r for r in rows if r["state"] == "overdue"]
    return {
        "inspections_due": len(rows) - len(overdue),
        "inspections_overdue": len(overdue),
        "inspections_open": [
            {k: r[k] for k in ("plan", "target", "due_at", "state", "owner")} for r in rows[:limit]
        ],
        "alerts": [(30, f"{len(overdue)} inspection{'s' if len(overdue) != 1 else ''} overdue")] if overdue else [],
    }
