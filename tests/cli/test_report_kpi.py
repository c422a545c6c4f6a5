"""Each KPI on a small data set built by hand in October 2026, rows inserted straight into the
tables; every expected number is worked out in the comments, not recomputed by deskctl's code.

Desk zone Asia/Shanghai (UTC+8), clock frozen at 2026-11-23 09:00 local, so October is over.
SLA targets are the defaults: P1 15m/4h, P2 30m/8h, P3 2h/3d, P4 8h/5d. Grace 5m.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from deskctl.store.engine import open_database
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


def build_october(desk) -> dict[str, int]:
    """The hand-built month. Returns staff ids by handle."""
    db = open_database(desk.db)
    try:
        with db.write() as s:
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
    finally:
        db.close()
    return ids


@pytest.fixture
def october(staffed):
    build_october(staffed)
    return staffed


def _by(rows, key, value):
    return next(r for r in rows if r[key] == value)


def test_report_sla_compliance_mtta_and_time_to_resolve(october):
    view = october.json("report", "sla", "--period", "2026-10")
    p = {r["priority"]: r for r in view["priorities"]}
    # P3: T1, T2, T4, T8 (T6 cancelled is out). All acknowledged, none breached: 4 met.
    assert (p["P3"]["tickets"], p["P3"]["response_met"], p["P3"]["response_breached"]) == (4, 4, 0)
    # resolution: T1, T2, T4 resolved unbreached, T8 still open.
    assert (p["P3"]["resolution_met"], p["P3"]["resolution_pending"]) == (3, 1)
    # MTTA P3 = (30m + 60m + 120m + 60m) / 4 = 67.5m = 4050 s
    assert p["P3"]["mtta_seconds"] == 4050
    # time to resolve P3 = (2h + (5h - 1h paused) + 10h) / 3 = 16h / 3 = 19200 s
    assert p["P3"]["ttr_mean_seconds"] == 19200
    # P2: T3 response breached, resolved without resolution breach
    assert (p["P2"]["response_compliance_pct"], p["P2"]["resolution_compliance_pct"]) == (0.0, 100.0)
    # P1: T7 acknowledged in 5m, resolution breached
    assert (p["P1"]["response_compliance_pct"], p["P1"]["resolution_compliance_pct"]) == (100.0, 0.0)
    # all: response met T1 T2 T4 T7 T8 = 5, breached T3 T5 = 2 → 5/7 = 71.4%
    assert view["total"]["response_compliance_pct"] == 71.4
    assert sorted((b["ticket_id"], b["clock"]) for b in view["breaches"]) == [
        (3, "response"), (5, "response"), (7, "resolution")]


def test_report_tickets_by_priority_counts_and_reopen_rate(october):
    view = october.json("report", "tickets", "--period", "2026-10", "--by", "priority")
    p3 = _by(view["groups"], "key", "P3")
    # P3 opened: T1 T2 T4 T6 T8 = 5; resolved T1 T2 T4 = 3; open T8; cancelled T6; reopened T2 → 1/3
    assert (p3["opened"], p3["resolved"], p3["open"], p3["cancelled"]) == (5, 3, 1, 1)
    assert p3["reopen_rate_pct"] == 33.3
    assert view["total"]["opened"] == 8


def test_report_tickets_by_day_lists_every_day(october):
    view = october.json("report", "tickets", "--period", "2026-10", "--by", "day")
    assert len(view["groups"]) == 31
    assert _by(view["groups"], "key", "2026-10-10")["opened"] == 8
    assert sum(g["opened"] for g in view["groups"]) == 8


def test_report_attendance_late_early_no_show(october):
    view = october.json("report", "attendance", "--period", "2026-10")
    z = _by(view["people"], "handle", "zhang")
    w = _by(view["people"], "handle", "wang")
    assert (z["shifts"], z["late"], z["early"], z["no_show"]) == (4, 1, 1, 0)
    assert z["late_seconds"] == 10 * 60  # only the late shift counts; 3 min is within the grace
    assert (w["shifts"], w["no_show"]) == (3, 1)
    # zhang worked 4 × 12h less 3m late (within grace, still not worked) less 10m late less 10m early
    assert z["worked_seconds"] == 4 * 12 * 3600 - (3 + 10 + 10) * 60


def test_report_training_overdue_and_hours(october):
    view = october.json("report", "training", "--period", "2026-10")
    z = _by(view["people"], "handle", "zhang")
    w = _by(view["people"], "handle", "wang")
    # zhang passed on 2026-01-10: due 180 days later, 2026-07-09; overdue on 2026-10-31
    assert (z["due_on"], z["overdue"], z["days_overdue"]) == ("2026-07-09", True, 114)
    # wang: 3h pass + 1.5h fail in October
    assert (w["sessions_in_period"], w["hours_in_period"], w["overdue"]) == (2, 4.5, False)


def test_report_inspections_on_time_late_and_findings(october):
    view = october.json("report", "inspections", "--period", "2026-10")
    plan = _by(view["plans"], "plan", "机房巡检")
    # run 1 30 min after its occurrence (grace 1h): on time; run 2 2h after: late
    assert (plan["done"], plan["on_time"], plan["late"]) == (2, 1, 1)
    assert [(f["ticket_id"], f["ticket_status"], f["ticket_open"]) for f in view["findings"]] == [
        (8, "in_progress", True)]


def test_report_recurring_groups_above_threshold(october):
    view = october.json("report", "recurring", "--period", "2026-10")
    found = {(g["dimension"], g["key"]): g["ticket_ids"] for g in view["groups"]}
    # vpn: T1 T2 T3; mail: T4 T5 (T6 cancelled) → below 3; network: T1..T5 and T7
    assert found[("system", "vpn")] == [1, 2, 3]
    assert ("system", "mail") not in found
    assert found[("category", "network")] == [1, 2, 3, 4, 5, 7]
    assert found[("reporter", "财务部 王女士")] == [1, 2, 3, 4, 5, 7, 8]


def test_report_performance_inputs_by_hand(october):
    view = october.json("report", "performance", "--period", "2026-10")
    z = _by(view["people"], "handle", "zhang")
    e, q, d = z["inputs"]["efficiency"], z["inputs"]["quality"], z["inputs"]["discipline"]
    # handled = taken {1,2,3,4,5,8} ∪ resolved {1,2,3} = 6; T3 breached → 2 of 3 met
    assert (e["handled"], e["taken"], e["resolved"], e["sla_met"]) == (6, 6, 3, 2)
    # ack ratios: 30m/2h = .25, 1h/2h = .5, 45m/30m = 1.5 → mean .75; MTTA (30+60+45)/3 = 45m
    assert e["ack_ratio_mean"] == pytest.approx(0.75)
    assert e["mtta_seconds"] == 2700
    # ratings 5, 4, 2 → 2 of 3 are 4–5; T2 reopened; taken and resolved: T1..T5, first contact T1..T3
    assert (q["rated"], q["rated_4_5"], q["reopened"], q["taken_resolved"], q["first_contact"]) == (3, 2, 1, 5, 3)
    # October records: one violation, one commendation (the late record is September's)
    assert (d["shifts"], d["late"], d["early"], d["no_show"]) == (4, 1, 1, 0)
    assert (d["negative_records"], d["commendations"]) == (1, 1)
    assert d["training_up_to_date"] is False
    assert (d["inspections_done"], d["inspections_on_time"]) == (2, 1)
    # team median handled per shift: zhang 6/4 = 1.5, wang 1/3 → (1.5 + 0.3333) / 2
    assert view["baseline"]["team_median_handled_per_shift"] == pytest.approx(0.916667, abs=1e-5)
    # efficiency (66.667 + 62.5 + 100) / 3 = 76.4; quality (66.667 + 66.667 + 60) / 3 = 64.4
    # 10 min late, 10 min early on 12 h shifts: 20/720 lost; attendance 100 × (1 − (20/720)/4) = 99.306
    assert d["shifts_lost"] == pytest.approx(20 / 720)
    # discipline (99.306 + 90 + 0 + 50) / 4 = 59.8; score .4 × 76.389 + .4 × 64.444 + .2 × 59.826 = 68.3
    assert (z["efficiency"], z["quality"], z["discipline"], z["score"]) == (76.4, 64.4, 59.8, 68.3)


def test_report_performance_marks_too_little_data(october):
    view = october.json("report", "performance", "--period", "2026-10")
    li = _by(view["people"], "handle", "li")
    # li resolved T4, T5, T7: 3 < assessment.min_tickets (5)
    assert li["handled"] == 3 and li["insufficient_data"] is True and li["score"] is None
    assert "min_tickets" in li["note"]


# --- the score is reproducible from the JSON by the formula written in docs/assessment.md ---


def _docs_score(person: dict, median: float | None, w: dict) -> float | None:
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


def test_report_performance_score_recomputed_from_json(october):
    view = october.json("report", "performance", "--period", "2026-10")
    assert view["weights"] == {"efficiency": 40.0, "quality": 40.0, "discipline": 20.0}
    median = view["baseline"]["team_median_handled_per_shift"]
    scored = 0
    for person in view["people"]:
        assert _docs_score(person, median, view["weights"]) == person["score"], person["handle"]
        scored += person["score"] is not None
    assert scored >= 1


def test_report_performance_weights_come_from_config(october):
    october.ok("config", "set", "assessment.weights.discipline", "0")
    view = october.json("report", "performance", "--period", "2026-10")
    z = _by(view["people"], "handle", "zhang")
    # (40 × 76.389 + 40 × 64.444) / 80 = 70.4
    assert z["score"] == 70.4


# --- sign-off --------------------------------------------------------------------------------


def test_report_performance_finalize_survives_later_changes(october):
    signed = october.json("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize",
                          "--comment", "October signed off")
    assert signed["finalized"]["by"] == "lead" and signed["finalized"]["comment"] == "October signed off"
    october.ok("--as", "lead", "staff", "record", "zhang", "--kind", "violation", "--note", "late report",
               "--at", "2026-10-20 10:00")
    again = october.json("report", "performance", "--period", "2026-10")
    assert _by(again["people"], "handle", "zhang")["score"] == 68.3
    assert again["finalized"]["by"] == "lead"
    live = october.json("report", "performance", "--period", "2026-10", "--live")
    assert _by(live["people"], "handle", "zhang")["inputs"]["discipline"]["negative_records"] == 2
    assert live["finalized"] is None


def test_report_performance_finalize_twice_exits_4_unless_replace(october):
    october.ok("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize")
    res = october.run("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize")
    assert res.exit_code == 4
    assert "--replace" in res.stderr
    replaced = october.json("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize",
                            "--replace", "--comment", "corrected")
    assert replaced["finalized"]["replaced"] is True and replaced["finalized"]["comment"] == "corrected"
    events = october.json("audit", "log", "--entity", "assessment")
    assert [e["kind"] for e in events] == ["finalized", "refinalized"]


def test_report_performance_finalize_by_officer_exits_5(october):
    res = october.run("--as", "zhang", "report", "performance", "--period", "2026-10", "--finalize")
    assert res.exit_code == 5
    assert october.json("audit", "log", "--entity", "assessment") == []


def test_report_performance_finalize_unfinished_period_exits_4(october):
    res = october.run("--as", "lead", "report", "performance", "--period", "month", "--finalize")
    assert res.exit_code == 4
    assert "has not ended" in res.stderr


def test_report_performance_snapshot_is_stored_as_json(october):
    october.ok("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize")
    db = open_database(october.db)
    try:
        with db.read() as s:
            from deskctl.store.tables import AssessmentSnapshot

            period, raw = s.execute(select(AssessmentSnapshot.period, AssessmentSnapshot.data)).one()
    finally:
        db.close()
    data = json.loads(raw)
    assert period == "2026-10" and data["report"] == "performance"
