"""The outbox at the service layer: who hears what (defaults and rules), rows written with the
change, time-based events firing once, quiet hours, retries, leases, digests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound
from deskctl.services.notify import channels, delivery
from deskctl.services.people.improvements import add_improvement
from deskctl.services.people.staff import edit_staff
from deskctl.services.shifts.attendance import clock_in as clock_in_
from deskctl.services.tickets import lifecycle
from deskctl.services.tickets.sweep import sweep
from tests.notify_servers import free_port
from tests.services.notify_steps import add_channel, bodies, notes, payloads, run, serve_vendor
from tests.services.shift_steps import add_day_and_night, assign
from tests.services.ticket_steps import at, open_ticket


@pytest.fixture
def vendor():
    yield from serve_vendor()


def _on_duty(desk, who: str = "zhang", clock_in: bool = True) -> None:
    """`who` on the day shift (08:00–20:00) of 2026-11-23, clocked in at 07:55."""
    add_day_and_night(desk)
    assign(desk, "2026-11-23", "day", who)
    if clock_in:
        now = desk.env["DESKCTL_NOW"]
        desk.set_now("2026-11-23T07:55:00+08:00")
        desk.write(clock_in_, actor=who)
        desk.set_now(now)


def test_notify_nothing_written_without_a_channel(staffed):
    open_ticket(staffed, priority="P1")
    assert notes(staffed) == []


def test_notify_p1_opened_tells_on_duty_officer_and_supervisor(staffed, vendor):
    _on_duty(staffed)
    add_channel(staffed, target=f"{vendor.base}/hook")
    open_ticket(staffed, "核心交换机宕机", actor="wang", priority="P1")
    open_ticket(staffed, "printer", actor="wang", priority="P3")  # P3: nobody is woken up
    [note] = notes(staffed)
    assert (note["event"], note["to"], note["status"]) == ("ticket.opened", ["zhang", "lead"], "pending")
    assert "deskctl ticket assign 1 HANDLE" in note["text"]
    assert "2026-11-23 09:00" in note["text"]  # the instant in the desk zone
    summary = run(staffed)
    assert (summary.sent, summary.retrying) == (1, 0)
    [body] = bodies(vendor)
    assert body["id"] == payloads(staffed)[0]["id"] == vendor.received[0]["headers"]["X-Deskctl-Id"]
    assert set(body) == {"id", "event", "at", "to", "text", "ticket"}
    assert body["at"] == "2026-11-23T09:00:00+08:00"
    assert body["ticket"]["title"] == "核心交换机宕机" and body["ticket"]["sla"]["response"]["state"]
    assert notes(staffed)[0]["status"] == "sent"


def test_notify_assigned_and_escalated_tell_the_new_assignee(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    tid = open_ticket(staffed, priority="P3")["id"]
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="li")
    staffed.write(lifecycle.escalate_ticket, actor="li", ticket_id=tid, reason="needs a DBA")
    got = [(n["event"], n["to"]) for n in notes(staffed)]
    assert got == [("ticket.assigned", ["li"]), ("ticket.escalated", ["maria"])]
    assert "deskctl ticket ack 1" in notes(staffed)[1]["text"]


def test_notify_row_rolls_back_with_a_refused_change(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    tid = open_ticket(staffed, priority="P3")["id"]
    with pytest.raises(Conflict):
        with staffed.unit(actor="zhang") as unit:
            unit.call(lifecycle.assign_ticket, ticket_id=tid, handle="li")
            raise Conflict("the change is refused after the event was appended")
    assert notes(staffed) == []


def test_notify_rule_replaces_the_defaults_of_its_event(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    add_channel(staffed, name="other", target=f"{vendor.base}/hook")
    rule = staffed.write(channels.add_rule, event="ticket.assigned", to="supervisor", via="other")
    staffed.write(channels.add_rule, event="ticket.escalated", to="none", via="hook")
    tid = open_ticket(staffed, priority="P3")["id"]
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="li")
    staffed.write(lifecycle.escalate_ticket, actor="li", ticket_id=tid, reason="needs a DBA")
    assert [(n["event"], n["channel"], n["to"]) for n in notes(staffed)] == [("ticket.assigned", "other", ["lead"])]
    listed = staffed.read(channels.list_rules)
    expected = {"id": rule["id"], "event": "ticket.assigned", "to": "supervisor", "via": "other"}
    assert expected.items() <= listed[0].items()
    assert not any(r["event"] == "ticket.assigned" and r["default"] for r in listed)


def test_notify_rule_refusals(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    with pytest.raises(NotFound, match="no notification channel 'nope'"):
        staffed.write(channels.add_rule, event="ticket.assigned", to="lead", via="nope")
    with pytest.raises(NotFound, match="neither a staff handle"):
        staffed.write(channels.add_rule, event="ticket.assigned", to="ghost", via="hook")
    with pytest.raises(InvalidInput, match="unknown --event"):
        staffed.write(channels.add_rule, event="ticket.exploded", to="lead", via="hook")
    with pytest.raises(Exception, match="only a supervisor"):
        staffed.write(channels.add_rule, actor="zhang", event="ticket.assigned", to="lead", via="hook")


def test_notify_sla_warning_fires_once_across_five_runs(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    tid = open_ticket(staffed, priority="P1")["id"]  # response 15 min: 75 % at 09:11:15
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=tid, handle="li")
    staffed.set_now("2026-11-23T09:11:00+08:00")
    run(staffed)
    assert [n["event"] for n in notes(staffed)] == ["ticket.opened", "ticket.assigned"]
    staffed.set_now("2026-11-23T09:12:00+08:00")
    for _ in range(5):
        run(staffed)
    warnings = [n for n in notes(staffed) if n["event"] == "ticket.sla_warning"]
    assert [(n["to"], n["status"]) for n in warnings] == [(["li"], "sent")]
    assert "response target" in warnings[0]["text"] and "deskctl ticket ack 1" in warnings[0]["text"]
    assert sum(b["event"] == "ticket.sla_warning" for b in bodies(vendor)) == 1


def test_notify_sla_warning_unassigned_goes_to_on_duty(staffed, vendor):
    _on_duty(staffed, "wang")
    add_channel(staffed, target=f"{vendor.base}/hook")
    open_ticket(staffed, priority="P3")  # response 2 h: 75 % at 10:30
    staffed.set_now("2026-11-23T10:31:00+08:00")
    run(staffed)
    [warning] = [n for n in notes(staffed) if n["event"] == "ticket.sla_warning"]
    assert warning["to"] == ["wang"] and "deskctl ticket assign 1 HANDLE" in warning["text"]


def test_notify_breach_once_whether_run_or_sweep_sees_it_first(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    open_ticket(staffed, priority="P1")
    staffed.set_now("2026-11-23T09:16:00+08:00")
    run(staffed)  # notify run sees the missed response target first
    staffed.write(sweep)  # then the sweep records the breach (and escalates)
    run(staffed)
    breaches = [n for n in notes(staffed) if n["event"] == "ticket.breached"]
    assert [(n["to"], n["status"]) for n in breaches] == [(["lead"], "sent")]
    assert "missed its response target (due 2026-11-23 09:15)" in breaches[0]["text"]


def test_notify_no_clock_in_ten_minutes_after_start_once(staffed, vendor):
    _on_duty(staffed, "zhang", clock_in=False)
    add_channel(staffed, target=f"{vendor.base}/hook")
    staffed.set_now("2026-11-23T08:09:59+08:00")
    assert run(staffed).scanned == 0
    staffed.set_now("2026-11-23T08:10:00+08:00")
    assert run(staffed).scanned == 1
    staffed.set_now("2026-11-23T08:30:00+08:00")
    assert run(staffed).scanned == 0
    staffed.write(sweep)
    [note] = notes(staffed)
    assert (note["event"], note["to"]) == ("shift.no_clock_in", ["zhang", "lead"])
    assert "started at 2026-11-23 08:00" in note["text"] and "deskctl shift clock-in" in note["text"]


def test_notify_improvement_overdue_once(staffed, vendor):
    from datetime import date

    staffed.write(add_improvement, title="备份演练", problem="restore untested", action="drill", owner="wang",
                  due=date(2026, 11, 23))
    add_channel(staffed, target=f"{vendor.base}/hook")
    run(staffed)
    staffed.set_now("2026-11-24T00:00:01+08:00")
    run(staffed)
    run(staffed)
    [note] = notes(staffed)
    assert (note["event"], note["to"]) == ("improvement.overdue", ["wang"])
    assert "deskctl improve done 1 --outcome TEXT" in note["text"]


def test_notify_quiet_hours_hold_back_all_but_p1(staffed, vendor):
    staffed.write(edit_staff, handle="li", contacts={"quiet_hours": "22:00-07:00"})
    add_channel(staffed, target=f"{vendor.base}/hook")
    staffed.set_now("2026-11-23T23:30:00+08:00")
    p2 = open_ticket(staffed, priority="P2", actor="lead")["id"]
    p1 = open_ticket(staffed, priority="P1", actor="lead")["id"]
    staffed.write(lifecycle.assign_ticket, actor="lead", ticket_id=p2, handle="li")
    staffed.write(lifecycle.assign_ticket, actor="lead", ticket_id=p1, handle="li")
    assigned = {n["priority"]: n for n in notes(staffed) if n["event"] == "ticket.assigned"}
    assert assigned["P1"]["next_try_at"] == at("2026-11-23T23:30:00+08:00")
    assert assigned["P2"]["next_try_at"] == at("2026-11-24T07:00:00+08:00")
    run(staffed)
    assert {n["priority"]: n["status"] for n in notes(staffed) if n["event"] == "ticket.assigned"} == \
        {"P1": "sent", "P2": "pending"}
    staffed.set_now("2026-11-24T07:00:00+08:00")
    run(staffed)
    assert all(n["status"] == "sent" for n in notes(staffed))


def test_notify_receiver_down_then_up_same_id_backoff_then_failed_and_retry(staffed, vendor):
    staffed.configure("notify.max_tries", 3)
    dead = free_port()
    add_channel(staffed, target=f"http://127.0.0.1:{dead}/hook")
    open_ticket(staffed, priority="P1")
    first = run(staffed)
    assert (first.sent, first.retrying) == (0, 1) and "cannot reach 127.0.0.1" in first.errors[0]
    [note] = notes(staffed)
    assert (note["tries"], note["next_try_at"]) == (1, at("2026-11-23T09:00:30+08:00"))
    assert run(staffed).retrying == 0  # not due yet: nothing tried
    staffed.set_now("2026-11-23T09:00:30+08:00")
    run(staffed)
    assert notes(staffed)[0]["next_try_at"] == at("2026-11-23T09:01:30+08:00")  # 30 s, then 60 s
    staffed.set_now("2026-11-23T09:02:00+08:00")
    assert run(staffed).failed == 1
    assert [n["status"] for n in notes(staffed, "failed")] == ["failed"]
    with pytest.raises(NotFound, match="no notification 999"):
        staffed.write(delivery.retry_notification, notification_id=999)
    staffed.write(delivery.retry_notification, actor="zhang", notification_id=note["id"])
    with pytest.raises(Conflict, match="only a failed one"):
        staffed.write(delivery.retry_notification, notification_id=note["id"])
    # the receiver comes up: same channel, now pointing at the live server
    with staffed.unit() as unit:
        from deskctl.store.tables import NotifyChannel

        unit.session.get(NotifyChannel, 1).target = f"{vendor.base}/hook"
    assert run(staffed).sent == 1
    assert bodies(vendor)[0]["id"] == payloads(staffed)[0]["id"]
    assert staffed.read(delivery.failed_count) == 0


def test_notify_killed_delivery_is_redelivered_after_the_lease_with_the_same_id(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    open_ticket(staffed, priority="P1")
    # a process claims the row and is killed before it records anything
    jobs = staffed.write(delivery.claim, worker="killed", limit=10)
    assert len(jobs) == 1
    assert run(staffed).sent == 0  # still leased to the killed process
    staffed.set_now("2026-11-23T09:01:31+08:00")  # lease: 3 × 10 s + 60 s
    assert run(staffed).sent == 1
    assert bodies(vendor)[0]["id"] == jobs[0].uid
    assert notes(staffed)[0]["tries"] == 2


def test_notify_two_workers_never_claim_the_same_row(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    for n in range(6):
        open_ticket(staffed, f"t{n}", priority="P1")
    a = staffed.write(delivery.claim, worker="a", limit=4)
    b = staffed.write(delivery.claim, worker="b", limit=4)
    ids_a = {i for j in a for i in j.ids}
    ids_b = {i for j in b for i in j.ids}
    assert (len(ids_a), len(ids_b), ids_a & ids_b) == (4, 2, set())


def test_notify_robot_over_the_rate_gets_one_digest(staffed, vendor):
    from tests.notify_servers import WECOM_KEY

    staffed.configure("notify.robot_rate", 3)
    staffed.write(edit_staff, handle="lead", contacts={"mobile": "13800000001"})
    add_channel(staffed, name="robot", kind="wecom", target=f"{vendor.base}/wecom?key={WECOM_KEY}", secret="")
    for n in range(10):
        open_ticket(staffed, f"告警 {n}", priority="P2")
    summary = run(staffed)
    assert (summary.sent, summary.digests) == (10, 1)
    texts = [b["text"]["content"] for b in bodies(vendor)]
    assert len(texts) == 3 and texts[2].startswith("8 deskctl notifications:")
    assert "告警 9" in texts[2]
    assert bodies(vendor)[2]["text"]["mentioned_mobile_list"] == ["13800000001"]
    open_ticket(staffed, "one more", priority="P2")
    assert run(staffed).sent == 0  # this minute's three messages are used up
    staffed.set_now("2026-11-23T09:01:01+08:00")
    assert run(staffed).sent == 1


def test_notify_unset_env_secret_fails_that_row_only(staffed, vendor, monkeypatch):
    monkeypatch.delenv("HOOK_SECRET", raising=False)
    add_channel(staffed, name="a", target=f"{vendor.base}/hook", secret="env:HOOK_SECRET")
    add_channel(staffed, name="b", target=f"{vendor.base}/hook")
    open_ticket(staffed, priority="P1")
    summary = run(staffed)
    assert (summary.sent, summary.retrying) == (1, 1)
    state = {n["channel"]: (n["status"], n["last_error"]) for n in notes(staffed)}
    assert state == {"a": ("pending", "secret env:HOOK_SECRET is not set"), "b": ("sent", None)}
    monkeypatch.setenv("HOOK_SECRET", "s3cret-签名")
    staffed.set_now((staffed.now + timedelta(minutes=1)).isoformat())
    assert run(staffed).sent == 1


def test_notify_handover_not_taken_tells_both_officers_once(staffed, vendor):
    from deskctl.services.shifts import handover

    add_day_and_night(staffed)
    assign(staffed, "2026-11-23", "day", "zhang")
    assign(staffed, "2026-11-23", "night", "wang")
    staffed.set_now("2026-11-23T19:50:00+08:00")
    staffed.write(handover.handover, actor="zhang", note="core switch flapping")
    add_channel(staffed, target=f"{vendor.base}/hook")
    staffed.set_now("2026-11-23T20:49:00+08:00")  # shift.handover_window is 1 h
    run(staffed)
    assert not [n for n in notes(staffed) if n["event"] == "handover.not_taken"]
    staffed.set_now("2026-11-23T20:51:00+08:00")
    run(staffed)
    run(staffed)
    [note] = [n for n in notes(staffed) if n["event"] == "handover.not_taken"]
    assert note["to"] == ["zhang", "wang"] and "deskctl shift takeover" in note["text"]
    assert payloads(staffed)[-1]["handover"]["note"] == "core switch flapping"


def test_notify_inspection_overdue_and_finding_go_to_the_owner(staffed, vendor):
    from tests.services.inspection_steps import add_core
    from tests.services.inspection_steps import run as inspect

    add_core(staffed, owner="wang")  # daily 09:00, grace 1 h
    add_channel(staffed, target=f"{vendor.base}/hook")
    staffed.set_now("2026-11-23T10:01:00+08:00")
    run(staffed)
    run(staffed)
    [overdue] = [n for n in notes(staffed) if n["event"] == "inspection.overdue"]
    assert overdue["to"] == ["wang"] and "deskctl inspect run core-network" in overdue["text"]
    inspect(staffed, ok=["1,2"], fail=["3:PSU 2 down"])
    [finding] = [n for n in notes(staffed) if n["event"] == "inspection.finding"]
    assert finding["to"] == ["wang"] and "Inspection finding: ticket" in finding["text"]
    assert not [n for n in notes(staffed) if n["event"] == "ticket.assigned"]
