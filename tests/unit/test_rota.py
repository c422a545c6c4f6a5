"""Rota planning and coverage gaps: worked examples."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from deskctl.domain.rota import Need, Slot, Tally, Timeline, find_gaps, plan_rota, rest_violations
from deskctl.domain.shift_time import is_night, is_weekend, shift_instants

TZ = ZoneInfo("Asia/Shanghai")
REST = timedelta(hours=11)
TYPES = {"day": (time(8), time(20)), "night": (time(20), time(8))}


def slots(first: date, days: int, types=("day", "night"), needed=1, tz=TZ) -> list[Slot]:
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        for name in types:
            s_t, e_t = TYPES[name]
            start, end = shift_instants(day, s_t, e_t, tz)
            out.append(Slot(day, name, start, end, needed, is_night(s_t, e_t), is_weekend(day)))
    return out


def by_member(plan) -> dict[str, list]:
    out: dict[str, list] = {}
    for a in plan.assignments:
        out.setdefault(a.member, []).append((a.slot.start, a.slot.end))
    return out


def test_plan_nights_rotates_four_members_evenly():
    plan = plan_rota(slots(date(2026, 12, 1), 31, ("night",)), ["zhang", "wang", "zhao", "sun"], rest=REST)
    assert plan.missing == 0
    nights = Counter(a.member for a in plan.assignments)
    assert sorted(nights.values()) == [7, 8, 8, 8]
    weekends = [t.weekends for t in plan.balance.values()]
    assert max(weekends) - min(weekends) <= 1


def test_plan_day_and_night_keeps_rest_and_balances_nights():
    plan = plan_rota(slots(date(2026, 12, 1), 31), ["zhang", "wang", "zhao", "sun"], rest=REST)
    assert plan.missing == 0
    for intervals in by_member(plan).values():
        assert rest_violations(intervals, REST) == []
    nights = [t.nights for t in plan.balance.values()]
    assert max(nights) - min(nights) <= 1
    hours = [t.seconds / 3600 for t in plan.balance.values()]
    assert max(hours) - min(hours) <= 24


def test_plan_two_people_cover_day_and_night():
    plan = plan_rota(slots(date(2026, 12, 1), 14), ["a", "b"], rest=REST)
    assert plan.missing == 0
    assert plan.strategy == "chronological"


def test_plan_one_person_cannot_cover_both_and_says_so():
    plan = plan_rota(slots(date(2026, 12, 1), 3), ["a"], rest=REST)
    assert plan.missing == 3
    assert len(plan.assignments) == 3
    assert rest_violations(by_member(plan)["a"], REST) == []


def test_plan_keeps_clear_of_existing_shifts_with_rest():
    night = slots(date(2026, 12, 1), 1, ("night",))[0]
    day_slots = slots(date(2026, 12, 1), 2, ("day",))
    plan = plan_rota(day_slots, ["a", "b"], rest=REST, busy={"a": [(night.start, night.end)]})
    assignments = {a.slot.day: a.member for a in plan.assignments}
    assert assignments[date(2026, 12, 2)] == "b"  # a ends a night at 08:00 that morning


def test_plan_min_staff_two_puts_two_different_people_on_each_slot():
    plan = plan_rota(slots(date(2026, 12, 1), 7, ("day",), needed=2), ["a", "b", "c"], rest=REST)
    assert plan.missing == 0
    per_slot = Counter(a.slot.day for a in plan.assignments)
    assert set(per_slot.values()) == {2}
    for day in per_slot:
        members = [a.member for a in plan.assignments if a.slot.day == day]
        assert len(set(members)) == 2


def test_plan_counted_shifts_steer_the_balance():
    plan = plan_rota(
        slots(date(2026, 12, 1), 2, ("night",)), ["a", "b", "c"], rest=REST,
        counted={"a": Tally(shifts=5, nights=5, seconds=5 * 43200)},
    )
    assert "a" not in {x.member for x in plan.assignments}


def test_plan_with_no_members_leaves_everything_unfilled():
    plan = plan_rota(slots(date(2026, 12, 1), 2), [], rest=REST)
    assert plan.missing == 4 and plan.assignments == []


def test_timeline_fits_respects_rest_on_both_sides():
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    line = Timeline(REST, [(t0, t0 + timedelta(hours=12))])
    assert not line.fits(t0 + timedelta(hours=12), t0 + timedelta(hours=24))
    assert line.fits(t0 + timedelta(hours=23), t0 + timedelta(hours=35))
    assert not line.fits(t0 - timedelta(hours=20), t0 - timedelta(hours=8))
    assert line.fits(t0 - timedelta(hours=23), t0 - timedelta(hours=11))
    assert not line.fits(t0 + timedelta(hours=1), t0 + timedelta(hours=2))


# --- gaps -----------------------------------------------------------------------------------


def needs_for(first: date, days: int, types=("day", "night"), min_staff=1) -> list[Need]:
    return [Need(s.type_name, s.start, s.end, min_staff) for s in slots(first, days, types)]


def covered(first: date, days: int, types=("day", "night")):
    return [(s.type_name, s.start, s.end) for s in slots(first, days, types)]


def window(first: date, days: int):
    start = shift_instants(first, *TYPES["day"], TZ)[0]
    return start, start + timedelta(days=days)


def test_gaps_none_when_fully_covered():
    start, end = window(date(2026, 12, 1), 7)
    assert find_gaps(needs_for(date(2026, 11, 30), 9), covered(date(2026, 11, 30), 9), start, end) == []


def test_gaps_one_missing_night():
    start, end = window(date(2026, 12, 1), 7)
    shifts = [s for s in covered(date(2026, 11, 30), 9)
              if s[1] != shift_instants(date(2026, 12, 3), *TYPES["night"], TZ)[0]]
    gaps = find_gaps(needs_for(date(2026, 11, 30), 9), shifts, start, end)
    assert len(gaps) == 1
    g = gaps[0]
    assert (g.type_name, g.have, g.need) == ("night", 0, 1)
    assert g.start.astimezone(TZ) == datetime(2026, 12, 3, 20, tzinfo=TZ)
    assert g.end - g.start == timedelta(hours=12)


def test_gaps_below_minimum_staffing_reports_have_and_need():
    start, end = window(date(2026, 12, 1), 1)
    gaps = find_gaps(needs_for(date(2026, 12, 1), 1, ("day",), 2), covered(date(2026, 12, 1), 1, ("day",)), start,
                     start + timedelta(hours=12))
    assert [(g.type_name, g.have, g.need) for g in gaps] == [("day", 1, 2)]


def test_gaps_time_no_type_covers_is_reported_without_a_type():
    start, end = window(date(2026, 12, 1), 2)
    gaps = find_gaps(needs_for(date(2026, 11, 30), 4, ("day",)), covered(date(2026, 11, 30), 4, ("day",)), start, end)
    assert [(g.type_name, g.end - g.start) for g in gaps] == [(None, timedelta(hours=12))] * 2


def test_gaps_adjacent_pieces_are_merged():
    start, end = window(date(2026, 12, 1), 3)
    gaps = find_gaps(needs_for(date(2026, 11, 30), 5), [], start, end)
    assert len(gaps) == 6  # day and night alternate, each one piece
    gaps = find_gaps([], [], start, end)
    assert len(gaps) == 1 and gaps[0].type_name is None and gaps[0].end - gaps[0].start == timedelta(days=3)
