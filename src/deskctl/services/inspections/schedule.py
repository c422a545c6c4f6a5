"""What inspections share: finding plans, their checklists, owners, and which occurrence is what.

An occurrence is owed when the plan was active and on that schedule at its instant (from
`starts_at`, the start of the plan's current owing period, for the live part). Its state:

- `done` / `late`: it has a run (late = performed after the grace window);
- `due`: it is the plan's latest occurrence, not run, within the grace window;
- `overdue`: the same, past the grace window;
- `missed`: not run and a later occurrence has arrived, or the plan was paused, re-scheduled
  or retired before it was run. Missed occurrences are never dropped: `history` lists them.

The owing periods of the past are rebuilt from the plan's audit events (added / edited /
paused / resumed / retired), each of which records the schedule it starts (`owes`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.domain.recurrence import Recurrence, load
from deskctl.errors import NotFound, quote
from deskctl.i18n import _
from deskctl.store.tables import Event, InspectionItem, InspectionPlan, InspectionRun, Staff

PLAN_ENTITY = "inspection_plan"
RUN_ENTITY = "inspection_run"
ON_DUTY = "on-duty"
_TINY = timedelta(microseconds=1)


def get_plan(session: Session, name: str) -> InspectionPlan:
    plan: InspectionPlan | None = session.execute(
        select(InspectionPlan).where(col(InspectionPlan.name) == (name or "").strip())
    ).scalar_one_or_none()
    if plan is None:
        raise NotFound(_("no inspection plan named {name} (see `deskctl inspect plan list`)").format(
            name=quote(name)))
    return plan


def checklist(session: Session, plan_id: int) -> list[InspectionItem]:
    """The plan's current items, in checklist order (retired items have negative positions)."""
    return list(
        session.execute(
            select(InspectionItem)
            .where(col(InspectionItem.plan_id) == plan_id, col(InspectionItem.position) > 0)
            .order_by(col(InspectionItem.position))
        ).scalars()
    )


def recurrence(plan: InspectionPlan) -> Recurrence:
    return load(plan.rrule)


def supervisor_handle(session: Session) -> str | None:
    return session.execute(
        select(col(Staff.handle))
        .where(col(Staff.role) == "supervisor", col(Staff.active).is_(True))
        .order_by(col(Staff.id))
        .limit(1)
    ).scalar_one_or_none()


class OwnerResolver:
    """`on-duty` is whoever is on shift at the due instant; the supervisor when nobody is."""

    def __init__(self, session: Session):
        self.session = session
        self._cache: dict[datetime, str | None] = {}
        self._supervisor: str | None = None
        self._supervisor_known = False

    def __call__(self, owner: str, at: datetime) -> str | None:
        if owner != ON_DUTY:
            return owner
        if at not in self._cache:
            self._cache[at] = self._on_duty(at) or self.supervisor()
        return self._cache[at]

    def supervisor(self) -> str | None:
        if not self._supervisor_known:
            self._supervisor = supervisor_handle(self.session)
            self._supervisor_known = True
        return self._supervisor

    def _on_duty(self, at: datetime) -> str | None:
        from deskctl.services.shifts import views as shifts

        if not hasattr(shifts, "on_duty_at"):
            return None
        people = shifts.on_duty_at(session=self.session, at=at)
        # the desk's officer on duty first (a technician's on-call shift is not the desk's)
        people = sorted(people, key=lambda p: (p.role != "officer", p.handle))
        handles = [p.handle for p in people if p.handle]
        return handles[0] if handles else None

    def on_duty(self, at: datetime) -> str | None:
        """Who is on shift at `at` (an officer first), without the supervisor fallback."""
        return self._on_duty(at)


