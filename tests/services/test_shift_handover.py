"""Handover, takeover and the on-duty block of `status` at the service layer (zhang works the day
08:00–20:00, wang the night; the clock at 19:50 on 2026-11-23, Asia/Shanghai)."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, NotFound
from deskctl.services.inspections import plans
from deskctl.services.shifts import handover as svc
from deskctl.services.shifts.views import on_duty_at
from deskctl.services.status import desk_status
from deskctl.store.tables import Ticket
from tests.services.shift_steps import add_officers, assign, before_handover
from tests.services.ticket_steps import at, events


def add_ticket(desk, title, priority, status="assigned", **fields):
    """A ticket row as it stands, straight into the table (the handover only reads them)."""

    def insert(*, session):
        opened = at("2026-11-23T10:00:00+08:00")
        session.add(Ticket(title=title, reporter="财务部", priority=priority, status=status,
                           opened_at=opened, updated_at=opened, **fields))

    desk.write(insert)


@pytest.fixture
def rota(staffed):
    add_officers(staffed, "zhao")
    return before_handover(staffed)


def _handover(desk, actor="zhang", note=""):
    return desk.write(svc.handover, actor=actor, note=note)


def _status(desk, actor="zhang"):
    return desk.read(desk_status, actor=actor)


def test_handover_compiles_tickets_by_priority_and_deadlines_of_next_shift(rota):
    add_ticket(rota, "printer jam", "P3")
    add_ticket(rota, "core switch down", "P1", status="new", response_due_at=at("2026-11-23T21:00:00+08:00"))
    add_ticket(rota, "VPN slow", "P2", status="resolved")
    add_ticket(rota, "mail quota", "P4", status="waiting", resolution_due_at=at("2026-11-24T01:00:00+08:00"))
    add_ticket(rota, "backup failed", "P2", status="in_progress",
               resolution_due_at=at("2026-11-24T07:00:00+08:00"), acknowledged_at=at("2026-11-23T10:05:00+08:00"))
    add_ticket(rota, "later", "P3", resolution_due_at=at("2026-11-25T12:00:00+08:00"))
    view = _handover(rota, note="core switch fan noisy, watch it [red]")
    assert (view["from"], view["to"], view["taken_over_at"]) == ("zhang", "wang", None)
    assert view["created_at"] == at("2026-11-23T19:50:00+08:00")
    assert view["note"] == "core switch fan noisy, watch it [red]"
    assert [t["priority"] for t in view["open_tickets"]] == ["P1", "P2", "P3", "P3", "P4"]
    assert "VPN slow" not in {t["title"] for t in view["open_tickets"]}
    assert [(d["priority"], d["deadline"], d["due_at"]) for d in view["sla_deadlines"]] == [
        ("P1", "response", at("2026-11-23T21:00:00+08:00")),
        ("P2", "resolution", at("2026-11-24T07:00:00+08:00")),
    ]
    assert view["next_shift"]["who"] == ["wang"]
    logged = events(rota, entity="handover")
    assert [(e["kind"], e["from"], e["to"]) for e in logged] == [("handed_over", "zhang", "wang")]
    assert (logged[0]["details"]["open_tickets"], logged[0]["details"]["sla_deadlines"]) == (5, 2)


def test_handover_lists_inspections_due_in_next_shift(rota):
    rota.write(plans.add_plan, name="ups", target="UPS", every="daily 23:00", items=["battery ok"])
    view = _handover(rota)
    assert [(i["plan"], i["due_at"]) for i in view["inspections_due"]] == [("ups", at("2026-11-23T23:00:00+08:00"))]


def test_handover_twice_is_a_conflict_and_the_last_is_kept(rota):
    _handover(rota, note="first")
    with pytest.raises(Conflict, match="--show"):
        _handover(rota, note="second")
    assert rota.read(svc.last_handover)["note"] == "first"


def test_handover_without_a_shift_is_a_conflict(rota):
    with pytest.raises(Conflict, match="no shift"):
        _handover(rota, actor="zhao", note="x")


def test_handover_just_after_the_shift_is_still_the_shifts(rota):
    rota.set_now("2026-11-23T20:10:00+08:00")  # within the handover window after 20:00
    assert _handover(rota)["shift_id"] == 1


def test_last_handover_with_none_is_not_found(rota):
    with pytest.raises(NotFound):
        rota.read(svc.last_handover)


def test_takeover_acknowledges_once(rota):
    _handover(rota, note="watch the fan")
    rota.set_now("2026-11-23T20:04:00+08:00")
    with pytest.raises(Conflict, match="no handover is waiting"):  # not meant for zhao
        rota.write(svc.takeover, actor="zhao")
    view = rota.write(svc.takeover, actor="wang")
    assert (view["taken_over_by"], view["taken_over_at"]) == ("wang", at("2026-11-23T20:04:00+08:00"))
    with pytest.raises(Conflict, match="already"):
        rota.write(svc.takeover, actor="wang")
    taken = events(rota, entity="handover")[-1]
    assert (taken["kind"], taken["details"]["waited_seconds"]) == ("taken_over", 14 * 60)


def test_takeover_with_nothing_handed_over_is_a_conflict(rota):
    with pytest.raises(Conflict):
        rota.write(svc.takeover, actor="wang")


def test_takeover_by_anyone_on_the_next_shift(rota):
    assign(rota, "2026-11-23", "night", "zhao")
    view = _handover(rota)
    assert view["next_shift"]["who"] == ["wang", "zhao"]
    rota.set_now("2026-11-23T20:02:00+08:00")
    assert rota.write(svc.takeover, actor="zhao")["taken_over_by"] == "zhao"
    with pytest.raises(Conflict):
        rota.write(svc.takeover, actor="wang")


def test_status_shows_handover_pending_beyond_the_window(rota):
    _handover(rota)
    rota.set_now("2026-11-23T20:30:00+08:00")
    assert _status(rota)["handover_pending"] == []
    rota.set_now("2026-11-23T20:51:00+08:00")
    status = _status(rota)
    assert [(p["from"], p["to"]) for p in status["handover_pending"]] == [("zhang", "wang")]
    assert [r["who"] for r in status["on_duty"]] == ["wang"]
    assert "on_duty_alert" not in status
    assert status["handover_pending"][0]["waiting_seconds"] == 61 * 60  # handed over at 19:50


def test_status_says_loudly_when_nobody_is_on_duty(rota):
    rota.set_now("2026-11-25T09:00:00+08:00")
    status = _status(rota)
    assert status["on_duty_alert"] == "NOBODY IS ON DUTY NOW"
    assert status["on_duty"] == []


def test_status_shows_next_handover(rota):
    assert _status(rota)["next_handover"] == {"at": at("2026-11-23T20:00:00+08:00"), "takes_over": "wang"}


def test_on_duty_at_names_the_staff_on_shift_at_an_instant(rota):
    def handles(instant):
        return rota.read(lambda *, session: [s.handle for s in on_duty_at(session=session, at=at(instant))])

    assert handles("2026-11-23T19:59:59+08:00") == ["zhang"]
    assert handles("2026-11-23T20:00:00+08:00") == ["wang"]
    assert handles("2026-11-24T08:00:00+08:00") == []
