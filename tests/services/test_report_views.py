"""Reports at the service layer: the envelope, empty periods (zeros and empty lists, no made-up
percentages), which period a report covers, and the refusals of their inputs. The figures on a
hand-built month: tests/services/test_report_kpi.py."""

from __future__ import annotations

import pytest

from deskctl.errors import InvalidInput
from deskctl.services.reports import daily
from deskctl.services.reports.common import resolve_period
from tests.services.october import period, report
from tests.services.ticket_steps import at

REPORTS = ["daily", "sla", "tickets", "inspections", "attendance", "training", "recurring", "performance"]


@pytest.mark.parametrize("name", REPORTS)
def test_report_view_has_the_envelope(staffed, name):
    view = report(staffed, name, **({"by": "system"} if name == "tickets" else {}))
    assert view["report"] == name
    assert view["schema_version"] == 1
    assert view["timezone"] == "Asia/Shanghai"
    assert view["generated_at"] == at("2026-11-23T09:00:00+08:00")
    assert set(view["period"]) == {"from", "to", "label"}
    assert view["period"]["label"] == ("2026-11-23" if name == "daily" else "2026-11")


def test_report_daily_empty_day_gives_zeros_and_empty_lists(staffed):
    view = staffed.read(daily.build, period=period(staffed, date_="2026-01-05"))
    assert view["tickets"] == {"opened": 0, "resolved": 0, "closed": 0, "cancelled": 0}
    assert view["backlog"]["total"] == 0
    assert view["backlog"]["by_priority"] == {"P1": 0, "P2": 0, "P3": 0, "P4": 0}
    assert [b["tickets"] for b in view["backlog"]["by_age"]] == [0, 0, 0, 0, 0]
    assert [d["opened"] for d in view["tickets_per_day"]] == [0] * 7
    for key in ("sla_breaches", "inspections_missed", "findings", "on_duty", "attendance_anomalies", "handovers"):
        assert view[key] == [], key
    assert view["inspections"]["done"] == 0 and view["inspections"]["findings"] == 0


def test_report_empty_period_everywhere(staffed):
    sla = report(staffed, "sla", "2025-03")
    assert [r["tickets"] for r in sla["priorities"]] == [0, 0, 0, 0]
    assert sla["total"]["response_met"] == 0 and sla["breaches"] == []
    assert sla["total"]["response_compliance_pct"] is None  # nothing judged: no made-up 0 % or 100 %
    tickets = report(staffed, "tickets", "2025-03", by="system")
    assert tickets["groups"] == [] and tickets["total"]["opened"] == 0
    assert len(report(staffed, "tickets", "2025-03", by="day")["groups"]) == 31
    insp = report(staffed, "inspections", "2025-03")
    assert insp["plans"] == [] and insp["findings"] == [] and insp["total"]["done"] == 0
    att = report(staffed, "attendance", "2025-03")
    assert att["total"]["shifts"] == 0 and att["anomalies"] == []
    assert all(p["shifts"] == 0 for p in att["people"])
    assert report(staffed, "recurring", "2025-03")["groups"] == []
    training = report(staffed, "training", "2025-03")
    assert training["total"]["sessions"] == 0 and training["total"]["hours"] == 0
    perf = report(staffed, "performance", "2025-03")
    assert all(p["handled"] == 0 and p["score"] is None for p in perf["people"])


def test_resolve_period_dates_and_instants(staffed):
    span = period(staffed, from_="2026-11-01", to="2026-11-15")
    assert (span.start, span.end) == (at("2026-11-01T00:00:00+08:00"), at("2026-11-16T00:00:00+08:00"))
    span = period(staffed, from_="2026-11-01 08:00", to="2026-11-01 12:00")
    assert span.end == at("2026-11-01T12:00:00+08:00")
    span = period(staffed, from_="3d ago")
    assert (span.start, span.end) == (at("2026-11-20T09:00:00+08:00"), at("2026-11-23T09:00:00+08:00"))
    yesterday = period(staffed, date_="yesterday")
    assert (yesterday.start, yesterday.end, yesterday.label) == (
        at("2026-11-22T00:00:00+08:00"), at("2026-11-23T00:00:00+08:00"), "2026-11-22")
    assert period(staffed, default="today").label == "2026-11-23"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"period": "2026-13"}, "no month 13"),
        ({"period": "2026-W60"}, "invalid period"),
        ({"from_": "2026-11-15", "to": "2026-11-01"}, "not before"),
        ({"to": "2026-11-01"}, "--to needs --from"),
        ({"period": "month", "from_": "2026-11-01"}, "not both"),
        ({"date_": "2026-02-30"}, "invalid date"),
    ],
)
def test_resolve_period_bad_input_is_invalid(staffed, kwargs, words):
    kwargs = {"period": None, "from_": None, "to": None, **kwargs}
    with pytest.raises(InvalidInput, match=words):
        resolve_period(tz=staffed.tz, now=staffed.now, **kwargs)


def test_report_tickets_unknown_dimension_is_invalid(staffed):
    with pytest.raises(InvalidInput, match="system, category, priority, assignee, channel, day"):
        report(staffed, "tickets", by="colour")


def test_report_recurring_threshold_below_2_is_invalid(staffed):
    with pytest.raises(InvalidInput, match="from 2 tickets"):
        report(staffed, "recurring", threshold=1)
