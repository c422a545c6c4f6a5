"""Changing the rota: planning a period, single assignments, unassign and cover (supervisor)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import delete, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.rota import Slot, Tally, plan_rota
from deskctl.domain.shift_time import is_night, is_weekend, shift_instants
from deskctl.errors import Conflict, InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.services.people.staff import get_staff, require_supervisor
from deskctl.services.shifts.teams import check_member
from deskctl.services.shifts.types import get_type, wall
from deskctl.services.shifts.views import MAX_SHIFT, get_shift, view_of
from deskctl.store import audit
from deskctl.store.tables import Handover, Shift, ShiftType, Staff, SwapRequest, pk
from deskctl.timeparse import Clock, format_duration, local_text

MAX_PLAN_DAYS = 731


def check_fits(
    session: Session,
    *,
    staff: Staff,
    start: datetime,
    end: datetime,
    rest: timedelta,
    tz: tzinfo,
    exclude_id: int | None = None,
    on_call: bool = False,
) -> None:
    """Refuse (exit 4) a shift that would double-book `staff` or cut their rest short. The rest
    is kept next to every desk duty shift; two on-call shifts (`on_call`) may follow each other
    (a week on call is seven shifts in a row)."""
    query = (
        select(col(Shift.id), col(Shift.start_at), col(Shift.end_at), col(ShiftType.team))
        .join(ShiftType, col(ShiftType.id) == col(Shift.type_id))
        .where(
            col(Shift.staff_id) == staff.id,
            col(Shift.start_at) < end + rest,
            col(Shift.start_at) > start - rest - MAX_SHIFT,
            col(Shift.end_at) > start - rest,
        )
    )
    if exclude_id is not None:
        query = query.where(col(Shift.id) != exclude_id)
    for other_id, s, e, team in session.execute(query.order_by(col(Shift.start_at))).all():
        if s < end and e > start:
            raise Conflict(_(
                "{handle} already has shift {id} ({start}–{end}) at that time: that would double-book them; "
                "pick someone else"
            ).format(handle=staff.handle, id=other_id, start=local_text(s, tz), end=local_text(e, tz)))
        if on_call and team is not None:
            continue
        gap = start - e if e <= start else s - end
        raise Conflict(_(
            "{handle} would have only {gap} rest next to shift {id} ({start}); the minimum is {rest} "
            "(config shift.rest)"
        ).format(handle=staff.handle, gap=format_duration(gap), id=other_id, start=local_text(s, tz),
                 rest=format_duration(rest)))


def active_member(session: Session, handle: str) -> Staff:
    member = get_staff(session, handle)
    if not member.active:
        raise InvalidInput(_("{handle} is deactivated and cannot be put on the rota").format(handle=quote(handle)))
    return member


def _active_type(session: Session, name: str) -> ShiftType:
    row = get_type(session, name)
    if not row.active:
        raise InvalidInput(
            _(
                "shift type {quoted} is inactive; `deskctl shift type edit {name} --active` to use it again"
            ).format(quoted=quote(name), name=name)
        )
    return row


def cancel_pending_swaps(session: Session, shift: Shift, *, at: datetime, actor: str, why: str) -> None:
    pending = session.execute(
        select(SwapRequest).where(col(SwapRequest.shift_id) == shift.id, col(SwapRequest.status) == "pending")
    ).scalars()
    for req in pending:
        req.status = "cancelled"
        req.decided_at = at
        audit.append(
            session, at=at, actor=actor, entity="swap_request", entity_id=req.id, kind="cancelled",
            from_value="pending", to_value="cancelled", details={"shift_id": shift.id, "why": why},
        )


# --- plan ---------------------------------------------------------------------------------


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _slot_of(row: ShiftType, day: date, tz: tzinfo) -> Slot:
    s_t, e_t = wall(row.start_local), wall(row.end_local)
    start, end = shift_instants(day, s_t, e_t, tz)
    return Slot(day, row.name, start, end, row.min_staff, is_night(s_t, e_t), is_weekend(day))


def plan(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    first: date,
    last: date,
    types: list[str],
    members: list[str],
    dry_run: bool = False,
    replace: bool = False,
) -> dict:
    """Rotate `members` over `types` from `first` to `last` (inclusive); see domain.rota."""
    by = require_supervisor(session, actor)
    if last < first:
        raise InvalidInput(_("--from {first} is after --to {last}").format(first=first, last=last))
    if (last - first).days + 1 > MAX_PLAN_DAYS:
        raise InvalidInput(_("plan at most {MAX_PLAN_DAYS} days at a time").format(MAX_PLAN_DAYS=MAX_PLAN_DAYS))
    type_rows = [_active_type(session, t) for t in dict.fromkeys(types)]
    if not type_rows:
        raise InvalidInput(_("give at least one shift type (--type day,night)"))
    teams = {t.team for t in type_rows}
    if len(teams) > 1:
        named = ", ".join(f"{t.name} ({t.team or 'desk duty'})" for t in type_rows)
        raise InvalidInput(_("plan one rota at a time: {named} belong to different rotas").format(named=named))
    team = teams.pop()
    people = [active_member(session, m) for m in dict.fromkeys(members)]
    if not people:
        raise InvalidInput(_("give at least one member (--members zhang,wang)"))
    for p in people:
        check_member(type_rows[0], p)
    now = clock.now()
    rest = config.duration("shift.rest")
    days = _days(first, last)
    lo = min(_slot_of(t, first, tz).start for t in type_rows) - rest - MAX_SHIFT
    hi = max(_slot_of(t, last, tz).end for t in type_rows) + rest + MAX_SHIFT

    type_ids = {t.id for t in type_rows}
    existing = session.execute(
        select(Shift).where(col(Shift.type_id).in_(type_ids), col(Shift.day) >= first, col(Shift.day) <= last)
    ).scalars().all()
    removable = [s for s in existing if replace and s.start_at > now and s.clock_in_at is None]
    removable_ids = {s.id for s in removable}
    kept_slots = {(s.type_id, s.day) for s in existing if s.id not in removable_ids}
    slots = [
        _slot_of(t, d, tz) for d in days for t in type_rows if (t.id, d) not in kept_slots
    ]
    skipped = sorted({(d, t.name) for t in type_rows for d in days if (t.id, d) in kept_slots})

    handle_of = {p.id: p.handle for p in people}
    busy: dict[str, list] = {p.handle: [] for p in people}
    counted: dict[str, Tally] = {p.handle: Tally() for p in people}
    nearby = session.execute(
        select(Shift, col(ShiftType.team)).join(ShiftType, col(ShiftType.id) == col(Shift.type_id)).where(
            col(Shift.staff_id).in_(handle_of), col(Shift.start_at) < hi, col(Shift.start_at) > lo,
            col(Shift.end_at) > lo,
        )
    ).all()
    for s, other_team in nearby:
        if s.id in removable_ids:
            continue
        who = handle_of[s.staff_id]
        if team is not None and other_team is None:  # on call needs no rest, except next to desk duty
            busy[who].append((s.start_at - rest, s.end_at + rest))
        else:
            busy[who].append((s.start_at, s.end_at))
        if first <= s.day <= last and other_team == team:
            local_s, local_e = s.start_at.astimezone(tz).time(), s.end_at.astimezone(tz).time()
            counted[who].add(Slot(s.day, "", s.start_at, s.end_at, 1, is_night(local_s, local_e), is_weekend(s.day)))

    plan_rest = timedelta(0) if team is not None else rest
    result = plan_rota(slots, [p.handle for p in people], rest=plan_rest, busy=busy, counted=counted)

    created: list[Shift] = []
    if not dry_run:
        for s in removable:
            cancel_pending_swaps(session, s, at=now, actor=by.handle, why="replanned")
            audit.append(
                session, at=now, actor=by.handle, entity="shift", entity_id=s.id, kind="unassigned",
                from_value=_handle(session, s.staff_id), details={"day": s.day, "why": "replanned"},
            )
        if removable_ids:
            session.execute(delete(SwapRequest).where(col(SwapRequest.shift_id).in_(removable_ids)))
            session.execute(delete(Shift).where(col(Shift.id).in_(removable_ids)))
        type_by_name = {t.name: t for t in type_rows}
        staff_by_handle = {p.handle: p for p in people}
        for a in result.assignments:
            row = Shift(
                type_id=pk(type_by_name[a.slot.type_name]), staff_id=pk(staff_by_handle[a.member]),
                day=a.slot.day, start_at=a.slot.start, end_at=a.slot.end, created_at=now,
            )
            session.add(row)
            created.append(row)
        session.flush()
        period = f"{first}..{last}"
        for row, a in zip(created, result.assignments, strict=True):
            audit.append(
                session, at=now, actor=by.handle, entity="shift", entity_id=row.id, kind="planned",
                to_value=a.member, details={"day": a.slot.day, "type": a.slot.type_name, "plan": period},
            )

    ids = [row.id for row in created] or [None] * len(result.assignments)
    return {
        "from": first,
        "to": last,
        "types": [t.name for t in type_rows],
        "members": [p.handle for p in people],
        "dry_run": dry_run,
        "strategy": result.strategy,
        "planned": len(result.assignments),
        "replaced": len(removable_ids),
        "unfilled": [
            {"day": s.day, "type": s.type_name, "start_at": s.start, "missing": n} for s, n in result.unfilled
        ],
        "skipped": [{"day": d, "type": t} for d, t in skipped],
        "balance": [
            {
                "who": who,
                "shifts": t.shifts,
                "nights": t.nights,
                "weekends": t.weekends,
                "hours": round(t.seconds / 3600, 1),
            }
            for who, t in result.balance.items()
        ],
        "shifts": [
            {
                "id": shift_id,
                "day": a.slot.day,
                "type": a.slot.type_name,
                "who": a.member,
                "start_at": a.slot.start,
                "end_at": a.slot.end,
                "hours": round(a.slot.seconds / 3600, 2),
                "night": a.slot.night,
                "weekend": a.slot.weekend,
            }
            for shift_id, a in zip(ids, result.assignments, strict=True)
        ],
    }


def _handle(session: Session, staff_id: int) -> str:
    handle: str = session.execute(select(col(Staff.handle)).where(col(Staff.id) == staff_id)).scalar_one()
    return handle


# --- single slots ---------------------------------------------------------------------------


def assign(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, day: date, type_name: str, handle: str
) -> dict:
    by = require_supervisor(session, actor)
    row = _active_type(session, type_name)
    member = active_member(session, handle)
    check_member(row, member)
    slot = _slot_of(row, day, tz)
    check_fits(session, staff=member, start=slot.start, end=slot.end, rest=config.duration("shift.rest"), tz=tz,
               on_call=row.team is not None)
    now = clock.now()
    shift = Shift(
        type_id=pk(row), staff_id=pk(member), day=day, start_at=slot.start, end_at=slot.end, created_at=now
    )
    session.add(shift)
    session.flush()
    audit.append(
        session, at=now, actor=by.handle, entity="shift", entity_id=shift.id, kind="assigned",
        to_value=member.handle, details={"day": day, "type": row.name},
    )
    return view_of(session, shift, now=now, tz=tz, config=config)


def find_shift(session: Session, *, day: date, type_name: str, handle: str) -> Shift:
    row = get_type(session, type_name)
    member = get_staff(session, handle)
    shift: Shift | None = session.execute(
        select(Shift).where(col(Shift.day) == day, col(Shift.type_id) == row.id, col(Shift.staff_id) == member.id)
    ).scalar_one_or_none()
    if shift is None:
        raise NotFound(_(
                "{handle} has no {type_name} shift on {day} (see `deskctl shift list`)"
            ).format(handle=handle, type_name=type_name, day=day))
    return shift


def unassign(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, shift: Shift
) -> dict:
    """Take a shift off the rota before it starts; one that has started is history."""
    by = require_supervisor(session, actor)
    now = clock.now()
    if shift.start_at <= now or shift.clock_in_at is not None:
        raise Conflict(
            _(
                "shift {id} has started, so it stays on record; put someone else on it with `deskctl shift "
                "cover {id} --by HANDLE`"
            ).format(id=shift.id)
        )
    if session.execute(select(col(Handover.id)).where(col(Handover.shift_id) == shift.id)).first():
        raise Conflict(_("shift {id} has a handover on record and cannot be removed").format(id=shift.id))
    view = view_of(session, shift, now=now, tz=tz, config=config)
    cancel_pending_swaps(session, shift, at=now, actor=by.handle, why="unassigned")
    audit.append(
        session, at=now, actor=by.handle, entity="shift", entity_id=shift.id, kind="unassigned",
        from_value=view["who"], details={"day": shift.day, "type": view["type"]},
    )
    session.execute(delete(SwapRequest).where(col(SwapRequest.shift_id) == shift.id))
    session.delete(shift)
    return view


def cover(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, shift_id: int, handle: str
) -> dict:
    """Put `handle` on a shift in place of its holder, directly (supervisor)."""
    by = require_supervisor(session, actor)
    shift = get_shift(session, shift_id)
    member = active_member(session, handle)
    now = clock.now()
    old = _handle(session, shift.staff_id)
    if member.id == shift.staff_id:
        raise InvalidInput(_("shift {shift_id} is already {handle}'s").format(shift_id=shift_id, handle=handle))
    if shift.end_at <= now:
        raise Conflict(_(
                "shift {shift_id} is over; fix its attendance with `shift clock-in --for … --reason …`"
            ).format(shift_id=shift_id))
    if shift.clock_in_at is not None:
        raise Conflict(
            _(
                "{old} clocked in on shift {shift_id}; let them clock out, then assign {handle} the rest"
            ).format(old=old, shift_id=shift_id, handle=handle)
        )
    row = session.get(ShiftType, shift.type_id)
    assert row is not None  # type_id is a foreign key
    check_member(row, member)
    check_fits(
        session, staff=member, start=shift.start_at, end=shift.end_at,
        rest=config.duration("shift.rest"), tz=tz, exclude_id=shift.id, on_call=row.team is not None,
    )
    cancel_pending_swaps(session, shift, at=now, actor=by.handle, why=f"covered by {handle}")
    shift.staff_id = pk(member)
    audit.append(
        session, at=now, actor=by.handle, entity="shift", entity_id=shift.id, kind="covered",
        from_value=old, to_value=member.handle, details={"day": shift.day},
    )
    return view_of(session, shift, now=now, tz=tz, config=config)
