"""The KPI formulas on numbers worked out by hand (docs/assessment.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deskctl.domain import kpi


def _inputs(**over):
    base = {
        "efficiency": {"handled": 6, "resolved": 3, "sla_met": 2, "acknowledged": 3, "ack_ratio_mean": 0.75,
                       "shifts": 4},
        "quality": {"resolved": 3, "rated": 3, "rated_4_5": 2, "reopened": 1, "taken_resolved": 5,
                    "first_contact": 3},
        # 10 min late and 10 min early on 12 h shifts: 20/720 of a shift lost
        "discipline": {"shifts": 4, "late": 1, "early": 1, "no_show": 0, "shifts_lost": 20 / 720, "negative_records": 1,
                       "commendations": 1, "training_up_to_date": False, "inspections_done": 2,
                       "inspections_on_time": 1},
    }
    for key, value in over.items():
        comp, name = key.split("__")
        base[comp][name] = value
    return base


def test_kpi_efficiency_by_hand():
    e = kpi.efficiency(_inputs()["efficiency"], team_median_per_shift=1.0)
    # sla 2/3, response 1 - 0.75/2 = 0.625, throughput min(1, 1.5/1.0) = 1
    assert e["parts"]["sla"] == pytest.approx(66.6667, abs=1e-3)
    assert e["parts"]["response"] == pytest.approx(62.5)
    assert e["parts"]["throughput"] == pytest.approx(100.0)
    assert e["score"] == pytest.approx(76.3889, abs=1e-3)


def test_kpi_throughput_below_the_median():
    e = kpi.efficiency(_inputs(efficiency__handled=3)["efficiency"], team_median_per_shift=1.5)
    assert e["parts"]["throughput"] == pytest.approx(50.0)  # 0.75 per shift against 1.5


def test_kpi_quality_by_hand():
    q = kpi.quality(_inputs()["quality"])
    assert q["parts"] == pytest.approx({"csat": 200 / 3, "reopen": 200 / 3, "fcr": 60.0})
    assert q["score"] == pytest.approx(64.4444, abs=1e-3)


def test_kpi_discipline_by_hand():
    d = kpi.discipline(_inputs()["discipline"])
    # attendance 100 × (1 − (20/720)/4) = 99.3056; (99.3056 + 90 + 0 + 50) / 4 = 59.8264
    assert d["parts"] == pytest.approx({"attendance": 99.30556, "conduct": 90.0, "training": 0.0, "inspections": 50.0})
    assert d["score"] == pytest.approx(59.8264, abs=1e-4)


def test_kpi_no_show_loses_the_shift_and_attendance_never_negative():
    assert kpi.shift_lost(scheduled_seconds=43200, no_show=True) == 1.0
    assert kpi.shift_lost(scheduled_seconds=43200, no_show=False, late_seconds=1200, early_seconds=1800) == \
        pytest.approx(50 / 720)
    assert kpi.discipline(_inputs(discipline__no_show=1, discipline__shifts_lost=1.0)["discipline"])[
        "parts"]["attendance"] == pytest.approx(75.0)
    assert kpi.discipline(_inputs(discipline__shifts_lost=4.0)["discipline"])["parts"]["attendance"] == 0.0


def test_kpi_conduct_is_clamped():
    assert kpi.discipline(_inputs(discipline__negative_records=6)["discipline"])["parts"]["conduct"] == 0.0
    assert kpi.discipline(_inputs(discipline__negative_records=0, discipline__commendations=3)["discipline"])[
        "parts"]["conduct"] == 100.0


def test_kpi_assess_weighted_score_by_hand():
    r = kpi.assess(_inputs(), team_median_per_shift=1.0,
                   weights={"efficiency": 40, "quality": 40, "discipline": 20}, min_tickets=5)
    # (40 × 76.3889 + 40 × 64.4444 + 20 × 59.8264) / 100 = 68.2986
    assert r["score"] == 68.3
    assert (r["efficiency"], r["quality"], r["discipline"]) == (76.4, 64.4, 59.8)
    assert r["insufficient_data"] is False


def test_kpi_assess_too_few_tickets_gives_no_score():
    r = kpi.assess(_inputs(efficiency__handled=4), team_median_per_shift=1.0,
                   weights={"efficiency": 40, "quality": 40, "discipline": 20}, min_tickets=5)
    assert r["score"] is None and r["insufficient_data"] is True
    assert "4 tickets handled" in r["note"]


def test_kpi_unmeasurable_parts_are_left_out_not_zero():
    inputs = _inputs(quality__rated=0, quality__rated_4_5=0, quality__taken_resolved=0, quality__first_contact=0)
    q = kpi.quality(inputs["quality"])
    assert q["parts"]["csat"] is None and q["parts"]["fcr"] is None
    assert q["score"] == pytest.approx(200 / 3)


def test_kpi_weighted_score_reweights_missing_components():
    assert kpi.weighted_score({"efficiency": 80.0, "quality": None, "discipline": 50.0},
                              {"efficiency": 40, "quality": 40, "discipline": 20}) == pytest.approx(70.0)
    assert kpi.weighted_score({"efficiency": None, "quality": None, "discipline": None},
                              {"efficiency": 40, "quality": 40, "discipline": 20}) is None


def test_kpi_ack_ratio_is_capped_at_two():
    assert kpi.capped_ack_ratio(900, 1800) == 0.5
    assert kpi.capped_ack_ratio(10_000, 1800) == 2.0


def test_kpi_median():
    assert kpi.median([3, 1, 2]) == 2.0
    assert kpi.median([1.5, 1 / 3]) == pytest.approx(0.91667, abs=1e-4)
    assert kpi.median([]) is None


def test_kpi_training_due_from_last_pass_or_joining():
    interval = timedelta(days=180)
    assert kpi.training_due_on(date(2026, 1, 10), date(2025, 1, 1), interval) == date(2026, 7, 9)
    assert kpi.training_due_on(None, date(2026, 11, 23), interval) == date(2027, 5, 22)
    assert not kpi.training_overdue(date(2026, 7, 9), date(2026, 7, 9))
    assert kpi.training_overdue(date(2026, 7, 9), date(2026, 7, 10))
