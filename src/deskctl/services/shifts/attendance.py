"""Clock-in and clock-out against the rota, and the supervisor's corrections.

The acting user clocks in on their shift in progress, or on one starting within
`shift.clock_window`; lateness, early leave and no-shows are derived from the instants (see
domain.shift_time.attendance), never stored as separate facts. A supervisor may record or
correct either instant for someone (`--for`, `--at`, `--reason`); the audit trail keeps the
old value, the new one and the reason.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import Conflict, InvalidInput
from deskctl.i18n import _
from deskctl.services.inputs import clean_text
from deskctl.services.people.staff import get_staff, require_actor, require_supervisor
from deskctl.services.shifts.teams import desk_duty
from deskctl.services.shifts.views import MAX_SHIFT, get_shift, view_of
from deskctl.store import audit
from deskctl.store.tables import Shift, ShiftType, Staff
from deskctl.timeparse import Clock, format_duration, local_text


def _who(session: Session, actor: str, for_handle: str | None, at: datetime | None, reason: str | None,
         shift_id: int | None, now: datetime, tz: tzinfo,
         config: Config) -> tuple[Staff, Staff, datetime, bool, str]:
    """(who acts, whose attendance, at, is a correction, reason)."""
    correcting = for_handle is not None or at is not None or shift_id is not None
    reason = clean_text(reason, "--reason", config)
    if not correcting:
        me = require_actor(session, actor)
        return me, me, now, False, reason
    by = require_supervisor(session, actor)
    if not reason:
        raise InvalidInput(_("a correction needs a reason: --reason TEXT (it goes into the audit trail)"))
    person = get_staff(session, for_handle or actor)
    at = at or now
    if at > now:
        raise InvalidInput(_("{at} is in the future; record what happened, not what will").format(
            at=local_text(at, tz)))
    return by, person, at, True, reason


def _own(session: Session, shift_id: int, person: Staff) -> Shift:
    shift = get_shift(session, shift_id)
    if shift.staff_id != person.id:
        raise InvalidInput(
            _(
                "shift {shift_id} is not {handle}'s (see `deskctl shift list --who {handle}`)"
            ).format(shift_id=shift_id, handle=person.handle)
        )
    _refuse_on_call(session, shift)
    return shift


def _refuse_on_call(session: Session, shift: Shift | None) -> None:
    """On call is standby, not presence at the desk: nobody clocks in or out of it."""
    if shift is None:
        return
    team = session.execute(select(col(ShiftType.team)).where(col(ShiftType.id) == shift.type_id)).scalar()
    if team is not None:
        raise Conflict(_(
                "shift {id} is on call (team {team}); on-call shifts are not clocked in or out"
            ).format(id=shift.id, team=team))


def _on_call_instead(session: Session, person: Staff, at: datetime) -> Shift | None:
    """The person's on-call shift around `at`, to explain why there is nothing to clock."""
    shift: Shift | None = session.execute(
        select(Shift).where(
            col(Shift.staff_id) == person.id, col(Shift.start_at) <= at, col(Shift.start_at) > at - MAX_SHIFT,
            col(Shift.end_at) > at, ~desk_duty(),
        ).limit(1)
    ).scalar()
    return shift


