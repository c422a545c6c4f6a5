"""Staff and their records at the service layer: who may add, edit and deactivate, the first
member bootstraps the desk, the last supervisor stays, discipline and commendation records."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.people import records, staff
from deskctl.services.tickets import lifecycle
from tests.services.ticket_steps import at, events


def _handles(desk, **kw):
    return [s["handle"] for s in desk.read(staff.list_staff, **kw)]


def test_add_staff_first_must_be_supervisor(desk):
    with pytest.raises(InvalidInput, match="must be --role supervisor"):
        desk.write(staff.add_staff, actor="anyone", handle="zhang", name="张三", role="officer")
    assert desk.read(staff.list_staff) == []
    lead = desk.write(staff.add_staff, actor="anyone", handle="lead", name="王主管", role="supervisor")
    assert (lead["handle"], lead["role"], lead["tier"], lead["active"]) == ("lead", "supervisor", 1, True)
    assert [(e["kind"], e["actor"]) for e in events(desk, entity="staff")] == [("added", "lead")]


def test_add_staff_by_officer_or_unknown_actor_is_permission_denied(staffed):
    for actor in ("zhang", "ghost"):
        with pytest.raises(PermissionDenied):
            staffed.write(staff.add_staff, actor=actor, handle="x", name="X", role="officer")
    assert "x" not in _handles(staffed)


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"handle": "zhang"}, Conflict, "taken"),
        ({"handle": "Bad Handle"}, InvalidInput, "invalid handle"),
        ({"role": "boss"}, InvalidInput, "unknown role"),
        ({"tier": 4}, InvalidInput, "tier 4"),
        ({"name": "  "}, InvalidInput, "--name must not be empty"),
    ],
)
def test_add_staff_bad_values_are_refused(staffed, fields, error, words):
    with pytest.raises(error, match=words):
        staffed.write(staff.add_staff, **{"handle": "x", "name": "X", "role": "officer", **fields})
    assert len(_handles(staffed)) == 5


def test_edit_staff_by_supervisor_is_audited(staffed):
    view = staffed.write(staff.edit_staff, handle="zhang", tier=2, phone=" 123 ")
    assert (view["tier"], view["phone"]) == (2, "123")
    last = events(staffed, entity="staff")[-1]
    assert (last["kind"], last["actor"], last["details"]) == ("edited", "lead", {"tier": [1, 2], "phone": ["", "123"]})
    with pytest.raises(InvalidInput, match="nothing to change"):
        staffed.write(staff.edit_staff, handle="zhang", tier=2)


def test_edit_staff_only_supervisor_keeps_the_role(staffed):
    with pytest.raises(Conflict, match="only supervisor"):
        staffed.write(staff.edit_staff, handle="lead", role="officer")


def test_deactivate_staff_by_officer_is_permission_denied(staffed):
    with pytest.raises(PermissionDenied):
        staffed.write(staff.deactivate_staff, actor="zhang", handle="wang")
    assert all(s["active"] for s in staffed.read(staff.list_staff))


def test_deactivated_member_cannot_act_and_is_listed_only_with_all(staffed):
    staffed.write(staff.deactivate_staff, handle="wang")
    with pytest.raises(PermissionDenied, match="deactivated"):
        staffed.write(lifecycle.open_ticket, actor="wang", title="x", reporter="r")
    with pytest.raises(PermissionDenied, match="deactivated"):
        staffed.write(staff.edit_staff, actor="wang", handle="zhang", name="Z")
    assert "wang" not in _handles(staffed)
    listed = staffed.read(staff.list_staff, include_inactive=True)
    assert {s["handle"]: s["active"] for s in listed}["wang"] is False
    with pytest.raises(Conflict, match="already deactivated"):
        staffed.write(staff.deactivate_staff, handle="wang")


def test_deactivate_last_supervisor_is_a_conflict(staffed):
    with pytest.raises(Conflict, match="last active supervisor"):
        staffed.write(staff.deactivate_staff, handle="lead")


def test_list_staff_by_role(staffed):
    assert _handles(staffed, role="technician") == ["li", "maria"]
    with pytest.raises(InvalidInput, match="unknown role"):
        staffed.read(staff.list_staff, role="boss")


def test_get_staff_unknown_is_not_found(staffed):
    with pytest.raises(NotFound, match="nobody"):
        staffed.read(lambda *, session: staff.get_staff(session, "nobody"))


# --- records --------------------------------------------------------------------------------


def test_add_record_by_supervisor_and_records_for(staffed):
    view = staffed.write(records.add_record, handle="zhang", kind="commendation", note="handled the P1 outage calmly")
    assert (view["handle"], view["kind"], view["recorded_by"], view["at"]) == (
        "zhang", "commendation", "lead", at("2026-11-23T09:00:00+08:00"))
    staffed.write(records.add_record, handle="zhang", kind="late", note="25 min late",
                  at=at("2026-11-20T08:25:00+08:00"))
    shown = staffed.read(records.records_for, handle="zhang")
    assert [(r["kind"], r["note"]) for r in shown] == [
        ("late", "25 min late"), ("commendation", "handled the P1 outage calmly")]
    assert [e["to"] for e in events(staffed, entity="staff_record")] == ["commendation", "late"]


def test_add_record_by_non_supervisor_is_permission_denied(staffed):
    with pytest.raises(PermissionDenied, match="supervisor"):
        staffed.write(records.add_record, actor="zhang", handle="wang", kind="violation", note="x")
    assert staffed.read(records.records_for, handle="wang") == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"kind": "praise"}, "late, absent, violation, commendation"),
        ({"note": "  "}, "--note"),
        ({"at": at("2026-11-24T09:00:00+08:00")}, "in the future"),
    ],
)
def test_add_record_bad_values_are_invalid(staffed, fields, words):
    with pytest.raises(InvalidInput, match=words):
        staffed.write(records.add_record, **{"handle": "wang", "kind": "late", "note": "x", **fields})
    assert staffed.read(records.records_for, handle="wang") == []


def test_add_record_unknown_person_is_not_found(staffed):
    with pytest.raises(NotFound):
        staffed.write(records.add_record, handle="ghost", kind="late", note="x")
