"""`report performance`: per person efficiency, quality and discipline, and a weighted score.

The service gathers each person's raw inputs with a handful of GROUP BY queries; the formulas
are `deskctl.domain.kpi` (written out in docs/assessment.md). The JSON carries the inputs, the
team baseline and the weights, so anyone can recompute every number.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Select, func, select, union
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain import kpi
from deskctl.domain.periods import Period
from deskctl.errors import Conflict, InvalidInput
from deskctl.i18n import _
from deskctl.services.people.staff import handles_by_id, require_supervisor
from deskctl.services.people.training import training_status
from deskctl.services.reports import attendance, common
from deskctl.services.reports.common import count_if, duration_stats, in_period, seconds_between
from deskctl.services.reports.training import as_of_day
from deskctl.store import audit
from deskctl.store.tables import (
    AssessmentSnapshot,
    InspectionPlan,
    InspectionRun,
    Staff,
    StaffRecord,
    Ticket,
)
from deskctl.timeparse import Clock

SCHEMA_NOTE = "see docs/assessment.md for every formula"


def _weights(config: Config) -> dict[str, float]:
    return {c: float(config.get(f"assessment.weights.{c}")) for c in kpi.COMPONENTS}


def _resolved_by(session: Session, period: Period) -> dict[int, list]:
    where = [in_period(col(Ticket.resolved_at), period), col(Ticket.resolved_by_id).is_not(None)]
    clean = col(Ticket.response_breached_at).is_(None) & col(Ticket.resolution_breached_at).is_(None)
    return {
        pid: rest for pid, *rest in session.execute(
            select(col(Ticket.resolved_by_id), func.count(), count_if(clean), count_if(col(Ticket.rating).is_not(None)),
                   count_if(col(Ticket.rating) >= 4), count_if(col(Ticket.reopen_count) > 0))
            .where(*where).group_by(col(Ticket.resolved_by_id))
        )
    }


def _taken_by(session: Session, period: Period) -> dict[int, list]:
    where = [in_period(col(Ticket.opened_at), period), col(Ticket.opened_by_id).is_not(None),
             col(Ticket.status) != "cancelled"]
    first = col(Ticket.resolved_at).is_not(None) & (col(Ticket.resolved_tier) == 1) & (col(Ticket.reassign_count) == 0)
    return {
        pid: rest for pid, *rest in session.execute(
            select(col(Ticket.opened_by_id), func.count(), count_if(col(Ticket.resolved_at).is_not(None)),
                   count_if(first))
            .where(*where).group_by(col(Ticket.opened_by_id))
        )
    }


def _handled(session: Session, period: Period) -> dict[int, int]:
    """Distinct tickets each person took (opened) or resolved in the period."""
    taken: Select[Any, Any] = select(col(Ticket.opened_by_id).label("person"), col(Ticket.id).label("ticket")).where(
        in_period(col(Ticket.opened_at), period), col(Ticket.opened_by_id).is_not(None),
        col(Ticket.status) != "cancelled")
    resolved: Select[Any, Any] = select(
        col(Ticket.resolved_by_id).label("person"), col(Ticket.id).label("ticket")
    ).where(in_period(col(Ticket.resolved_at), period), col(Ticket.resolved_by_id).is_not(None))
    both = union(taken, resolved).subquery()
    return dict(session.execute(select(both.c.person, func.count()).group_by(both.c.person)).all())


def _records(session: Session, period: Period) -> dict[int, tuple[int, int]]:
    rows = session.execute(
        select(col(StaffRecord.staff_id), count_if(col(StaffRecord.kind).in_(kpi.NEGATIVE_KINDS)),
               count_if(col(StaffRecord.kind) == "commendation"))
        .where(in_period(col(StaffRecord.at), period)).group_by(col(StaffRecord.staff_id))
    ).all()
    return {sid: (neg, com) for sid, neg, com in rows}


def _inspections(session: Session, period: Period) -> dict[int, tuple[int, int]]:
    on_time = seconds_between(InspectionRun.occurrence_at, InspectionRun.performed_at) <= InspectionPlan.grace_seconds
    rows = session.execute(
        select(col(InspectionRun.performed_by_id), func.count(), count_if(on_time))
        .join(InspectionPlan, col(InspectionPlan.id) == col(InspectionRun.plan_id))
        .where(in_period(col(InspectionRun.occurrence_at), period)).group_by(col(InspectionRun.performed_by_id))
    ).all()
    return {sid: (n, ok) for sid, n, ok in rows}


def gather(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period) -> list[dict]:
    """Every assessed person's raw inputs (no formulas applied yet)."""
    resolved = _resolved_by(session, period)
    taken = _taken_by(session, period)
    handled = _handled(session, period)
    ack = duration_stats(session, config=config, tz=tz, group=col(Ticket.resolved_by_id), kind="ack",
                         where=[in_period(col(Ticket.resolved_at), period), col(Ticket.resolved_by_id).is_not(None)])
    shifts = attendance.per_person(session, period=period, now=now, grace=config.duration("shift.grace"))
    records = _records(session, period)
    inspections = _inspections(session, period)
    today = as_of_day(period, now, tz)
    training = {row["_id"]: row for row in training_status(
        session=session, config=config, tz=tz, today=today, include_inactive=True)}
    people = []
    for member in session.execute(select(Staff).order_by(Staff.handle)).scalars():
        sid = member.id
        n_res, sla_met, rated, rated_45, reopened = resolved.get(sid, (0, 0, 0, 0, 0))
        n_taken, taken_resolved, first_contact = taken.get(sid, (0, 0, 0))
        a = ack.get(sid)
        att = shifts.get(sid, {})
        n_shifts = att.get("shifts", 0)
        h = handled.get(sid, 0)
        active = member.active and member.role != "supervisor"
        if not (active or h or n_shifts):
            continue
        done, on_time = inspections.get(sid, (0, 0))
        negative, commendations = records.get(sid, (0, 0))
        people.append({
            "handle": member.handle, "name": member.name, "role": member.role, "tier": member.tier,
            "inputs": {
                "efficiency": {
                    "handled": h, "taken": n_taken, "resolved": n_res, "sla_met": sla_met,
                    "acknowledged": a["count"] if a else 0,
                    "ack_ratio_mean": (a["ratio_sum"] / a["count"]) if a else None,
                    "mtta_seconds": common.mean_seconds(a),
                    "shifts": n_shifts,
                    "handled_per_shift": (h / n_shifts) if n_shifts else None,
                },
                "quality": {
                    "resolved": n_res, "rated": rated, "rated_4_5": rated_45, "reopened": reopened,
                    "taken_resolved": taken_resolved, "first_contact": first_contact,
                },
                "discipline": {
                    "shifts": n_shifts, "late": att.get("late", 0), "early": att.get("early", 0),
                    "no_show": att.get("no_show", 0),
                    "late_seconds": att.get("late_seconds", 0), "early_seconds": att.get("early_seconds", 0),
                    "shifts_lost": att.get("shifts_lost", 0.0),
                    "negative_records": negative, "commendations": commendations,
                    "training_up_to_date": kpi.training_up_to_date(
                        training[sid]["last_passed_on"], training[sid]["due_on"], today),
                    "inspections_done": done, "inspections_on_time": on_time,
                },
            },
        })
    return people


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period) -> dict:
    people = gather(session=session, now=now, config=config, tz=tz, period=period)
    rates = [p["inputs"]["efficiency"]["handled_per_shift"] for p in people
             if p["inputs"]["efficiency"]["shifts"]]
    median = kpi.median(rates)
    weights = _weights(config)
    min_tickets = int(config.get("assessment.min_tickets"))
    rows = []
    for p in people:
        result = kpi.assess(p["inputs"], team_median_per_shift=median, weights=weights, min_tickets=min_tickets)
        rows.append({
            "handle": p["handle"], "name": p["name"], "role": p["role"],
            "handled": p["inputs"]["efficiency"]["handled"],
            "efficiency": result["efficiency"], "quality": result["quality"],
            "discipline": result["discipline"], "score": result["score"],
            "insufficient_data": result["insufficient_data"], "note": result["note"],
            "parts": result["parts"], "inputs": p["inputs"],
        })
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["handle"]))
    view = common.envelope("performance", period=period, now=now, tz=tz)
    view.update({
        "formula_version": kpi.FORMULA_VERSION,
        "formulas": SCHEMA_NOTE,
        "weights": weights,
        "min_tickets": min_tickets,
        "baseline": {"team_median_handled_per_shift": median},
        "finalized": None,
        "people": rows,
    })
    return view


