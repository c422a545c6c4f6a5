"""The rota at the service layer (clock: 2026-11-23 09:00 Asia/Shanghai): planning (balance,
rest, skip/replace, DST), single assignments, unassign, who is on duty, coverage gaps."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.people.staff import deactivate_staff
from deskctl.services.shifts import rota, types, views
from tests.services.shift_steps import (
    MEMBERS,
    add_day_and_night,
    add_officers,
    assign,
    plan,
    shifts,
    unassign_shift,
    window,
)
from tests.services.ticket_steps import at, events


@pytest.fixture
def rota_desk(staffed):
    add_officers(staffed, "zhao", "sun")
    add_day_and_night(staffed)
    return staffed


def _gaps(desk, first, last):
    return desk.read(views.coverage_gaps, window=window(desk, first, last))


# --- plan ---------------------------------------------------------------------------------


def test_plan_dry_run_writes_nothing_and_shows_balance(rota_desk):
    view = plan(rota_desk, "2026-12-01", "2026-12-31", "day", dry_run=True)
    assert view["dry_run"] is True and view["planned"] == 31
    assert {b["who"] for b in view["balance"]} == set(MEMBERS)
    assert sum(b["shifts"] for b in view["balance"]) == 31
    assert all(set(b) == {"who", "shifts", "nights", "weekends", "hours"} for b in view["balance"])
    assert all(s["id"] is None for s in view["shifts"])
    assert shifts(rota_desk) == []
    assert events(rota_desk, entity="shift") == []


def test_plan_night_then_day_covers_december_without_gaps(rota_desk):
    plan(rota_desk, "2026-12-01", "2026-12-31", "night")
    plan(rota_desk, "2026-12-01", "2026-12-31", "day")
    listed = shifts(rota_desk)
    assert len(listed) == 62
    per_person: dict[str, list] = {}
    for s in listed:
        per_person.setdefault(s["who"], []).append((s["start_at"], s["end_at"]))
    for spans in per_person.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert (start - end).total_seconds() >= 11 * 3600
    nights = Counter(s["who"] for s in listed if s["type"] == "night")
    assert max(nights.values()) - min(nights.values()) <= 1
    assert _gaps(rota_desk, "2026-12-01", "2026-12-31") == []


def test_plan_skips_planned_dates_unless_replace(rota_desk):
    assign(rota_desk, "2026-12-01", "night", "zhang")
    view = plan(rota_desk, "2026-12-01", "2026-12-03", "night")
    assert view["skipped"] == [{"day": date(2026, 12, 1), "type": "night"}]
    assert view["planned"] == 2
    assert len(shifts(rota_desk)) == 3
    view = plan(rota_desk, "2026-12-01", "2026-12-03", "night", replace=True)
    assert view["replaced"] == 3 and view["planned"] == 3 and view["skipped"] == []
    assert len(shifts(rota_desk)) == 3


def test_plan_replace_keeps_started_shifts(rota_desk):
    assign(rota_desk, "2026-11-23", "day", "zhang")  # in progress now
    view = plan(rota_desk, "2026-11-23", "2026-11-24", "day", replace=True)
    assert view["replaced"] == 0
    assert view["skipped"] == [{"day": date(2026, 11, 23), "type": "day"}]


def test_plan_day_and_night_balances_weekends_and_fills_everything(rota_desk):
    view = plan(rota_desk, "2026-12-01", "2026-12-31", "day,night", dry_run=True)
    weekends = [b["weekends"] for b in view["balance"]]
    assert max(weekends) - min(weekends) <= 1
    assert view["unfilled"] == []


def test_plan_in_berlin_across_dst_night_lasts_11_hours(rota_desk):
    rota_desk.configure("timezone", "Europe/Berlin")
    view = plan(rota_desk, "2027-03-27", "2027-03-28", "night")
    hours = {s["day"]: s["hours"] for s in view["shifts"]}
    assert hours == {date(2027, 3, 27): 11.0, date(2027, 3, 28): 12.0}


@pytest.mark.parametrize(
    ("first", "last", "types_", "members", "error", "text"),
    [
        ("2026-12-31", "2026-12-01", "day", MEMBERS, InvalidInput, "after"),
        ("2026-12-01", "2026-12-31", "dayy", MEMBERS, NotFound, "dayy"),
        ("2026-12-01", "2026-12-31", "day", ["zhang", "ghost"], NotFound, "ghost"),
        ("2026-12-01", "2029-12-31", "day", MEMBERS, InvalidInput, "days"),
        ("2026-12-01", "2026-12-31", "", MEMBERS, InvalidInput, "--type"),
        ("2026-12-01", "2026-12-31", "day", [], InvalidInput, "--members"),
    ],
)
def test_plan_bad_input_is_refused_and_writes_nothing(rota_desk, first, last, types_, members, error, text):
    with pytest.raises(error, match=text):
        rota_desk.write(rota.plan, first=date.fromisoformat(first), last=date.fromisoformat(last),
                        types=[t for t in types_.split(",") if t], members=members)
    assert shifts(rota_desk) == []


def test_plan_inactive_member_is_invalid(rota_desk):
    rota_desk.write(deactivate_staff, handle="sun")
    with pytest.raises(InvalidInput, match="deactivated"):
        plan(rota_desk, "2026-12-01", "2026-12-31", "day")
    assert shifts(rota_desk) == []


def test_plan_by_officer_is_permission_denied(rota_desk):
    with pytest.raises(PermissionDenied):
        rota_desk.write(rota.plan, actor="zhang", first=date(2026, 12, 1), last=date(2026, 12, 31),
                        types=["night"], members=MEMBERS)
    assert shifts(rota_desk) == []


def test_plan_writes_an_audit_event_per_shift(rota_desk):
    plan(rota_desk, "2026-12-01", "2026-12-03", "day")
    logged = events(rota_desk, entity="shift")
    assert [(e["kind"], e["actor"]) for e in logged] == [("planned", "lead")] * 3
    assert {e["details"]["plan"] for e in logged} == {"2026-12-01..2026-12-03"}


# --- assign / unassign ------------------------------------------------------------------------


def test_assign_puts_one_person_on_one_shift(rota_desk):
    view = assign(rota_desk, "2026-12-01", "night", "zhang")
    assert (view["day"], view["type"], view["who"], view["hours"], view["night"]) == (
        date(2026, 12, 1), "night", "zhang", 12.0, True)
    assert (view["start_at"], view["end_at"]) == (at("2026-12-01T20:00:00+08:00"), at("2026-12-02T08:00:00+08:00"))
    assert [(e["kind"], e["to"]) for e in events(rota_desk, entity="shift")] == [("assigned", "zhang")]


def test_assign_double_booking_is_a_conflict(rota_desk):
    assign(rota_desk, "2026-12-01", "day", "zhang")
    with pytest.raises(Conflict, match="double-book"):
        assign(rota_desk, "2026-12-01", "day", "zhang")


def test_assign_short_rest_is_a_conflict(rota_desk):
    assign(rota_desk, "2026-12-01", "day", "zhang")
    with pytest.raises(Conflict, match="rest") as caught:
        assign(rota_desk, "2026-12-01", "night", "zhang")
    assert "11h" in caught.value.message
    assert len(shifts(rota_desk)) == 1


def test_assign_rest_is_configurable(rota_desk):
    rota_desk.configure("shift.rest", "0h")
    assign(rota_desk, "2026-12-01", "day", "zhang")
    assign(rota_desk, "2026-12-01", "night", "zhang")  # back to back is fine with no rest required
    assert len(shifts(rota_desk)) == 2


def test_assign_by_officer_and_unknowns_are_refused(rota_desk):
    with pytest.raises(PermissionDenied):
        rota_desk.write(rota.assign, actor="zhang", day=date(2026, 12, 1), type_name="day", handle="zhang")
    with pytest.raises(NotFound, match="evening"):
        assign(rota_desk, "2026-12-01", "evening", "zhang")
    with pytest.raises(NotFound, match="nobody"):
        assign(rota_desk, "2026-12-01", "day", "nobody")
    assert shifts(rota_desk) == []


def test_unassign_takes_the_shift_off_and_audits(rota_desk):
    first = assign(rota_desk, "2026-12-01", "day", "zhang")
    view = rota_desk.write(unassign_shift, shift_id=first["id"])
    assert view["who"] == "zhang"
    assert shifts(rota_desk) == []
    last = events(rota_desk, entity="shift")[-1]
    assert (last["kind"], last["from"], last["entity_id"]) == ("unassigned", "zhang", first["id"])
    with pytest.raises(NotFound):
        rota_desk.write(unassign_shift, shift_id=first["id"])


def test_find_shift_by_date_type_and_handle(rota_desk):
    second = assign(rota_desk, "2026-12-02", "day", "wang")
    found = rota_desk.read(lambda *, session: rota.find_shift(session, day=date(2026, 12, 2), type_name="day",
                                                             handle="wang").id)
    assert found == second["id"]
    with pytest.raises(NotFound, match="no day shift on 2026-12-03"):
        rota_desk.read(lambda *, session: rota.find_shift(session, day=date(2026, 12, 3), type_name="day",
                                                         handle="wang"))


def test_unassign_started_shift_is_a_conflict(rota_desk):
    started = assign(rota_desk, "2026-11-23", "day", "zhang")
    with pytest.raises(Conflict, match="cover"):
        rota_desk.write(unassign_shift, shift_id=started["id"])
    assert len(shifts(rota_desk)) == 1


# --- looking ------------------------------------------------------------------------------


def test_list_shifts_filters(rota_desk):
    plan(rota_desk, "2026-12-01", "2026-12-07")
    mine = shifts(rota_desk, "2026-12-01", "2026-12-07", who="zhang")
    assert mine and {s["who"] for s in mine} == {"zhang"}
    assert all(date(2026, 12, 1) <= s["day"] <= date(2026, 12, 7) for s in mine)
    nights = shifts(rota_desk, "2026-12-01", "2026-12-07", type_name="night")
    assert len(nights) == 7 and {s["type"] for s in nights} == {"night"}
    assert len(shifts(rota_desk, "2026-12-01", "2026-12-01")) == 2  # a date: that day's shifts
    assert shifts(rota_desk, "2027-06-01", "2027-06-02") == []
    with pytest.raises(NotFound, match="ghost"):
        shifts(rota_desk, who="ghost")
    with pytest.raises(NotFound, match="evening"):
        shifts(rota_desk, type_name="evening")


def test_parse_window_refuses_reversed_and_huge_windows(rota_desk):
    with pytest.raises(InvalidInput, match="after"):
        window(rota_desk, "2026-12-07", "2026-12-01")
    with pytest.raises(InvalidInput, match="must be before"):
        window(rota_desk, "2026-12-07T10:00", "2026-12-07T09:00")
    with pytest.raises(InvalidInput, match="longer than"):
        window(rota_desk, "2026-01-01", "2030-01-01")


def test_duty_now_with_nobody_on_duty(rota_desk):
    view = rota_desk.read(views.duty_now)
    assert view["nobody_on_duty"] is True and view["on_duty"] == []
    assert (view["next_handover_at"], view["takes_over"]) == (None, [])


def test_duty_now_shows_since_until_and_who_takes_over(rota_desk):
    assign(rota_desk, "2026-11-23", "day", "zhang")
    assign(rota_desk, "2026-11-23", "night", "wang")
    view = rota_desk.read(views.duty_now)
    assert view["nobody_on_duty"] is False
    assert [(r["who"], r["since"], r["until"]) for r in view["on_duty"]] == [
        ("zhang", at("2026-11-23T08:00:00+08:00"), at("2026-11-23T20:00:00+08:00"))]
    assert view["next_handover_at"] == at("2026-11-23T20:00:00+08:00")
    assert [r["who"] for r in view["takes_over"]] == ["wang"]


def test_coverage_gaps_finds_an_unstaffed_night(rota_desk):
    plan(rota_desk, "2026-12-01", "2026-12-07")
    assert _gaps(rota_desk, "2026-12-01", "2026-12-07") == []
    victim = shifts(rota_desk, "2026-12-03", "2026-12-03", type_name="night")[0]
    rota_desk.write(unassign_shift, shift_id=victim["id"])
    assert _gaps(rota_desk, "2026-12-01", "2026-12-07") == [{
        "start_at": at("2026-12-03T20:00:00+08:00"), "end_at": at("2026-12-04T08:00:00+08:00"),
        "duration_seconds": 43200, "type": "night", "have": 0, "need": 1, "problem": "0 of 1 on duty",
    }]


def test_coverage_gaps_counts_against_min_staff(rota_desk):
    rota_desk.write(types.edit_type, name="day", min_staff=2)
    rota_desk.write(types.edit_type, name="night", active=False)
    assign(rota_desk, "2026-12-01", "day", "zhang")
    gaps = _gaps(rota_desk, "2026-12-01", "2026-12-01")
    assert [(g["type"], g["have"], g["need"], g["problem"]) for g in gaps] == [
        ("day", 1, 2, "1 of 2 on duty"), ("", 0, None, "no shift type covers this time")]


def test_coverage_gaps_reports_time_no_type_covers(rota_desk):
    rota_desk.write(types.remove_type, name="night")
    assign(rota_desk, "2026-12-01", "day", "zhang")
    gaps = _gaps(rota_desk, "2026-12-01", "2026-12-01")
    assert [(g["type"], g["start_at"], g["end_at"]) for g in gaps] == [
        ("", at("2026-12-01T20:00:00+08:00"), at("2026-12-02T08:00:00+08:00"))]
