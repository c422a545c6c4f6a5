"""Swaps and cover at the service layer (clock: 2026-11-23 09:00 Asia/Shanghai): who may ask and
answer, the rest and double-booking rules re-checked when a swap is accepted, cover."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.people.staff import deactivate_staff
from deskctl.services.shifts import rota, swaps
from tests.services.shift_steps import add_day_and_night, assign, holder
from tests.services.ticket_steps import events


@pytest.fixture
def rota_desk(staffed):
    add_day_and_night(staffed)
    return staffed


def _request(desk, shift_id, to="wang", actor="zhang"):
    return desk.write(swaps.request_swap, actor=actor, shift_id=shift_id, with_handle=to)


def _night_for_zhang(desk):
    return assign(desk, "2026-12-17", "night", "zhang")["id"]


def test_swap_request_and_accept_moves_the_shift(rota_desk):
    shift = _night_for_zhang(rota_desk)
    req = _request(rota_desk, shift)
    assert (req["status"], req["from"], req["to"], req["shift_id"]) == ("pending", "zhang", "wang", shift)
    assert [r["id"] for r in rota_desk.read(swaps.list_swaps, actor="wang")] == [req["id"]]
    assert [r["id"] for r in rota_desk.read(swaps.list_swaps, actor="zhang")] == [req["id"]]  # asked by me
    assert rota_desk.read(swaps.list_swaps, actor="li") == []
    done = rota_desk.write(swaps.accept_swap, actor="wang", request_id=req["id"])
    assert done["status"] == "accepted"
    assert holder(rota_desk, shift) == "wang"
    kinds = [(e["entity"], e["kind"]) for e in events(rota_desk, limit=5)]
    assert ("shift", "swapped") in kinds and ("swap_request", "accepted") in kinds


def test_swap_decline_keeps_the_shift(rota_desk):
    shift = _night_for_zhang(rota_desk)
    req = _request(rota_desk, shift)
    assert rota_desk.write(swaps.decline_swap, actor="wang", request_id=req["id"])["status"] == "declined"
    assert holder(rota_desk, shift) == "zhang"
    assert rota_desk.read(swaps.list_swaps, actor="wang") == []
    assert [r["status"] for r in rota_desk.read(swaps.list_swaps, actor="wang", everyone=True,
                                                pending_only=False)] == ["declined"]
    with pytest.raises(Conflict, match="already declined"):
        rota_desk.write(swaps.accept_swap, actor="wang", request_id=req["id"])


def test_swap_with_oneself_is_invalid(rota_desk):
    shift = _night_for_zhang(rota_desk)
    with pytest.raises(InvalidInput, match="someone else"):
        _request(rota_desk, shift, to="zhang")
    assert rota_desk.read(swaps.list_swaps, actor="zhang", everyone=True, pending_only=False) == []


def test_swap_accept_by_someone_else_is_permission_denied(rota_desk):
    shift = _night_for_zhang(rota_desk)
    req = _request(rota_desk, shift)
    for other in ("zhang", "lead"):
        with pytest.raises(PermissionDenied, match="not sent to you"):
            rota_desk.write(swaps.accept_swap, actor=other, request_id=req["id"])
    assert holder(rota_desk, shift) == "zhang"


def test_swap_accept_twice_is_a_conflict(rota_desk):
    shift = _night_for_zhang(rota_desk)
    req = _request(rota_desk, shift)
    rota_desk.write(swaps.accept_swap, actor="wang", request_id=req["id"])
    with pytest.raises(Conflict, match="already accepted"):
        rota_desk.write(swaps.accept_swap, actor="wang", request_id=req["id"])


def test_swap_accept_rechecks_rest_at_that_moment(rota_desk):
    shift = _night_for_zhang(rota_desk)
    req = _request(rota_desk, shift)
    assign(rota_desk, "2026-12-17", "day", "wang")  # planned after the request: 0 h rest before the night
    with pytest.raises(Conflict, match="rest"):
        rota_desk.write(swaps.accept_swap, actor="wang", request_id=req["id"])
    assert holder(rota_desk, shift) == "zhang"
    assert rota_desk.read(swaps.list_swaps, actor="wang")[0]["status"] == "pending"


def test_swap_accept_rechecks_double_booking(rota_desk):
    shift = _night_for_zhang(rota_desk)
    req = _request(rota_desk, shift)
    assign(rota_desk, "2026-12-17", "night", "wang")
    with pytest.raises(Conflict, match="double-book"):
        rota_desk.write(swaps.accept_swap, actor="wang", request_id=req["id"])


def test_swap_request_refuses_a_target_who_would_lack_rest(rota_desk):
    shift = _night_for_zhang(rota_desk)
    assign(rota_desk, "2026-12-17", "day", "wang")
    with pytest.raises(Conflict, match="rest"):
        _request(rota_desk, shift)


def test_swap_of_someone_elses_shift_is_permission_denied(rota_desk):
    shift = _night_for_zhang(rota_desk)
    with pytest.raises(PermissionDenied, match="not yours"):
        _request(rota_desk, shift, actor="wang", to="wang")


def test_swap_unknowns_are_not_found(rota_desk):
    shift = _night_for_zhang(rota_desk)
    with pytest.raises(NotFound, match="no shift 999"):
        _request(rota_desk, 999)
    with pytest.raises(NotFound, match="no swap request 999"):
        rota_desk.write(swaps.accept_swap, actor="wang", request_id=999)
    with pytest.raises(NotFound, match="ghost"):
        _request(rota_desk, shift, to="ghost")


def test_swap_second_pending_request_is_a_conflict(rota_desk):
    shift = _night_for_zhang(rota_desk)
    _request(rota_desk, shift)
    with pytest.raises(Conflict, match="still pending"):
        _request(rota_desk, shift, to="lead")


def test_swap_of_started_shift_is_a_conflict(rota_desk):
    shift = assign(rota_desk, "2026-11-23", "day", "zhang")["id"]
    with pytest.raises(Conflict, match="cover"):
        _request(rota_desk, shift)


# --- cover ----------------------------------------------------------------------------------


def test_cover_replaces_directly_and_is_audited(rota_desk):
    shift = _night_for_zhang(rota_desk)
    req = _request(rota_desk, shift)
    view = rota_desk.write(rota.cover, shift_id=shift, handle="wang")
    assert view["who"] == "wang"
    assert rota_desk.read(swaps.list_swaps, actor="lead", everyone=True, pending_only=False)[0]["status"] == "cancelled"
    with pytest.raises(Conflict, match="already cancelled"):
        rota_desk.write(swaps.accept_swap, actor="wang", request_id=req["id"])
    covered = [e for e in events(rota_desk, entity="shift") if e["kind"] == "covered"]
    assert [(e["from"], e["to"], e["actor"]) for e in covered] == [("zhang", "wang", "lead")]


def test_cover_by_officer_is_permission_denied(rota_desk):
    shift = _night_for_zhang(rota_desk)
    with pytest.raises(PermissionDenied):
        rota_desk.write(rota.cover, actor="zhang", shift_id=shift, handle="wang")
    assert holder(rota_desk, shift) == "zhang"


def test_cover_refuses_short_rest_inactive_and_the_holder(rota_desk):
    shift = _night_for_zhang(rota_desk)
    assign(rota_desk, "2026-12-18", "day", "wang")
    with pytest.raises(Conflict, match="rest"):
        rota_desk.write(rota.cover, shift_id=shift, handle="wang")
    rota_desk.write(deactivate_staff, handle="li")
    with pytest.raises(InvalidInput, match="deactivated"):
        rota_desk.write(rota.cover, shift_id=shift, handle="li")
    with pytest.raises(InvalidInput, match="already zhang's"):
        rota_desk.write(rota.cover, shift_id=shift, handle="zhang")
    assert holder(rota_desk, shift) == "zhang"


def test_cover_of_a_shift_in_progress_waits_for_the_clock_out(rota_desk):
    from deskctl.services.shifts import attendance

    shift = assign(rota_desk, "2026-11-23", "day", "zhang")["id"]
    rota_desk.write(attendance.clock_in, actor="zhang")
    with pytest.raises(Conflict, match="clocked in"):
        rota_desk.write(rota.cover, shift_id=shift, handle="wang")
    rota_desk.set_now("2026-11-23T21:00:00+08:00")
    with pytest.raises(Conflict, match="is over"):
        rota_desk.write(rota.cover, shift_id=shift, handle="wang")
