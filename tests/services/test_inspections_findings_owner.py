"""A finding goes to somebody: its ticket is assigned to the plan's owner, or to the officer on
duty for an `on-duty` plan; the daily page names the real person for an `on-duty` plan's overdue
occurrence (issue 9, item 8)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from deskctl.domain.periods import parse_period
from deskctl.services.inspections import plans, runs
from deskctl.services.reports import daily
from deskctl.services.reports import inspections as inspections_report
from deskctl.services.shifts import rota, types
from deskctl.services.tickets import views

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _fail(desk, plan, actor):
    entries = runs.results_from_options([], ["1:UPS at 91%"], [])
    return desk.write(runs.run_inspection, actor=actor, plan=plan, entries=entries)


def _ticket_of(desk, run):
    tid = next(r["ticket_id"] for r in run["results"] if r["result"] == "fail")
    return desk.read(views.show_ticket, ticket_id=tid)


def test_finding_of_an_owned_plan_is_assigned_to_the_owner(staffed):
    staffed.write(plans.add_plan, name="ups", target="UPS-A", every="daily 09:00", items=["UPS load below 80%"],
                  owner="li", priority="P2")
    ticket = _ticket_of(staffed, _fail(staffed, "ups", "zhang"))
    assert (ticket["assignee"], ticket["status"], ticket["tier"]) == ("li", "assigned", 2)
    assigned = next(e for e in ticket["timeline"] if e["kind"] == "assigned")
    assert assigned["details"]["assignee"] == "li"
    assert "owner" in assigned["details"]["reason"]


def test_finding_of_an_on_duty_plan_goes_to_the_officer_on_duty(staffed):
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    staffed.write(rota.assign, day=date(2026, 11, 23), type_name="day", handle="wang")
    staffed.write(plans.add_plan, name="room", target="机房", every="daily 09:00", items=["temperature < 27°C"])
    # zhang (not on shift) runs it at 09:00; wang is the officer on duty
    ticket = _ticket_of(staffed, _fail(staffed, "room", "zhang"))
    assert ticket["assignee"] == "wang"


def test_finding_with_nobody_on_duty_goes_to_the_supervisor(staffed):
    staffed.write(plans.add_plan, name="room", target="机房", every="daily 09:00", items=["temperature < 27°C"])
    ticket = _ticket_of(staffed, _fail(staffed, "room", "zhang"))
    assert ticket["assignee"] == "lead"


def test_daily_names_the_person_for_an_on_duty_plans_overdue_occurrence(staffed):
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    staffed.write(rota.assign, day=date(2026, 11, 24), type_name="day", handle="wang")
    staffed.set_now("2026-11-23T09:00:00+08:00")
    staffed.write(plans.add_plan, name="room", target="机房", every="daily 10:00", items=["temperature < 27°C"],
                  grace="30m")
    # 24 November, 10:00 occurrence not run; at 11:00 it is overdue (grace 30 min); wang is on duty
    staffed.set_now("2026-11-24T11:00:00+08:00")
    period = parse_period("2026-11-24", tz=SHANGHAI, now=staffed.now)
    page = staffed.read(daily.build, period=period)
    row = next(r for r in page["inspections_missed"] if r["plan"] == "room")
    assert row["occurrence_at"] == datetime(2026, 11, 24, 10, tzinfo=SHANGHAI)
    assert (row["state"], row["owner"], row["owner_rule"]) == ("overdue", "wang", "on-duty")
    report = staffed.read(inspections_report.build, period=period)
    assert next(r for r in report["missed"] if r["plan"] == "room")["owner"] == "wang"
