"""The calendar export (`export_ics`) parsed back with the icalendar library, and the demo rota,
at the service layer."""

from __future__ import annotations

import random

import pytest
from icalendar import Calendar

from deskctl.errors import NotFound
from deskctl.services.audit import verify_chain
from deskctl.services.demo import DemoContext
from deskctl.services.demo import shifts as demo_shifts
from deskctl.services.demo import staff as demo_staff
from deskctl.services.shifts import handover, rota, views
from tests.services.shift_steps import add_day_and_night, add_officers, plan, shifts, window


@pytest.fixture
def planned(staffed):
    add_day_and_night(staffed)
    plan(staffed, "2026-12-01", "2026-12-07", members=["zhang", "wang"])
    return staffed


def _ics(desk, **kw) -> Calendar:
    data, count = desk.read(views.export_ics, **kw)
    cal = Calendar.from_ical(data)
    assert len(cal.walk("VEVENT")) == count
    return cal


def _events(cal: Calendar) -> dict:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_export_ics_events_match_the_rota(planned):
    cal = _ics(planned, who="zhang")
    assert str(cal["VERSION"]) == "2.0" and "deskctl" in str(cal["PRODID"])
    listed = shifts(planned, "2026-12-01", "2026-12-07", who="zhang")
    events = _events(cal)
    assert len(events) == len(listed) > 0
    by_start = {e.decoded("DTSTART"): e for e in events.values()}
    for shift in listed:
        event = by_start[shift["start_at"]]
        assert event.decoded("DTEND") == shift["end_at"]
        assert "zhang" in str(event["SUMMARY"]) and shift["type"] in str(event["SUMMARY"])
        assert f"deskctl shift {shift['id']}" in str(event["DESCRIPTION"])


def test_export_ics_uids_are_stable_across_swaps_and_reexports(planned):
    before = _events(_ics(planned))
    shift = shifts(planned, "2026-12-05", "2026-12-05", who="zhang")[0]
    add_officers(planned, "zhao")
    planned.write(rota.cover, shift_id=shift["id"], handle="zhao")
    after = _events(_ics(planned))
    assert set(before) == set(after) and len(before) == 14
    changed = [uid for uid in before if str(before[uid]["SUMMARY"]) != str(after[uid]["SUMMARY"])]
    assert len(changed) == 1 and "zhao" in str(after[changed[0]]["SUMMARY"])


def test_export_ics_window_filters(planned):
    assert len(_ics(planned, window=window(planned, "2026-12-02", "2026-12-03")).walk("VEVENT")) == 4


def test_export_ics_unknown_person_is_not_found(planned):
    with pytest.raises(NotFound, match="ghost"):
        planned.read(views.export_ics, who="ghost")


def test_demo_seeds_a_month_of_rota_with_late_and_one_no_show(desk):
    def seed(*, session, clock, config, tz):
        ctx = DemoContext(session=session, clock=clock, config=config, tz=tz, now=clock.now(), rng=random.Random(7))
        demo_staff.seed(ctx)
        demo_shifts.seed(ctx)
        return ctx.counts

    counts = desk.write(seed)
    assert counts["shifts"] == 62 + 62 and counts["no_shows"] == 1 and counts["handovers"] == 3
    listed = shifts(desk, "2026-11-01", "2026-12-31", team="desk")
    assert {s["type"] for s in listed} == {"day", "night"}
    assert {s["who"] for s in listed} == {"zhang", "wang", "zhao", "sun", "chen"}
    on_call = shifts(desk, "2026-11-01", "2026-12-31", team="tier2") + shifts(desk, "2026-11-01", "2026-12-31",
                                                                              team="tier3")
    assert {s["who"] for s in on_call} == {"li", "zhou", "wu", "maria", "kumar"}
    assert all(s["clock_in_at"] is None for s in on_call)  # on call is never clocked
    assert desk.read(views.coverage_gaps, window=window(desk, "2026-11-09", "2026-12-09"), team="tier2") == []
    assert sum(s["no_show"] for s in listed) == 1
    assert sum(1 for s in listed if s["late_seconds"]) == counts["late"] >= 3
    assert desk.read(views.coverage_gaps, window=window(desk, "2026-11-09", "2026-12-09")) == []
    assert desk.read(views.duty_now)["nobody_on_duty"] is False
    assert desk.read(handover.last_handover)["taken_over_at"] is None
    assert desk.read(verify_chain)["ok"] is True
