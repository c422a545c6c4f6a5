"""The October 2026 desk of the KPI tests: a small data set built by hand, rows inserted straight
into the tables; every expected number is worked out in the tests' comments, not recomputed by
deskctl's code. `report(desk, name, period)` runs a report service as `deskctl report NAME` does.

Desk zone Asia/Shanghai (UTC+8), clock frozen at 2026-11-23 09:00 local, so October is over.
SLA targets are the defaults: P1 15m/4h, P2 30m/8h, P3 2h/3d, P4 8h/5d. Grace 5m.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from typing import Any

from sqlalchemy import select

from deskctl.services.reports.common import resolve_period
from deskctl.store.tables import (
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectionRun,
    Shift,
    ShiftType,
    Staff,
    StaffRecord,
    Ticket,
    TrainingRecord,
)


def period(desk, text: str | None = None, *, from_: str | None = None, to: str | None = None,
           date_: str | None = None, default: str = "month"):
    return resolve_period(period=text, from_=from_, to=to, date_=date_, tz=desk.tz, now=desk.now, default=default)


def report(desk, name: str, text: str | None = None, **options: Any) -> dict:
    """`deskctl report NAME --period TEXT` at the service layer (the default period: this month,
    today for the daily page)."""
    span = period(desk, text, default="today" if name == "daily" else "month")
    return desk.read(import_module(f"deskctl.services.reports.{name}").build, period=span, **options)


def by(rows: list[dict], key: str, value: Any) -> dict:
    return next(r for r in rows if r[key] == value)


T0 = datetime(2026, 10, 10, 2, 0, tzinfo=UTC)  # 10:00 local on 2026-10-10
H = timedelta(hours=1)
M = timedelta(minutes=1)


def _ticket(tid, *, priority, opened_by, system="vpn", category="network", status="closed", ack=None,
            resolved=None, resolved_by=None, tier=1, reassign=0, reopen=0, paused=0, rating=None,
            resp_breach=False, res_breach=False, offset=0):
    opened = T0 + offset * M
    return Ticket(
        id=tid, title=f"fault {tid}", reporter="财务部 王女士", system=system, category=category,
        priority=priority, status=status, tier=tier, opened_by_id=opened_by, opened_at=opened,
        assignee_id=resolved_by or opened_by,
        acknowledged_at=opened + ack if ack is not None else None,
        resolved_at=opened + resolved if resolved is not None else None,
        closed_at=opened + resolved + H if resolved is not None and status == "closed" else None,
        resolved_by_id=resolved_by, resolved_tier=tier if resolved is not None else None,
        reassign_count=reassign, reopen_count=reopen, paused_seconds=paused, rating=rating,
        response_breached_at=opened + 10 * M if resp_breach else None,
        resolution_breached_at=opened + 4 * H if res_breach else None,
        updated_at=opened, confirmed=True if rating else None,
    )


def build_october(desk) -> None:
    """The hand-built month, inserted straight into the tables in one transaction."""
    desk.write(_insert_october)


def _insert_october(*, session) -> None:
    s = session
    ids = dict(s.execute(select(Staff.handle, Staff.id)).all())
    z, w, li = ids["zhang"], ids["wang"], ids["li"]
    s.add_all([
        # zhang takes T1..T6 and T8; wang takes T7.
        _ticket(1, priority="P3", opened_by=z, ack=30 * M, resolved=2 * H, resolved_by=z, rating=5),
        _ticket(2, priority="P3", opened_by=z, ack=1 * H, resolved=5 * H, resolved_by=z, rating=4,
                reopen=1, paused=3600, offset=1),
        _ticket(3, priority="P2", opened_by=z, ack=45 * M, resolved=6 * H, resolved_by=z, rating=2,
                resp_breach=True, offset=2),
        _ticket(4, priority="P3", opened_by=z, ack=2 * H, resolved=10 * H, resolved_by=li, tier=2,
                reassign=1, status="resolved", system="mail", offset=3),
        _ticket(5, priority="P4", opened_by=z, ack=16 * H, resolved=20 * H, resolved_by=li, tier=2,
                reassign=1, rating=3, resp_breach=True, system="mail", offset=4),
        _ticket(6, priority="P3", opened_by=z, status="cancelled", system="mail", category="account",
                offset=5),
        _ticket(7, priority="P1", opened_by=w, ack=5 * M, resolved=5 * H, resolved_by=li, tier=2,
                reassign=1, rating=5, res_breach=True, system="wifi", category="network", offset=6),
        _ticket(8, priority="P3", opened_by=z, ack=1 * H, status="in_progress", system="wifi",
                category="hardware", offset=7),
    ])
    day = ShiftType(name="day", start_local="08:00", end_local="20:00")
    s.add(day)
    s.flush()

    def shift(staff_id, d, clock_in, clock_out):
        start = datetime(2026, 10, d, 0, 0, tzinfo=UTC)  # 08:00 local
        end = start + 12 * H
        return Shift(type_id=day.id, staff_id=staff_id, day=date(2026, 10, d), start_at=start, end_at=end,
                     clock_in_at=None if clock_in is None else start + clock_in * M,
                     clock_out_at=None if clock_out is None else end - clock_out * M,
                     created_at=T0)

    s.add_all([
        shift(z, 1, 3, 0),  # 3 min late: within the grace, not late
        shift(z, 2, 10, 0),  # late
        shift(z, 3, 0, 10),  # left 10 min early
        shift(z, 4, 0, 0),
        shift(w, 5, 0, 0),
        shift(w, 6, 0, 0),
        shift(w, 7, None, None),  # no-show
    ])
    s.add_all([
        StaffRecord(staff_id=z, kind="violation", note="left the desk", at=T0, recorded_by_id=ids["lead"]),
        StaffRecord(staff_id=z, kind="commendation", note="calm in P1", at=T0 + H, recorded_by_id=ids["lead"]),
        StaffRecord(staff_id=z, kind="late", note="September matter", at=datetime(2026, 9, 20, tzinfo=UTC),
                    recorded_by_id=ids["lead"]),
        TrainingRecord(staff_id=z, topic="防火墙变更流程", on=date(2026, 1, 10), hours=4, result="pass",
                       recorded_by_id=ids["lead"], created_at=T0),
        TrainingRecord(staff_id=w, topic="ITIL", on=date(2026, 10, 20), hours=3, result="pass",
                       recorded_by_id=ids["lead"], created_at=T0),
        TrainingRecord(staff_id=w, topic="VPN", on=date(2026, 10, 21), hours=1.5, result="fail",
                       recorded_by_id=ids["lead"], created_at=T0),
    ])
    plan = InspectionPlan(name="机房巡检", target="dc", schedule="daily 09:00",
                          rrule="DTSTART:20261001T090000\nRRULE:FREQ=DAILY", starts_at=T0,
                          grace_seconds=3600, created_at=T0)
    s.add(plan)
    s.flush()
    item = InspectionItem(plan_id=plan.id, position=1, text="UPS load below 80%")
    s.add(item)
    s.flush()
    r1 = InspectionRun(plan_id=plan.id, occurrence_at=datetime(2026, 10, 7, 1, tzinfo=UTC),
                       performed_at=datetime(2026, 10, 7, 1, 30, tzinfo=UTC), performed_by_id=z)
    r2 = InspectionRun(plan_id=plan.id, occurrence_at=datetime(2026, 10, 8, 1, tzinfo=UTC),
                       performed_at=datetime(2026, 10, 8, 3, tzinfo=UTC), performed_by_id=z)
    s.add_all([r1, r2])
    s.flush()
    s.add(InspectionResult(run_id=r2.id, item_id=item.id, result="fail", note="UPS at 91%", ticket_id=8))
    s.add(InspectionResult(run_id=r1.id, item_id=item.id, result="ok"))


def docs_score(person: dict, median: float | None, w: dict) -> float | None:
    """docs/assessment.md, transcribed independently of deskctl.domain.kpi."""
    e, q, d = (person["inputs"][c] for c in ("efficiency", "quality", "discipline"))

    def avg(xs):
        xs = [x for x in xs if x is not None]
        return sum(xs) / len(xs) if xs else None

    eff = avg([
        100 * e["sla_met"] / e["resolved"] if e["resolved"] else None,
        100 * (1 - e["ack_ratio_mean"] / 2) if e["acknowledged"] else None,
        100 * min(1, e["handled"] / e["shifts"] / median) if e["shifts"] and median else None,
    ])
    qual = avg([
        100 * q["rated_4_5"] / q["rated"] if q["rated"] else None,
        100 * (1 - q["reopened"] / q["resolved"]) if q["resolved"] else None,
        100 * q["first_contact"] / q["taken_resolved"] if q["taken_resolved"] else None,
    ])
    disc = avg([
        100 * max(0, 1 - d["shifts_lost"] / d["shifts"]) if d["shifts"] else None,
        min(100, max(0, 100 - 20 * d["negative_records"] + 10 * d["commendations"]))
        if d["negative_records"] or d["commendations"] else None,
        100 if d["training_up_to_date"] else 0,
        100 * d["inspections_on_time"] / d["inspections_done"] if d["inspections_done"] else None,
    ])
    comps = {"efficiency": eff, "quality": qual, "discipline": disc}
    total = sum(w[c] for c, v in comps.items() if v is not None)
    if e["handled"] < 5 or not total:
        return None
    return round(sum(w[c] * v for c, v in comps.items() if v is not None) / total, 1)
