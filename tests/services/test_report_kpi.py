"""Each KPI on the hand-built October desk (tests/services/october.py), at the service layer;
every expected number is worked out in the comments, not recomputed by deskctl's code."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from deskctl.errors import Conflict, InvalidInput, PermissionDenied
from deskctl.services.people.records import add_record
from deskctl.services.reports import performance
from deskctl.store.tables import AssessmentSnapshot
from tests.conftest import freeze_desk
from tests.services.october import build_october, by, docs_score, period, report
from tests.services.ticket_steps import at, events


@pytest.fixture(scope="module")
def _october_db(tmp_path_factory, staffed_template):
    return freeze_desk(tmp_path_factory.mktemp("october"), staffed_template, build_october)


@pytest.fixture
def october(staffed, _october_db):
    return staffed.load(_october_db)


def test_report_sla_compliance_mtta_and_time_to_resolve(october):
    view = report(october, "sla", "2026-10")
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
    view = report(october, "tickets", "2026-10", by="priority")
    p3 = by(view["groups"], "key", "P3")
    # P3 opened: T1 T2 T4 T6 T8 = 5; resolved T1 T2 T4 = 3; open T8; cancelled T6; reopened T2 → 1/3
    assert (p3["opened"], p3["resolved"], p3["open"], p3["cancelled"]) == (5, 3, 1, 1)
    assert p3["reopen_rate_pct"] == 33.3
    assert view["total"]["opened"] == 8


def test_report_tickets_by_day_lists_every_day(october):
    view = report(october, "tickets", "2026-10", by="day")
    assert len(view["groups"]) == 31
    assert by(view["groups"], "key", "2026-10-10")["opened"] == 8
    assert sum(g["opened"] for g in view["groups"]) == 8


def test_report_attendance_late_early_no_show(october):
    view = report(october, "attendance", "2026-10")
    z = by(view["people"], "handle", "zhang")
    w = by(view["people"], "handle", "wang")
    assert (z["shifts"], z["late"], z["early"], z["no_show"]) == (4, 1, 1, 0)
    assert z["late_seconds"] == 10 * 60  # only the late shift counts; 3 min is within the grace
    assert (w["shifts"], w["no_show"]) == (3, 1)
    # zhang worked 4 × 12h less 3m late (within grace, still not worked) less 10m late less 10m early
    assert z["worked_seconds"] == 4 * 12 * 3600 - (3 + 10 + 10) * 60


def test_report_training_overdue_and_hours(october):
    view = report(october, "training", "2026-10")
    z = by(view["people"], "handle", "zhang")
    w = by(view["people"], "handle", "wang")
    # zhang passed on 2026-01-10: due 180 days later, 2026-07-09; overdue on 2026-10-31
    assert (z["due_on"], z["overdue"], z["days_overdue"]) == (date(2026, 7, 9), True, 114)
    # wang: 3h pass + 1.5h fail in October
    assert (w["sessions_in_period"], w["hours_in_period"], w["overdue"]) == (2, 4.5, False)


def test_report_inspections_on_time_late_and_findings(october):
    view = report(october, "inspections", "2026-10")
    plan = by(view["plans"], "plan", "机房巡检")
    # run 1 30 min after its occurrence (grace 1h): on time; run 2 2h after: late
    assert (plan["done"], plan["on_time"], plan["late"]) == (2, 1, 1)
    assert [(f["ticket_id"], f["ticket_status"], f["ticket_open"]) for f in view["findings"]] == [
        (8, "in_progress", True)]


def test_report_recurring_groups_above_threshold(october):
    view = report(october, "recurring", "2026-10")
    found = {(g["dimension"], g["key"]): g["ticket_ids"] for g in view["groups"]}
    # vpn: T1 T2 T3; mail: T4 T5 (T6 cancelled) → below 3; network: T1..T5 and T7
    assert found[("system", "vpn")] == [1, 2, 3]
    assert ("system", "mail") not in found
    assert found[("category", "network")] == [1, 2, 3, 4, 5, 7]
    assert found[("reporter", "财务部 王女士")] == [1, 2, 3, 4, 5, 7, 8]


def test_report_performance_inputs_by_hand(october):
    view = report(october, "performance", "2026-10")
    z = by(view["people"], "handle", "zhang")
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
    view = report(october, "performance", "2026-10")
    li = by(view["people"], "handle", "li")
    # li resolved T4, T5, T7: 3 < assessment.min_tickets (5)
    assert li["handled"] == 3 and li["insufficient_data"] is True and li["score"] is None
    assert "min_tickets" in li["note"]


# --- the score is reproducible from the JSON by the formula written in docs/assessment.md ---


def test_report_performance_score_recomputed_from_json(october):
    view = report(october, "performance", "2026-10")
    assert view["weights"] == {"efficiency": 40.0, "quality": 40.0, "discipline": 20.0}
    median = view["baseline"]["team_median_handled_per_shift"]
    scored = 0
    for person in view["people"]:
        assert docs_score(person, median, view["weights"]) == person["score"], person["handle"]
        scored += person["score"] is not None
    assert scored >= 1


def test_report_performance_weights_come_from_config(october):
    october.configure("assessment.weights.discipline", "0")
    view = report(october, "performance", "2026-10")
    z = by(view["people"], "handle", "zhang")
    # (40 × 76.389 + 40 × 64.444) / 80 = 70.4
    assert z["score"] == 70.4


# --- sign-off --------------------------------------------------------------------------------


def _finalize(desk, text="2026-10", actor="lead", **kw):
    return desk.write(performance.finalize, actor=actor, period=period(desk, text), **kw)


def test_report_performance_finalize_stores_a_snapshot_later_changes_do_not_alter(october):
    signed = _finalize(october, comment="October signed off")
    assert signed["finalized"] == {"by": "lead", "at": "2026-11-23T09:00:00+08:00", "comment": "October signed off",
                                   "replaced": False}
    october.write(add_record, handle="zhang", kind="violation", note="late report", at=at("2026-10-20T10:00:00+08:00"))
    stored = october.read(lambda *, session: performance.snapshot(session, "2026-10"))
    assert stored == signed
    assert by(stored["people"], "handle", "zhang")["score"] == 68.3
    live = report(october, "performance", "2026-10")
    assert by(live["people"], "handle", "zhang")["inputs"]["discipline"]["negative_records"] == 2
    assert october.read(lambda *, session: performance.snapshot(session, "2026-09")) is None


def test_report_performance_finalize_twice_is_a_conflict_unless_replace(october):
    _finalize(october)
    with pytest.raises(Conflict, match="--replace"):
        _finalize(october)
    replaced = _finalize(october, replace=True, comment="corrected")
    assert replaced["finalized"]["replaced"] is True and replaced["finalized"]["comment"] == "corrected"
    assert [e["kind"] for e in events(october, entity="assessment")] == ["finalized", "refinalized"]


def test_report_performance_finalize_by_officer_is_permission_denied(october):
    with pytest.raises(PermissionDenied):
        _finalize(october, actor="zhang")
    assert events(october, entity="assessment") == []


def test_report_performance_finalize_unfinished_period_is_a_conflict(october):
    with pytest.raises(Conflict, match="has not ended"):
        _finalize(october, "month")


def test_report_performance_finalize_open_ended_period_is_invalid(october):
    with pytest.raises(InvalidInput, match="with an end"):
        october.write(performance.finalize, period=period(october, from_="2026-10-01"))


def test_report_performance_snapshot_is_stored_as_json(october):
    _finalize(october)
    label, raw = october.read(lambda *, session: session.execute(
        select(AssessmentSnapshot.period, AssessmentSnapshot.data)).one())
    data = json.loads(raw)
    assert label == "2026-10" and data["report"] == "performance"
    assert data["period"]["from"] == "2026-10-01T00:00:00+08:00"  # instants as text in the desk zone
