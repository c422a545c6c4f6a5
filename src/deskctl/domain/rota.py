"""Rota planning and coverage, as pure functions over instants (docs/design.md §4).

Planning fills slots (one shift type on one date, needing `needed` people) from a list of
members, greedily, never double-booking anybody and keeping `rest` between a person's shifts.
Each slot goes to the eligible member with the fewest nights (for a night slot), then the
fewest weekend shifts (for a weekend slot), then the fewest shifts and hours, then the one who
worked least recently: that is the rotation. Two slot orders are tried — nights and weekends
first (the scarce slots get balanced while everybody is still free) and plain chronological —
and the plan with fewer unfilled slots, then the better balance, wins.

`find_gaps` sweeps needs (type intervals × minimum staff) against shifts and returns every
interval with fewer people than needed, plus every interval no type covers at all.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Slot:
    day: date
    type_name: str
    start: datetime
    end: datetime
    needed: int = 1
    night: bool = False
    weekend: bool = False

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass
class Tally:
    """One member's load: shifts, nights, weekend shifts, seconds on duty."""

    shifts: int = 0
    nights: int = 0
    weekends: int = 0
    seconds: int = 0

    def add(self, slot: Slot) -> None:
        self.shifts += 1
        self.nights += int(slot.night)
        self.weekends += int(slot.weekend)
        self.seconds += slot.seconds


@dataclass(frozen=True)
class Assignment:
    slot: Slot
    member: str


@dataclass
class Plan:
    assignments: list[Assignment]
    unfilled: list[tuple[Slot, int]]  # slot, people missing
    balance: dict[str, Tally]
    strategy: str

    @property
    def missing(self) -> int:
        return sum(n for _, n in self.unfilled)


class Timeline:
    """A member's shifts sorted by start, answering "does this one fit, with rest around it?"."""

    def __init__(self, rest: timedelta, intervals: Iterable[Interval] = ()):
        self.rest = rest
        self.items: list[Interval] = sorted(intervals)

    def fits(self, start: datetime, end: datetime) -> bool:
        i = bisect_left(self.items, (start, end))
        for j in (i - 2, i - 1):  # the ones starting before: must end `rest` before we start
            if j >= 0 and self.items[j][1] + self.rest > start:
                return False
        return not (i < len(self.items) and end + self.rest > self.items[i][0])

    def add(self, start: datetime, end: datetime) -> None:
        insort(self.items, (start, end))


def fits(intervals: Iterable[Interval], start: datetime, end: datetime, rest: timedelta) -> bool:
    """True when [start, end) overlaps none of `intervals` and keeps `rest` from each."""
    return all(e + rest <= start or end + rest <= s for s, e in intervals)


def rest_violations(intervals: Iterable[Interval], rest: timedelta) -> list[tuple[Interval, Interval]]:
    """Pairs of consecutive intervals closer than `rest` (overlaps included)."""
    ordered = sorted(intervals)
    return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b[0] - a[1] < rest]


def _spread(values: Iterable[int]) -> int:
    values = list(values)
    return max(values) - min(values) if values else 0


def _chronological(slots: Sequence[Slot]) -> list[Slot]:
    return sorted(slots, key=lambda s: (s.start, s.type_name))


def _scarce_first(slots: Sequence[Slot]) -> list[Slot]:
    return sorted(slots, key=lambda s: (not s.night, not s.weekend, s.start, s.type_name))


STRATEGIES: dict[str, Callable[[Sequence[Slot]], list[Slot]]] = {
    "scarce-first": _scarce_first,
    "chronological": _chronological,
}


def plan_rota(
    slots: Sequence[Slot],
    members: Sequence[str],
    *,
    rest: timedelta,
    busy: Mapping[str, Iterable[Interval]] | None = None,
    counted: Mapping[str, Tally] | None = None,
) -> Plan:
    """Fill `slots` from `members`. `busy` are shifts people already have (kept clear of, with
    rest); `counted` seeds the balance with shifts already in the period."""
    if not members:
        return Plan([], [(s, s.needed) for s in _chronological(slots)], {}, "none")
    busy_lists = {m: list((busy or {}).get(m, ())) for m in members}
    plans = [
        _greedy(order(slots), members, rest=rest, busy=busy_lists, counted=counted or {}, name=name)
        for name, order in STRATEGIES.items()
    ]
    return min(plans, key=plan_score)


