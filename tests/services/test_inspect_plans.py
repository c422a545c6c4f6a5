"""Inspection plans and what is due, at the service layer: schedules normalised to RRULEs, the
checklist, who may change plans, pause/resume/retire, due/overdue/upcoming and their owners."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.inspections import history, plans, runs
from deskctl.services.status import desk_status
from tests.services.inspection_steps import CORE, add_core, count, run
from tests.services.shift_steps import add_day_and_night, assign
from tests.services.ticket_steps import at, events


def _due(desk, **kw):
    return desk.read(plans.list_due, **kw)


def _listed(desk, **kw):
    return desk.read(plans.list_plans, **kw)


def test_add_plan_shows_normalised_rule_and_checklist(staffed):
    view = add_core(staffed)
    assert view["rrule"] == "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0"
    assert [i["text"] for i in view["checklist"]] == ["CPU < 70%", "所有端口状态正常", "电源冗余正常"]
    assert view["next_at"] == at("2026-11-20T09:00:00+08:00")
    assert view["owner"] == "on-duty" and view["priority"] == "P2" and view["grace_seconds"] == 3600
    assert [r["name"] for r in _listed(staffed)] == ["core-network"]
    added = events(staffed, entity="inspection_plan")
    assert [(e["kind"], e["actor"]) for e in added] == [("added", "lead")]
    assert added[0]["details"]["items"] == CORE["items"]


def test_add_plan_rrule_form(staffed):
    view = staffed.write(plans.add_plan, name="backups", target="backup-server", every="FREQ=WEEKLY;BYDAY=MO;BYHOUR=10",
                         items=["last full backup < 7 days"])
    assert view["next_at"] == at("2026-11-23T10:00:00+08:00")
    assert view["upcoming"][1] == at("2026-11-30T10:00:00+08:00")


def test_add_plan_unparsable_every_names_the_forms(staffed):
    with pytest.raises(InvalidInput) as caught:
        staffed.write(plans.add_plan, name="x", target="t", every="now and then", items=["a"])
    message = caught.value.message
    assert "daily HH:MM" in message and "every Nh" in message and "RRULE" in message and "\n" not in message
    assert _listed(staffed) == []


def test_add_plan_rrule_yielding_nothing_is_invalid(staffed):
    with pytest.raises(InvalidInput, match="yields no occurrence"):
        staffed.write(plans.add_plan, name="x", target="t", every="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", items=["a"])
    assert _listed(staffed) == []


def test_add_plan_duplicate_name_is_a_conflict(staffed):
    add_core(staffed)
    with pytest.raises(Conflict, match="core-network"):
        staffed.write(plans.add_plan, name="core-network", **CORE)
    assert len(_listed(staffed)) == 1


def test_add_plan_by_officer_is_permission_denied(staffed):
    with pytest.raises(PermissionDenied):
        staffed.write(plans.add_plan, actor="zhang", name="core-network", **CORE)
    assert _listed(staffed) == []


def test_add_plan_unknown_owner_is_not_found(staffed):
    with pytest.raises(NotFound, match="nobody"):
        staffed.write(plans.add_plan, name="x", target="t", every="every 4h", items=["a"], owner="nobody")


def test_show_plan_unknown_is_not_found(staffed):
    with pytest.raises(NotFound, match="nope"):
        staffed.read(plans.show_plan, name="nope")


def test_edit_plan_replaces_checklist_and_keeps_history(staffed):
    add_core(staffed)
    first = run(staffed, ok=["all"])
    view = staffed.write(plans.edit_plan, name="core-network", items=["电源冗余正常", "CPU < 70%"],
                         add_items=["温度正常"], grace="30m")
    assert [i["text"] for i in view["checklist"]] == ["电源冗余正常", "CPU < 70%", "温度正常"]
    assert view["grace_seconds"] == 1800
    shown = staffed.read(runs.show_run, run_id=first["id"])
    assert [r["item"] for r in shown["results"]] == ["CPU < 70%", "所有端口状态正常", "电源冗余正常"]


def test_edit_plan_nothing_to_change_is_invalid(staffed):
    add_core(staffed)
    with pytest.raises(InvalidInput, match="nothing to change"):
        staffed.write(plans.edit_plan, name="core-network", grace="1h")


def test_pause_resume_remove_plan(staffed):
    add_core(staffed)
    assert staffed.write(plans.pause_plan, name="core-network")["status"] == "paused"
    with pytest.raises(Conflict, match="already paused"):
        staffed.write(plans.pause_plan, name="core-network")
    assert _due(staffed) == []
    assert staffed.write(plans.resume_plan, name="core-network")["status"] == "active"
    with pytest.raises(PermissionDenied):
        staffed.write(plans.remove_plan, actor="zhang", name="core-network")
    assert staffed.write(plans.remove_plan, name="core-network")["status"] == "retired"
    assert _listed(staffed) == []
    assert [p["status"] for p in _listed(staffed, include_retired=True)] == ["retired"]
    with pytest.raises(Conflict, match="retired"):
        staffed.write(plans.resume_plan, name="core-network")
    kinds = [e["kind"] for e in events(staffed, entity="inspection_plan")]
    assert kinds == ["added", "paused", "resumed", "retired"]


def test_resume_plan_owes_nothing_from_the_paused_time(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])  # 23 Nov done
    staffed.write(plans.pause_plan, name="core-network")
    staffed.set_now("2026-11-25T12:00:00+08:00")
    staffed.write(plans.resume_plan, name="core-network")
    assert _due(staffed) == []  # 24 and 25 Nov fell in the pause
    staffed.set_now("2026-11-26T09:30:00+08:00")
    assert [r["due_at"] for r in _due(staffed)] == [at("2026-11-26T09:00:00+08:00")]


# --- due --------------------------------------------------------------------------------------


def test_due_nothing_due(staffed):
    staffed.set_now("2026-11-23T10:00:00+08:00")
    staffed.write(plans.add_plan, name="core-network", **CORE)
    assert _due(staffed) == []


def test_due_plan_added_today_owes_nothing_before_its_start(staffed):
    staffed.set_now("2026-11-23T09:30:00+08:00")  # today's 09:00 passed before the plan existed
    staffed.write(plans.add_plan, name="core-network", **CORE)
    assert _due(staffed) == []
    assert staffed.read(history.history, state="missed") == []
    staffed.set_now("2026-11-24T09:05:00+08:00")
    assert [r["due_at"] for r in _due(staffed)] == [at("2026-11-24T09:00:00+08:00")]


def test_due_then_overdue(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-23T09:30:00+08:00")
    rows = _due(staffed)
    assert [(r["plan"], r["state"], r["owner"]) for r in rows] == [("core-network", "due", "lead")]  # nobody on shift
    staffed.set_now("2026-11-23T10:01:00+08:00")
    rows = _due(staffed)
    assert rows[0]["state"] == "overdue"
    assert rows[0]["overdue_at"] == at("2026-11-23T10:00:00+08:00")


def test_due_within_lists_upcoming(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])
    assert _due(staffed) == []
    rows = _due(staffed, within=timedelta(days=1))
    assert [(r["due_at"], r["upcoming"]) for r in rows] == [(at("2026-11-24T09:00:00+08:00"), True)]
    with pytest.raises(InvalidInput, match="negative"):
        _due(staffed, within=timedelta(hours=-1))


def test_due_within_is_a_look_ahead_of_at_most_366_days(staffed):
    add_core(staffed)
    assert len(_due(staffed, within=timedelta(days=366))) == 367  # every occurrence in the window
    with pytest.raises(InvalidInput, match="at most 366d"):
        _due(staffed, within=timedelta(days=366, seconds=1))


def test_due_is_idempotent_and_writes_nothing(staffed):
    add_core(staffed)
    before = (count(staffed, "inspection_run"), count(staffed, "event"))
    assert _due(staffed) == _due(staffed)
    assert (count(staffed, "inspection_run"), count(staffed, "event")) == before


def test_due_owner_is_a_fixed_handle(staffed):
    staffed.write(plans.add_plan, name="ups", target="UPS", every="every 4h", items=["电池正常"], owner="wang",
                  start=at("2026-11-23T07:00:00+08:00"))
    assert [r["owner"] for r in _due(staffed)] == ["wang"]


def test_due_on_duty_owner_is_whoever_is_on_shift_at_the_due_time(staffed):
    add_core(staffed)
    add_day_and_night(staffed)
    assign(staffed, "2026-11-23", "day", "wang")
    rows = _due(staffed, within=timedelta(days=1))
    assert [(r["due_at"], r["owner"]) for r in rows] == [
        (at("2026-11-23T09:00:00+08:00"), "wang"), (at("2026-11-24T09:00:00+08:00"), "lead")]


def test_status_shows_inspections_due_and_overdue(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-23T11:00:00+08:00")
    view = staffed.read(desk_status, actor="zhang")
    assert view["inspections_overdue"] == 1 and view["inspections_due"] == 0
    assert view["inspections_open"][0]["plan"] == "core-network"
