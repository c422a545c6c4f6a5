"""Demo rota: day 08:00-20:00 and night 20:00-08:00, a month around now for the five duty
officers, attendance as people really clock (a few late, one no-show), and handovers; tier 2
and tier 3 technicians on call 18:00-08:00 over the same month.

Everything goes through the shift services, with the clock set to when each thing happened.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from deskctl.services.demo.staff import OFFICERS, TECHNICIANS
from deskctl.services.shifts import attendance as shift_attendance
from deskctl.services.shifts import handover as shift_handover
from deskctl.services.shifts import rota as shift_rota
from deskctl.services.shifts import types as shift_types
from deskctl.services.shifts.teams import desk_duty
from deskctl.store.tables import Shift, Staff
from deskctl.timeparse import Clock

if TYPE_CHECKING:
    from deskctl.services.demo import DemoContext

SUPERVISOR = "lead"
LATE_SHIFTS = 4  # past shifts whose officer clocks in beyond the grace
ON_CALL = (("oncall-t2", 2), ("oncall-t3", 3))


def seed(ctx: DemoContext) -> None:
    for name, start, end in (("day", "08:00", "20:00"), ("night", "20:00", "08:00")):
        shift_types.add_type(
            session=ctx.session, clock=ctx.clock, actor=SUPERVISOR, name=name, start=start, end=end, min_staff=1
        )
    today = ctx.now.astimezone(ctx.tz).date()
    plan = shift_rota.plan(
        session=ctx.session, clock=ctx.clock, actor=SUPERVISOR, config=ctx.config, tz=ctx.tz,
        first=today - timedelta(days=14), last=today + timedelta(days=16),
        types=["day", "night"], members=OFFICERS,
    )
    on_call = _on_call(ctx, first=today - timedelta(days=14), last=today + timedelta(days=16))
    ctx.counts["shift_types"] = 2 + len(ON_CALL)
    ctx.counts["shifts"] = plan["planned"] + on_call
    ctx.counts.update(_attendance(ctx))
    ctx.counts["handovers"] = _handovers(ctx)


def _on_call(ctx: DemoContext, *, first: date, last: date) -> int:
    """Tier 2 and tier 3 on call out of office hours (18:00-08:00), one rota per tier: escalations
    at night reach the technician on call, by day the least-loaded one."""
    planned = 0
    for name, tier in ON_CALL:
        shift_types.add_type(
            session=ctx.session, clock=ctx.clock, actor=SUPERVISOR, name=name, start="18:00", end="08:00",
            team=f"tier{tier}",
        )
        plan = shift_rota.plan(
            session=ctx.session, clock=ctx.clock, actor=SUPERVISOR, config=ctx.config, tz=ctx.tz,
            first=first, last=last, types=[name], members=TECHNICIANS[tier],
        )
        planned += plan["planned"]
    return planned


def _started(ctx: DemoContext) -> list[tuple[Shift, str]]:
    return list(
        ctx.session.execute(
            select(Shift, col(Staff.handle))
            .join(Staff, col(Shift.staff_id) == col(Staff.id))
            .where(col(Shift.start_at) <= ctx.now, desk_duty())
            .order_by(col(Shift.start_at))
        ).all()
    )


def _attendance(ctx: DemoContext) -> dict[str, int]:
    """Clock everybody in and out around their shifts; a few come late, one never comes."""
    started = _started(ctx)
    ended = [i for i, (s, _) in enumerate(started) if s.end_at <= ctx.now]
    rng = ctx.rng
    no_show = ended[len(ended) // 2] if ended else None
    late = set(rng.sample([i for i in ended if i != no_show], min(LATE_SHIFTS, max(len(ended) - 1, 0))))
    early = rng.choice([i for i in ended if i not in late and i != no_show]) if len(ended) > LATE_SHIFTS + 1 else None
    counts = {"clock_ins": 0, "late": 0, "no_shows": int(no_show is not None)}
    for i, (shift, handle) in enumerate(started):
        if i == no_show:
            continue
        offset = timedelta(minutes=rng.randint(8, 35)) if i in late else timedelta(minutes=rng.randint(-12, 3))
        at = min(shift.start_at + offset, ctx.now)
        shift_attendance.clock_in(
            session=ctx.session, clock=Clock(fixed=at), actor=handle, config=ctx.config, tz=ctx.tz
        )
        counts["clock_ins"] += 1
        counts["late"] += int(i in late)
        if shift.end_at > ctx.now:
            continue
        out = timedelta(minutes=-rng.randint(40, 90)) if i == early else timedelta(minutes=rng.randint(0, 15))
        shift_attendance.clock_out(
            session=ctx.session, clock=Clock(fixed=min(shift.end_at + out, ctx.now)), actor=handle,
            config=ctx.config, tz=ctx.tz,
        )
    return counts


def _handovers(ctx: DemoContext) -> int:
    """The last three finished shifts were handed over; the newest is not taken over yet."""
    ended = [(s, h) for s, h in _started(ctx) if s.end_at <= ctx.now and s.clock_in_at is not None][-3:]
    notes = [
        "core switch fan noisy, watch it",
        "backup job on the file server re-run at 02:00, check its log",
        "printer on floor 3 waiting for a spare part; user informed",
    ]
    for n, (shift, handle) in enumerate(ended):
        at = shift.end_at - timedelta(minutes=10)
        view = shift_handover.handover(
            session=ctx.session, clock=Clock(fixed=at), actor=handle, config=ctx.config, tz=ctx.tz,
            note=notes[n % len(notes)],
        )
        if n < len(ended) - 1 and view["to"]:
            shift_handover.takeover(
                session=ctx.session, clock=Clock(fixed=shift.end_at + timedelta(minutes=4)),
                actor=view["to"], config=ctx.config,
            )
    return len(ended)