def flat_rows(view: dict) -> list[dict]:
    """One flat row per person (for CSV): scores, then every input as `component.name`."""
    out = []
    for r in view["people"]:
        row = {k: r[k] for k in ("handle", "name", "role", "handled", "efficiency", "quality", "discipline",
                                 "score", "insufficient_data")}
        for comp, values in r["inputs"].items():
            for key, value in values.items():
                row[f"{comp}.{key}"] = value
        out.append(row)
    return out


# --- sign-off -------------------------------------------------------------------------------


def snapshot(session: Session, label: str) -> dict | None:
    """The finalised report for a period label, exactly as signed off, or None."""
    row = session.execute(
        select(AssessmentSnapshot).where(col(AssessmentSnapshot.period) == label)
    ).scalar_one_or_none()
    if row is None:
        return None
    signed: dict = json.loads(row.data)
    return signed


def finalize(*, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, period: Period,
             comment: str = "", replace: bool = False) -> dict:
    """Store the period's report as signed off; later data changes do not alter it."""
    by = require_supervisor(session, actor)
    assert by.id is not None  # a row read from the database
    now = clock.now()
    if period.label.endswith("..now"):
        raise InvalidInput(_("finalise a period with an end: --period, or --from with --to"))
    if period.end > now:
        raise Conflict(_("period {period} has not ended yet; finalise it after it ends").format(period=period.label))
    comment = (comment or "").strip()
    existing = session.execute(
        select(AssessmentSnapshot).where(col(AssessmentSnapshot.period) == period.label)
    ).scalar_one_or_none()
    if existing is not None and not replace:
        who = handles_by_id(session).get(existing.finalized_by_id)
        raise Conflict(_(
            "period {period} was finalised on {at} by {who}; pass --replace to sign it off again"
        ).format(period=period.label, at=f"{existing.finalized_at.astimezone(tz):%Y-%m-%d %H:%M}", who=who))
    view = build(session=session, now=now, config=config, tz=tz, period=period)
    view["finalized"] = {"by": by.handle, "at": now, "comment": comment, "replaced": existing is not None}
    data = json.dumps(common.to_plain(view, tz), ensure_ascii=False)
    if existing is None:
        existing = AssessmentSnapshot(period=period.label, data=data, comment=comment,
                                      finalized_by_id=by.id, finalized_at=now)
        session.add(existing)
        kind = "finalized"
    else:
        existing.data, existing.comment, existing.finalized_by_id, existing.finalized_at = data, comment, by.id, now
        kind = "refinalized"
    session.flush()
    audit.append(session, at=now, actor=by.handle, entity="assessment", entity_id=existing.id, kind=kind,
                 to_value=period.label, details={"comment": comment, "people": len(view["people"])})
    signed: dict = json.loads(data)
    return signed
