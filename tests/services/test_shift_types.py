"""Shift types at the service layer (clock: 2026-11-23 09:00 Asia/Shanghai): times, who may
change them, published shifts never rewritten, removal only while unused."""

from __future__ import annotations

from datetime import date

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.shifts import rota, types, views
from tests.services.shift_steps import add_day_and_night, assign, shifts, window
from tests.services.ticket_steps import at, events


def _names(desk):
    return [t["name"] for t in desk.read(types.list_types)]


def test_add_type_and_list(staffed):
    add_day_and_night(staffed)
    assert staffed.read(types.list_types) == [
        {"name": "day", "start": "08:00", "end": "20:00", "crosses_midnight": False, "night": False,
         "min_staff": 1, "active": True, "team": None, "tier": None},
        {"name": "night", "start": "20:00", "end": "08:00", "crosses_midnight": True, "night": True,
         "min_staff": 1, "active": True, "team": None, "tier": None},
    ]


@pytest.mark.parametrize("start, end", [("25:00", "08:00"), ("08:00", "8"), ("08:60", "09:00"), ("", "09:00")])
def test_add_type_bad_time_is_invalid(staffed, start, end):
    with pytest.raises(InvalidInput):
        staffed.write(types.add_type, name="x", start=start, end=end)
    assert staffed.read(types.list_types) == []


def test_add_type_by_officer_is_permission_denied(staffed):
    with pytest.raises(PermissionDenied):
        staffed.write(types.add_type, actor="zhang", name="day", start="08:00", end="20:00")
    assert staffed.read(types.list_types) == []


def test_add_type_duplicate_is_a_conflict(staffed):
    add_day_and_night(staffed)
    with pytest.raises(Conflict, match="edit"):
        staffed.write(types.add_type, name="day", start="09:00", end="17:00")


@pytest.mark.parametrize("min_staff", [0, 101])
def test_add_type_min_staff_out_of_range_is_invalid(staffed, min_staff):
    with pytest.raises(InvalidInput, match="--min-staff"):
        staffed.write(types.add_type, name="day", start="08:00", end="20:00", min_staff=min_staff)
    assert staffed.read(types.list_types) == []


def test_edit_type_keeps_published_shifts(staffed):
    add_day_and_night(staffed)
    before = assign(staffed, "2026-11-25", "day", "zhang")
    edited = staffed.write(types.edit_type, name="day", start="09:00", min_staff=2)
    assert (edited["start"], edited["min_staff"]) == ("09:00", 2)
    after = shifts(staffed, "2026-11-25", "2026-11-25")
    assert [(s["start_at"], s["end_at"]) for s in after] == [(before["start_at"], before["end_at"])]
    assert before["start_at"] == at("2026-11-25T08:00:00+08:00")
    new = assign(staffed, "2026-11-26", "day", "wang")
    assert new["start_at"] == at("2026-11-26T09:00:00+08:00")


def test_edit_type_time_zone_change_keeps_the_instants(staffed):
    add_day_and_night(staffed)
    assign(staffed, "2026-11-25", "night", "zhang")
    staffed.configure("timezone", "Europe/Berlin")
    listed = staffed.read(views.list_shifts, window=window(staffed, "2026-11-25T00:00+08:00", "2026-11-26T12:00+08:00"))
    assert [s["start_at"] for s in listed] == [at("2026-11-25T20:00:00+08:00")]


def test_edit_type_nothing_is_invalid(staffed):
    add_day_and_night(staffed)
    with pytest.raises(InvalidInput, match="nothing to change"):
        staffed.write(types.edit_type, name="day")
    with pytest.raises(InvalidInput, match="nothing to change"):
        staffed.write(types.edit_type, name="day", start="08:00")  # the same value is no change


def test_remove_type_refused_while_used(staffed):
    add_day_and_night(staffed)
    assign(staffed, "2026-11-25", "day", "zhang")
    with pytest.raises(Conflict, match="--inactive"):
        staffed.write(types.remove_type, name="day")
    assert _names(staffed) == ["day", "night"]


def test_remove_type_unused_and_unknown(staffed):
    add_day_and_night(staffed)
    staffed.write(types.remove_type, name="night")
    assert _names(staffed) == ["day"]
    with pytest.raises(NotFound, match="night"):
        staffed.write(types.remove_type, name="night")


def test_inactive_type_is_not_planned_and_not_a_gap(staffed):
    add_day_and_night(staffed)
    staffed.write(types.edit_type, name="night", active=False)
    with pytest.raises(InvalidInput, match="inactive"):
        staffed.write(rota.plan, first=date(2026, 12, 1), last=date(2026, 12, 2), types=["night"],
                      members=["zhang", "wang"])
    gaps = staffed.read(views.coverage_gaps, window=window(staffed, "2026-12-01", "2026-12-01"))
    assert {g["type"] for g in gaps} == {"day", ""}


def test_type_actions_are_audited(staffed):
    add_day_and_night(staffed)
    staffed.write(types.edit_type, name="day", min_staff=2)
    staffed.write(types.remove_type, name="night")
    logged = events(staffed, entity="shift_type")
    assert [(e["kind"], e["actor"]) for e in logged] == [
        ("added", "lead"), ("added", "lead"), ("edited", "lead"), ("removed", "lead")]
    assert logged[2]["details"] == {"min_staff": [1, 2]}
