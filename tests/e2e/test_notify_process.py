"""Notifications with real `deskctl` processes, the way cron runs them: a P1 reaches the officer on
duty and the supervisor, an assignment the technician; one SLA warning over five `notify run`s as
DESKCTL_NOW moves; one no-clock-in notice; a receiver down then up gets the same id; two runs at
once deliver each row once; a run killed with SIGKILL mid-delivery is redelivered."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import date

import pytest

from tests.notify_servers import SECRET, VendorServer, free_port


@pytest.fixture
def vendor():
    server = VendorServer().start()
    yield server
    server.stop()


def _hook(desk, target: str) -> None:
    desk.ok("--as", "lead", "notify", "channel", "add", "hook", "--kind", "webhook", "--target", target,
            "--secret", SECRET)


def _at(desk, instant: str) -> None:
    desk.env["DESKCTL_NOW"] = instant


@pytest.mark.slow
def test_e2e_p1_assign_and_one_sla_warning_over_five_runs(proc_staffed, vendor):
    from deskctl.services.notify.channels import add_channel
    from deskctl.services.shifts import attendance, rota, types

    desk = proc_staffed  # set up in-process; the processes below are what is tested
    desk.write(types.add_type, name="day", start="08:00", end="20:00")
    desk.write(rota.assign, day=date(2026, 11, 23), type_name="day", handle="zhang")
    desk.write(add_channel, name="hook", kind="webhook", target=f"{vendor.base}/hook", secret=SECRET)
    _at(desk, "2026-11-23T07:58:00+08:00")
    desk.write(attendance.clock_in, actor="zhang")  # zhang is on duty from 08:00
    _at(desk, "2026-11-23T09:00:00+08:00")
    desk.ok("--as", "lead", "ticket", "open", "核心交换机宕机", "--reporter", "NOC", "--priority", "P1")
    desk.ok("notify", "run")
    [opened] = [b for b in (r["body"] for r in vendor.received) if b["event"] == "ticket.opened"]
    assert opened["to"] == ["zhang", "lead"] and "deskctl ticket assign 1 HANDLE" in opened["text"]
    desk.ok("ticket", "assign", "1", "li")
    desk.ok("notify", "run")
    assert vendor.received[-1]["body"]["event"] == "ticket.assigned"
    assert vendor.received[-1]["body"]["to"] == ["li"]
    for minute in ("09:11:30", "09:12", "09:13", "09:13:30", "09:14"):  # past 75 % of 15 min
        _at(desk, f"2026-11-23T{minute}+08:00")
        desk.ok("notify", "run")
    events = Counter(r["body"]["event"] for r in vendor.received)
    assert events == {"ticket.opened": 1, "ticket.assigned": 1, "ticket.sla_warning": 1}


@pytest.mark.slow
def test_e2e_no_clock_in_one_notice_ten_minutes_after_start(proc_staffed, vendor):
    from deskctl.services.people.staff import add_staff
    from deskctl.services.shifts import rota, types

    desk = proc_staffed
    desk.write(add_staff, handle="wang", name="王五", role="officer")
    desk.write(types.add_type, name="mid", start="14:00", end="22:00")
    desk.write(rota.assign, day=date(2026, 11, 23), type_name="mid", handle="wang")
    _hook(desk, f"{vendor.base}/hook")
    for instant, command, expected in (("14:09", "notify", 0), ("14:10", "ticket", 0), ("14:11", "notify", 1),
                                       ("14:30", "notify", 1)):
        _at(desk, f"2026-11-23T{instant}:00+08:00")
        desk.ok(*(("notify", "run") if command == "notify" else ("ticket", "sweep")))
        assert sum(r["body"]["event"] == "shift.no_clock_in" for r in vendor.received) == expected, instant
    notice = [r["body"] for r in vendor.received if r["body"]["event"] == "shift.no_clock_in"][0]
    assert notice["to"] == ["wang", "lead"] and notice["shift"]["who"] == "wang"
    assert notice["at"] == "2026-11-23T14:10:00+08:00"  # found by the sweep, delivered by the next run


@pytest.mark.slow
def test_e2e_receiver_down_then_up_same_id(proc_staffed):
    desk = proc_staffed
    port = free_port()
    _hook(desk, f"http://127.0.0.1:{port}/hook")
    desk.ok("ticket", "open", "core down", "--reporter", "NOC", "--priority", "P1")
    res = desk.ok("notify", "run")
    assert "1 to retry" in res.err and "cannot reach 127.0.0.1" in res.err
    [pending] = desk.json("notify", "list", "--pending")
    server = VendorServer(port=port)  # the receiver comes up on the same port
    server.start()
    try:
        desk.ok("notify", "run")
        assert server.received == []  # not due yet (backoff 30 s)
        _at(desk, "2026-11-23T09:00:31+08:00")
        desk.ok("notify", "run")
        assert [r["body"]["id"] for r in server.received] == [pending["uid"]]
        assert desk.json("notify", "list")[0]["status"] == "sent"
    finally:
        server.stop()


def test_e2e_two_runs_at_once_deliver_each_row_once(proc_staffed, vendor):
    desk = proc_staffed
    _hook(desk, f"{vendor.base}/hook")
    from deskctl.services.tickets.lifecycle import open_ticket

    for n in range(30):
        desk.write(open_ticket, actor="zhang", title=f"alarm {n}", reporter="NOC", priority="P2")
    runs = [desk.popen("notify", "run") for _ in range(2)]
    codes = [p.wait(timeout=120) for p in runs]
    assert codes == [0, 0]
    ids = Counter(r["body"]["id"] for r in vendor.received)
    assert len(ids) == 30 and set(ids.values()) == {1}
    assert len(desk.json("notify", "list", "--sent", "--limit", "100")) == 30


def test_e2e_kill_9_during_delivery_is_redelivered(proc_staffed, vendor):
    desk = proc_staffed
    _hook(desk, f"{vendor.base}/hook")
    desk.ok("ticket", "open", "core down", "--reporter", "NOC", "--priority", "P1")
    vendor.mode, vendor.slow_seconds = "slow", 8.0
    proc = desk.popen("notify", "run")
    deadline = time.monotonic() + 60
    while not vendor.seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert vendor.seen, "the run never reached the receiver"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    vendor.mode = "ok"
    desk.ok("notify", "run")
    assert vendor.received == []  # leased to the killed process
    _at(desk, "2026-11-23T09:01:31+08:00")  # past the lease (3 × 10 s + 60 s)
    desk.ok("notify", "run")
    assert [r["body"]["id"] for r in vendor.received] == [vendor.seen[0]]
    [row] = desk.json("notify", "list")
    assert (row["status"], row["tries"]) == ("sent", 2)


@pytest.mark.slow
def test_e2e_watch_stops_cleanly_on_sigterm(proc_staffed, vendor):
    desk = proc_staffed
    _hook(desk, f"{vendor.base}/hook")
    proc = desk.popen("notify", "run", "--watch", "--interval", "1s")
    time.sleep(1.5)
    desk.ok("ticket", "open", "core down", "--reporter", "NOC", "--priority", "P1")
    deadline = time.monotonic() + 30
    while not vendor.received and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert len(vendor.received) == 1