def plan_score(plan: Plan) -> tuple:
    tallies = plan.balance.values()
    return (
        plan.missing,
        _spread(t.nights for t in tallies),
        _spread(t.weekends for t in tallies),
        _spread(t.shifts for t in tallies),
        _spread(t.seconds // 3600 for t in tallies),
    )


def _greedy(
    slots: list[Slot],
    members: Sequence[str],
    *,
    rest: timedelta,
    busy: Mapping[str, list[Interval]],
    counted: Mapping[str, Tally],
    name: str,
) -> Plan:
    timelines = {m: Timeline(rest, busy.get(m, ())) for m in members}
    tallies = {m: Tally(**vars(counted[m])) if m in counted else Tally() for m in members}
    last: dict[str, datetime] = {}
    order = {m: i for i, m in enumerate(members)}
    assignments: list[Assignment] = []
    unfilled: list[tuple[Slot, int]] = []
    epoch = datetime.min.replace(tzinfo=slots[0].start.tzinfo) if slots else None

    for slot in slots:
        def key(m: str, slot: Slot = slot) -> tuple:
            t = tallies[m]
            return (
                t.nights if slot.night else 0,
                t.weekends if slot.weekend else 0,
                t.shifts,
                t.seconds,
                last.get(m, epoch),
                order[m],
            )

        eligible = sorted((m for m in members if timelines[m].fits(slot.start, slot.end)), key=key)
        chosen = eligible[: slot.needed]
        for m in chosen:
            timelines[m].add(slot.start, slot.end)
            tallies[m].add(slot)
            last[m] = slot.start
            assignments.append(Assignment(slot, m))
        if len(chosen) < slot.needed:
            unfilled.append((slot, slot.needed - len(chosen)))
    assignments.sort(key=lambda a: (a.slot.start, a.slot.type_name, a.member))
    unfilled.sort(key=lambda u: (u[0].start, u[0].type_name))
    return Plan(assignments, unfilled, tallies, name)


# --- coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    type_name: str
    start: datetime
    end: datetime
    min_staff: int


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime
    type_name: str | None  # None: no shift type covers this time at all
    have: int
    need: int | None


@dataclass
class _Sweep:
    events: list[tuple[datetime, int, int]] = field(default_factory=list)  # at, Δneed, Δhave

    def segments(self, lo: datetime, hi: datetime) -> list[tuple[datetime, datetime, int, int]]:
        """(start, end, need, have) for each piece of [lo, hi) between event times."""
        deltas: dict[datetime, list[int]] = {}
        for at, dn, dh in self.events:
            acc = deltas.setdefault(at, [0, 0])
            acc[0] += dn
            acc[1] += dh
        times = sorted(set(deltas) | {lo, hi})
        need = have = 0
        out = []
        for a, b in zip(times, times[1:], strict=False):
            need += deltas.get(a, (0, 0))[0]
            have += deltas.get(a, (0, 0))[1]
            if b <= lo or a >= hi:
                continue
            out.append((max(a, lo), min(b, hi), need, have))
        return out


def _merge(gaps: list[Gap]) -> list[Gap]:
    merged: list[Gap] = []
    for g in gaps:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.end == g.start
            and (prev.type_name, prev.have, prev.need) == (g.type_name, g.have, g.need)
        ):
            merged[-1] = Gap(prev.start, g.end, g.type_name, g.have, g.need)
        else:
            merged.append(g)
    return merged


def find_gaps(
    needs: Iterable[Need],
    shifts: Iterable[tuple[str, datetime, datetime]],
    start: datetime,
    end: datetime,
) -> list[Gap]:
    """Intervals of [start, end) with fewer people of a type than its minimum, and intervals
    that no type needs and nobody covers. `shifts` are (type name, start, end)."""
    per_type: dict[str, _Sweep] = {}
    anyone = _Sweep()
    for n in needs:
        per_type.setdefault(n.type_name, _Sweep()).events += [
            (n.start, n.min_staff, 0),
            (n.end, -n.min_staff, 0),
        ]
        anyone.events += [(n.start, 1, 0), (n.end, -1, 0)]
    for type_name, s, e in shifts:
        if type_name in per_type:
            per_type[type_name].events += [(s, 0, 1), (e, 0, -1)]
        anyone.events += [(s, 1, 0), (e, -1, 0)]
    gaps: list[Gap] = []
    for type_name in sorted(per_type):
        gaps += [
            Gap(a, b, type_name, have, need)
            for a, b, need, have in per_type[type_name].segments(start, end)
            if have < need
        ]
    gaps += [Gap(a, b, None, 0, None) for a, b, covered, _ in anyone.segments(start, end) if covered <= 0]
    gaps.sort(key=lambda g: (g.start, g.type_name or ""))
    by_kind: dict[str | None, list[Gap]] = {}
    for g in gaps:
        by_kind.setdefault(g.type_name, []).append(g)
    out = [m for kind in by_kind.values() for m in _merge(kind)]
    return sorted(out, key=lambda g: (g.start, g.type_name or ""))
