"""Property tests: a plan never double-books, never breaks the minimum rest, and balances nights
to within one whenever the rest rule allows it."""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from deskctl.domain.rota import Slot, find_gaps, plan_rota, rest_violations
from deskctl.domain.shift_time import is_night, is_weekend, shift_instants

ZONES = [ZoneInfo(z) for z in ("Europe/Berlin", "America/New_York", "Asia/Shanghai", "UTC")]
TYPES = {
    "day": (time(8), time(20)),
    "night": (time(20), time(8)),
    "early": (time(6), time(14)),
    "late": (time(14), time(22)),
    "long": (time(9), time(9)),
}
# Periods that include both 2026 DST changes in Europe and North America.
FIRST_DAYS = st.sampled_from([date(2026, 3, 1), date(2026, 3, 20), date(2026, 10, 20), date(2026, 10, 28),
                              date(2026, 12, 25), date(2028, 2, 20)])


def build(first: date, days: int, names, needed: int, tz) -> list[Slot]:
    out = []
    for i in range(days):
        day = first + timedelta(days=i)
        for name in names:
            s_t, e_t = TYPES[name]
            start, end = shift_instants(day, s_t, e_t, tz)
            out.append(Slot(day, name, start, end, needed, is_night(s_t, e_t), is_weekend(day)))
    return out


def intervals(plan) -> dict[str, list]:
    out: dict[str, list] = {}
    for a in plan.assignments:
        out.setdefault(a.member, []).append((a.slot.start, a.slot.end))
    return out


@settings(max_examples=150, deadline=None)
@given(
    first=FIRST_DAYS,
    days=st.integers(1, 45),
    names=st.lists(st.sampled_from(sorted(TYPES)), min_size=1, max_size=3, unique=True),
    members=st.integers(1, 8),
    needed=st.integers(1, 3),
    rest_hours=st.integers(0, 16),
    tz=st.sampled_from(ZONES),
    busy_days=st.lists(st.integers(-2, 46), max_size=6),
)
def test_plan_never_double_books_nor_breaks_rest(first, days, names, members, needed, rest_hours, tz, busy_days):
    rest = timedelta(hours=rest_hours)
    people = [f"m{i}" for i in range(members)]
    busy: dict[str, list] = {}
    for n, offset in enumerate(busy_days):
        day = first + timedelta(days=offset)
        busy.setdefault(people[n % members], []).append(shift_instants(day, time(10), time(16), tz))
    plan = plan_rota(build(first, days, names, needed, tz), people, rest=rest, busy=busy)

    mine = intervals(plan)
    for person, shifts in mine.items():
        assert rest_violations(shifts, rest) == [], person
        for s, e in shifts:
            for b_s, b_e in busy.get(person, []):
                assert e + rest <= b_s or b_e + rest <= s, "planned too close to an existing shift"
    per_slot = Counter((a.slot.day, a.slot.type_name) for a in plan.assignments)
    assert all(n <= needed for n in per_slot.values())
    for key, n in per_slot.items():
        people_on = {a.member for a in plan.assignments if (a.slot.day, a.slot.type_name) == key}
        assert len(people_on) == n
    assert len(plan.assignments) + plan.missing == days * len(names) * needed


@settings(max_examples=150, deadline=None)
@given(
    first=FIRST_DAYS,
    days=st.integers(1, 62),
    members=st.integers(1, 9),
    rest_hours=st.integers(0, 12),
    tz=st.sampled_from(ZONES),
)
def test_plan_nights_differ_by_at_most_one(first, days, members, rest_hours, tz):
    """Nights only: consecutive nights leave 12 h, so with rest ≤ 12 h everybody is always free."""
    people = [f"m{i}" for i in range(members)]
    plan = plan_rota(build(first, days, ["night"], 1, tz), people, rest=timedelta(hours=rest_hours))
    assert plan.missing == 0
    nights = [plan.balance[p].nights for p in people]
    assert max(nights) - min(nights) <= 1


@settings(max_examples=100, deadline=None)
@given(
    first=FIRST_DAYS,
    days=st.integers(1, 62),
    members=st.integers(3, 9),
    rest_hours=st.integers(0, 11),
    tz=st.sampled_from(ZONES),
)
def test_plan_day_and_night_full_cover_and_nights_differ_by_at_most_one(first, days, members, rest_hours, tz):
    """Day + night with three or more people: every slot is filled and nights stay within one."""
    people = [f"m{i}" for i in range(members)]
    plan = plan_rota(build(first, days, ["day", "night"], 1, tz), people, rest=timedelta(hours=rest_hours))
    assert plan.missing == 0
    nights = [plan.balance[p].nights for p in people]
    assert max(nights) - min(nights) <= 1


@settings(max_examples=100, deadline=None)
@given(
    first=FIRST_DAYS,
    days=st.integers(1, 20),
    names=st.lists(st.sampled_from(sorted(TYPES)), min_size=1, max_size=3, unique=True),
    drop=st.sets(st.integers(0, 80), max_size=10),
    tz=st.sampled_from(ZONES),
)
def test_gaps_are_exactly_the_uncovered_needed_time(first, days, names, drop, tz):
    """Sum of per-type gap lengths equals the needed time that the kept shifts leave uncovered."""
    from deskctl.domain.rota import Need

    slots = build(first, days, names, 1, tz)
    needs = [Need(s.type_name, s.start, s.end, 1) for s in slots]
    kept = [s for i, s in enumerate(slots) if i not in drop]
    lo = min(s.start for s in slots)
    hi = max(s.end for s in slots)
    gaps = find_gaps(needs, [(s.type_name, s.start, s.end) for s in kept], lo, hi)
    typed = sum(((g.end - g.start) for g in gaps if g.type_name), timedelta())
    expected = sum(((s.end - s.start) for i, s in enumerate(slots) if i in drop), timedelta())
    assert typed == expected
    for g in gaps:
        assert lo <= g.start < g.end <= hi
