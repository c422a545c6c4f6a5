"""Swaps: the holder of a shift asks a colleague to take it; the colleague accepts or declines.

An accepted swap hands the shift over to the colleague, after checking again, at that moment,
that it double-books nobody and keeps the minimum rest (and that an on-call shift goes to a
technician of its tier). Every step is in the audit trail.
"""

from __future__ import annotations

from datetime import tzinfo

from sqlalchemy import or_, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.i18n import _
from deskctl.services.people.staff import handles_by_id, require_actor
from deskctl.services.shifts.rota import active_member, check_fits
from deskctl.services.shifts.teams import check_member
from deskctl.services.shifts.views import get_shift
from deskctl.store import audit
from deskctl.store.tables import Shift, ShiftType, Staff, SwapRequest, pk
from deskctl.timeparse import Clock


def _view(session: Session, req: SwapRequest) -> dict:
    handles = handles_by_id(session)
    shift = session.get(Shift, req.shift_id)
    assert shift is not None  # shift_id is a foreign key
    type_name = session.execute(select(col(ShiftType.name)).where(col(ShiftType.id) == shift.type_id)).scalar_one()
    return {
        "id": req.id,
        "shift_id": req.shift_id,
        "day": shift.day,
        "type": type_name,
        "start_at": shift.start_at,
        "from": handles.get(req.requester_id),
        "to": handles.get(req.target_id),
        "status": req.status,
        "created_at": req.created_at,
        "decided_at": req.decided_at,
    }


def _fits(session: Session, shift: Shift, member: Staff, *, config: Config, tz: tzinfo) -> None:
    """`member` may hold `shift`: the rota's people (on call: its tier's technicians), no
    double-booking, the minimum rest."""
    row = session.get(ShiftType, shift.type_id)
    assert row is not None  # type_id is a foreign key
    check_member(row, member)
    check_fits(
        session, staff=member, start=shift.start_at, end=shift.end_at,
        rest=config.duration("shift.rest"), tz=tz, exclude_id=shift.id, on_call=row.team is not None,
    )


def request_swap(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, shift_id: int, with_handle: str
) -> dict:
    me = require_actor(session, actor)
    shift = get_shift(session, shift_id)
    if shift.staff_id != me.id:
        raise PermissionDenied(
            _(
                "shift {shift_id} is not yours; only its holder can ask for a swap (a supervisor can use "
                "`deskctl shift cover`)"
            ).format(shift_id=shift_id)
        )
    if with_handle.strip() == me.handle:
        raise InvalidInput(_("a swap needs someone else: --with another staff handle"))
    target = active_member(session, with_handle.strip())
    now = clock.now()
    if shift.start_at <= now:
        raise Conflict(_(
                "shift {shift_id} has started; ask a supervisor to `deskctl shift cover` it"
            ).format(shift_id=shift_id))
    pending = session.execute(
        select(col(SwapRequest.id)).where(col(SwapRequest.shift_id) == shift.id, col(SwapRequest.status) == "pending")
    ).scalar()
    if pending is not None:
        raise Conflict(_(
                "swap request {pending} for shift {shift_id} is still pending; wait for its answer"
            ).format(pending=pending, shift_id=shift_id))
    _fits(session, shift, target, config=config, tz=tz)
    req = SwapRequest(shift_id=pk(shift), requester_id=me.id, target_id=pk(target), created_at=now)
    session.add(req)
    session.flush()
    audit.append(
        session, at=now, actor=me.handle, entity="swap_request", entity_id=req.id, kind="requested",
        from_value=me.handle, to_value=target.handle, details={"shift_id": shift.id, "day": shift.day},
    )
    return _view(session, req)


def _decide(session: Session, actor: str, request_id: int) -> tuple[Staff, SwapRequest]:
    me = require_actor(session, actor)
    req = session.get(SwapRequest, request_id)
    if req is None:
        raise NotFound(_(
                "no swap request {request_id} (see `deskctl shift swap list`)"
            ).format(request_id=request_id))
    if req.target_id != me.id:
        raise PermissionDenied(_(
                "swap request {request_id} was not sent to you; only its recipient can answer it"
            ).format(request_id=request_id))
    if req.status != "pending":
        raise Conflict(_(
                "swap request {request_id} is already {status}; nothing to do"
            ).format(request_id=request_id, status=req.status))
    return me, req


def accept_swap(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, request_id: int
) -> dict:
    me, req = _decide(session, actor, request_id)
    shift = get_shift(session, req.shift_id)
    now = clock.now()
    if shift.staff_id != req.requester_id:
        raise Conflict(_(
                "shift {id} has changed hands since the request; it cannot be swapped"
            ).format(id=shift.id))
    if shift.start_at <= now:
        raise Conflict(_(
                "shift {id} has started; ask a supervisor to `deskctl shift cover` it"
            ).format(id=shift.id))
    _fits(session, shift, me, config=config, tz=tz)
    requester = session.get(Staff, req.requester_id)
    assert requester is not None  # requester_id is a foreign key
    shift.staff_id = pk(me)
    req.status = "accepted"
    req.decided_at = now
    audit.append(
        session, at=now, actor=me.handle, entity="swap_request", entity_id=req.id, kind="accepted",
        from_value="pending", to_value="accepted", details={"shift_id": shift.id},
    )
    audit.append(
        session, at=now, actor=me.handle, entity="shift", entity_id=shift.id, kind="swapped",
        from_value=requester.handle, to_value=me.handle, details={"swap_request": req.id},
    )
    return _view(session, req)


def decline_swap(*, session: Session, clock: Clock, actor: str, request_id: int) -> dict:
    me, req = _decide(session, actor, request_id)
    now = clock.now()
    req.status = "declined"
    req.decided_at = now
    audit.append(
        session, at=now, actor=me.handle, entity="swap_request", entity_id=req.id, kind="declined",
        from_value="pending", to_value="declined", details={"shift_id": req.shift_id},
    )
    return _view(session, req)


def list_swaps(*, session: Session, actor: str, everyone: bool = False, pending_only: bool = True) -> list[dict]:
    query = select(SwapRequest).order_by(col(SwapRequest.id))
    if not everyone:
        me_id = session.execute(select(col(Staff.id)).where(col(Staff.handle) == actor)).scalar()
        if me_id is None:
            return []
        query = query.where(or_(SwapRequest.requester_id == me_id, SwapRequest.target_id == me_id))
    if pending_only:
        query = query.where(col(SwapRequest.status) == "pending")
    return [_view(session, r) for r in session.execute(query).scalars()]