def clock_in(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    for_handle: str | None = None,
    at: datetime | None = None,
    reason: str | None = None,
    shift_id: int | None = None,
) -> dict:
    now = clock.now()
    by, person, at, correcting, reason = _who(session, actor, for_handle, at, reason, shift_id, now, tz, config)
    window = config.duration("shift.clock_window")
    shift: Shift | None
    if shift_id is not None:
        shift = _own(session, shift_id, person)
    else:
        shift = session.execute(
            select(Shift)
            .where(
                col(Shift.staff_id) == person.id,
                col(Shift.start_at) <= at + window,
                col(Shift.start_at) > at - MAX_SHIFT,
                col(Shift.end_at) > at,
                desk_duty(),
            )
            .order_by(col(Shift.start_at))
            .limit(1)
        ).scalar()
        if shift is None:
            _refuse_on_call(session, _on_call_instead(session, person, at))
            raise Conflict(_(
                "{handle} has no shift in progress or starting within {window} (config shift.clock_window); "
                "see `deskctl shift mine`").format(handle=person.handle, window=format_duration(window)))
    if shift.clock_in_at is not None and not correcting:
        raise Conflict(_(
            "you clocked in on shift {id} at {at} already; at the end, `deskctl shift clock-out`"
        ).format(id=shift.id, at=local_text(shift.clock_in_at, tz)))
    if shift.clock_out_at is not None and at > shift.clock_out_at:
        raise InvalidInput(_("clock-in {at} would be after the clock-out {out}").format(
            at=local_text(at, tz), out=local_text(shift.clock_out_at, tz)))
    old = shift.clock_in_at
    shift.clock_in_at = at
    audit.append(
        session, at=now, actor=by.handle, entity="shift", entity_id=shift.id,
        kind="clock_in_corrected" if correcting else "clock_in",
        from_value=None if old is None else old.isoformat(), to_value=at.isoformat(),
        details={"for": person.handle, "reason": reason} if correcting or reason else {},
    )
    view = view_of(session, shift, now=now, tz=tz, config=config)
    grace = config.duration("shift.grace")
    if view["late_seconds"]:
        view["note"] = _("clocked in {late} late (beyond the {grace} grace): recorded as late").format(
            late=format_duration(view["late_seconds"]), grace=format_duration(grace))
    else:
        view["note"] = _("clocked in on shift {id} ({type}, {start}–{end})").format(
            id=shift.id, type=view["type"], start=local_text(shift.start_at, tz), end=local_text(shift.end_at, tz))
    return view


def clock_out(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    for_handle: str | None = None,
    at: datetime | None = None,
    reason: str | None = None,
    shift_id: int | None = None,
) -> dict:
    now = clock.now()
    by, person, at, correcting, reason = _who(session, actor, for_handle, at, reason, shift_id, now, tz, config)
    window = config.duration("shift.clock_window")
    shift: Shift | None
    if shift_id is not None:
        shift = _own(session, shift_id, person)
    elif correcting:
        shift = session.execute(
            select(Shift)
            .where(
                col(Shift.staff_id) == person.id,
                col(Shift.start_at) <= at,
                col(Shift.start_at) > at - MAX_SHIFT - window,
                col(Shift.end_at) >= at - window,
                desk_duty(),
            )
            .order_by(col(Shift.start_at).desc())
            .limit(1)
        ).scalar()
        if shift is None:
            raise Conflict(_("{handle} has no shift around {at}; give --shift ID").format(
                handle=person.handle, at=local_text(at, tz)))
    else:
        shift = session.execute(
            select(Shift)
            .where(
                col(Shift.staff_id) == person.id,
                col(Shift.clock_in_at).is_not(None),
                col(Shift.clock_out_at).is_(None),
                col(Shift.start_at) <= now + window,
                col(Shift.start_at) > now - MAX_SHIFT - window,
                desk_duty(),
            )
            .order_by(col(Shift.start_at).desc())
            .limit(1)
        ).scalar()
        if shift is None:
            raise Conflict(_("you are not clocked in on any shift; clock in first with `deskctl shift clock-in`"))
        if now > shift.end_at + window:
            raise Conflict(_(
                "shift {id} ended at {end}, more than {window} ago; ask a supervisor to record your clock-out "
                "with --for, --at and --reason"
            ).format(id=shift.id, end=local_text(shift.end_at, tz), window=format_duration(window)))
    if shift.clock_in_at is None:
        raise Conflict(_(
                "shift {id} has no clock-in; record the clock-in first (`shift clock-in --for … --at …`)"
            ).format(id=shift.id))
    if at < shift.clock_in_at:
        raise InvalidInput(_("clock-out {at} would be before the clock-in {clock_in}").format(
            at=local_text(at, tz), clock_in=local_text(shift.clock_in_at, tz)))
    old = shift.clock_out_at
    shift.clock_out_at = at
    audit.append(
        session, at=now, actor=by.handle, entity="shift", entity_id=shift.id,
        kind="clock_out_corrected" if correcting else "clock_out",
        from_value=None if old is None else old.isoformat(), to_value=at.isoformat(),
        details={"for": person.handle, "reason": reason} if correcting or reason else {},
    )
    view = view_of(session, shift, now=now, tz=tz, config=config)
    if view["early_leave_seconds"]:
        view["note"] = _("clocked out {early} before the end: recorded as early leave").format(
            early=format_duration(view["early_leave_seconds"]))
    else:
        view["note"] = _("clocked out of shift {id}").format(id=shift.id)
    return view
