"""`deskctl shift gaps` as cron runs it: a real process, no terminal, a minimal environment,
DESKCTL_NOW set. Silent with exit 0 when the rota is covered; exit 1 and a listing when not."""

from __future__ import annotations

import os
import subprocess
from datetime import date

import pytest

from deskctl.services.people.staff import add_staff
from deskctl.services.shifts import rota, types


@pytest.mark.slow
def test_shift_gaps_cron_is_silent_when_covered_and_exits_1_on_a_gap(proc_staffed):
    desk = proc_staffed  # the rota is set up through the services; cron's processes read it
    for handle, name in (("wang", "王五"), ("zhao", "赵六")):
        desk.write(add_staff, handle=handle, name=name, role="officer")
    desk.write(types.add_type, name="day", start="08:00", end="20:00")
    desk.write(types.add_type, name="night", start="20:00", end="08:00")
    desk.write(rota.plan, first=date(2026, 11, 22), last=date(2026, 12, 7), types=["day", "night"],
               members=["zhang", "wang", "zhao"])

    # The crontab line of docs/shifts.md: the default window is the next 7 days from now.
    env = {"PATH": desk.env["PATH"], "HOME": desk.env["HOME"], "DESKCTL_DB": desk.env["DESKCTL_DB"],
           "DESKCTL_CONFIG": desk.env["DESKCTL_CONFIG"], "DESKCTL_NOW": desk.env["DESKCTL_NOW"]}
    res = subprocess.run([desk.exe, "shift", "gaps"], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=120)
    assert res.returncode == 0
    assert res.stdout == b"" and res.stderr == b""

    night = desk.json("shift", "list", "--from", "2026-11-26", "--to", "2026-11-26", "--type", "night")[0]
    desk.ok("--as", "lead", "shift", "unassign", str(night["id"]))
    res = subprocess.run([desk.exe, "shift", "gaps"], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                         timeout=120)
    assert res.returncode == 1
    out = res.stdout.decode("utf-8")
    assert "2026-11-26 20:00" in out and "night" in out
    assert res.stderr == b""
    assert "\x1b[" not in out  # no terminal: no colour codes in a cron mail

    as_json = desk.run("shift", "gaps", "--json")
    assert as_json.code == 1
    assert [(g["type"], g["start_at"]) for g in as_json.json()] == [("night", "2026-11-26T20:00:00+08:00")]


def test_shift_gaps_cron_window_beyond_the_rota_reports_and_exits_1(proc_staffed):
    desk = proc_staffed
    desk.write(types.add_type, name="day", start="08:00", end="20:00")
    res = desk.run("shift", "gaps", "--from", "2026-12-01", "--to", "2026-12-01", "--format", "csv")
    assert res.code == 1
    lines = res.out.splitlines()
    assert lines[0] == "start_at,end_at,duration_seconds,type,have,need,problem"
    assert [line.split(",")[3] for line in lines[1:]] == ["day", ""]  # the day unstaffed, the night no type
    assert os.path.exists(desk.env["DESKCTL_DB"])