def run_keys(session: Session, keys: list[tuple[int, datetime]]) -> dict[tuple[int, datetime], int]:
    """Which of these (plan id, occurrence) pairs have a run: one query on the unique index."""
    if not keys:
        return {}
    plan_ids = sorted({k[0] for k in keys})
    instants = sorted({k[1] for k in keys})
    found: dict[tuple[int, datetime], int] = {}
    wanted = set(keys)
    chunk = 400
    for i in range(0, len(instants), chunk):
        rows = session.execute(
            select(col(InspectionRun.plan_id), col(InspectionRun.occurrence_at), col(InspectionRun.id)).where(
                col(InspectionRun.plan_id).in_(plan_ids),
                col(InspectionRun.occurrence_at).in_(instants[i:i + chunk]),
            )
        ).all()
        for plan_id, at, run_id in rows:
            if (plan_id, at) in wanted:
                found[(plan_id, at)] = run_id
    return found


def last_runs(session: Session, plan_ids: list[int]) -> dict[int, datetime]:
    """The latest run's occurrence per plan, in one query (an index seek per plan)."""
    if not plan_ids:
        return {}
    latest = (
        select(func.max(InspectionRun.occurrence_at))
        .where(col(InspectionRun.plan_id) == col(InspectionPlan.id))
        .correlate(InspectionPlan)
        .scalar_subquery()
    )
    rows = session.execute(
        select(col(InspectionPlan.id), latest).where(col(InspectionPlan.id).in_(plan_ids))
    ).all()
    return {pid: at for pid, at in rows if at is not None}


def current_occurrence(plan: InspectionPlan, now: datetime, tz: tzinfo) -> datetime | None:
    """The plan's latest owed occurrence at or before `now` (None when nothing is owed yet)."""
    at = recurrence(plan).previous(now, tz)
    if at is None or at < plan.starts_at:
        return None
    return at


def next_occurrence(plan: InspectionPlan, now: datetime, tz: tzinfo) -> datetime | None:
    return recurrence(plan).following(max(now, plan.starts_at - _TINY), tz)


def occurrence_state(due_at: datetime, grace_seconds: int, now: datetime) -> str:
    return "overdue" if now > due_at + timedelta(seconds=grace_seconds) else "due"


# --- the owing periods of the past ------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    rrule: str
    start: datetime
    end: datetime | None  # None: still owing


def segments(session: Session, plan_ids: list[int]) -> dict[int, list[Segment]]:
    """Per plan, the periods in which it owed occurrences, and on which schedule."""
    from datetime import UTC

    out: dict[int, list[Segment]] = {pid: [] for pid in plan_ids}
    if not plan_ids:
        return out
    rows = session.execute(
        select(col(Event.entity_id), col(Event.at), col(Event.kind), col(Event.details))
        .where(col(Event.entity) == PLAN_ENTITY, col(Event.entity_id).in_(plan_ids))
        .order_by(col(Event.id))
    ).all()
    open_: dict[int, tuple[str, datetime]] = {}
    for pid, at, kind, details in rows:
        data = json.loads(details or "{}")
        owes = data.get("owes")
        ends = kind in ("paused", "retired") or owes is not None
        if ends and pid in open_:
            rule, start = open_.pop(pid)
            end = at if owes is None else datetime.fromisoformat(owes["from"]).astimezone(UTC)
            out[pid].append(Segment(rule, start, max(end, start)))
        if owes is not None:
            open_[pid] = (owes["rrule"], datetime.fromisoformat(owes["from"]).astimezone(UTC))
    for pid, (rule, start) in open_.items():
        out[pid].append(Segment(rule, start, None))
    return out


def owed_occurrences(
    segs: list[Segment], *, start: datetime, end: datetime, tz: tzinfo
) -> list[tuple[datetime, bool]]:
    """Occurrences owed in [start, end): (instant, whether its owing period has closed)."""
    out: list[tuple[datetime, bool]] = []
    for seg in segs:
        lo = max(start, seg.start)
        hi = end if seg.end is None else min(end, seg.end)
        if lo >= hi:
            continue
        closed = seg.end is not None
        out.extend((t, closed) for t in load(seg.rrule).between(lo, hi, tz))
    return out
