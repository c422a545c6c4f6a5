"""`deskctl inspect due` run the way cron runs it: a real process, no TTY, a minimal environment."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest

from deskctl.services.inspections import plans, runs

DESKCTL = ""


@pytest.fixture(autouse=True)
def _deskctl(deskctl_exe):
    """The installed command (found by tests/e2e/conftest.py, next to the interpreter or on PATH)."""
    global DESKCTL
    DESKCTL = deskctl_exe


def cron_env(desk, now: str) -> dict[str, str]:
    return {
        "PATH": os.path.dirname(DESKCTL) + ":/usr/bin:/bin",
        "HOME": str(desk.root),
        "DESKCTL_DB": str(desk.db),
        "DESKCTL_CONFIG": str(desk.config),
        "DESKCTL_NOW": now,
    }


def cron(desk, now: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DESKCTL, "inspect", "due", *args], env=cron_env(desk, now), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60,
    )


def rows(desk) -> tuple[int, int, int]:
    with sqlite3.connect(desk.db) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("inspection_run", "inspection_result", "event"))


@pytest.fixture
def planned(staffed):
    """The core-network plan (daily 09:00, grace 1 h) added on 20 Nov through the service; the
    processes under test then find the desk as cron would."""
    staffed.set_now("2026-11-20T08:00:00+08:00")
    staffed.write(plans.add_plan, name="core-network", target="核心交换机", every="daily 09:00",
                  items=["CPU < 70%", "所有端口状态正常"], grace="1h")
    staffed.set_now("2026-11-23T09:00:00+08:00")
    staffed.close()
    return staffed


def test_inspect_due_cron_nothing_due_prints_nothing_exit_0(planned):
    planned.write(runs.run_inspection, actor="zhang", plan="core-network",
                  entries=runs.results_from_options(["all"], [], []))
    planned.close()
    res = cron(planned, "2026-11-23T09:20:00+08:00")
    assert res.returncode == 0
    assert res.stdout == "" and res.stderr == ""


def test_inspect_due_cron_due_is_listed_exit_0(planned):
    res = cron(planned, "2026-11-23T09:20:00+08:00")
    assert res.returncode == 0, res.stderr
    assert "core-network" in res.stdout and "核心交换机" in res.stdout and "due" in res.stdout
    assert "\x1b[" not in res.stdout  # no terminal: no colour codes in the mail
    assert res.stderr == ""


def test_inspect_due_cron_overdue_is_listed_exit_1(planned):
    res = cron(planned, "2026-11-23T10:20:00+08:00")
    assert res.returncode == 1
    assert "overdue" in res.stdout
    res = cron(planned, "2026-11-23T10:20:00+08:00", "--json")
    assert res.returncode == 1 and json.loads(res.stdout)[0]["state"] == "overdue"


def test_inspect_due_cron_two_processes_at_once_create_nothing_twice(planned):
    before = rows(planned)
    env = cron_env(planned, "2026-11-23T10:20:00+08:00")
    procs = [subprocess.Popen([DESKCTL, "inspect", "due", "--json"], env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [1, 1]
    assert outs[0][0] == outs[1][0]
    assert len(json.loads(outs[0][0])) == 1
    assert rows(planned) == before


def test_inspect_run_two_processes_at_once_record_the_occurrence_once(planned):
    env = {**cron_env(planned, "2026-11-23T09:20:00+08:00"), "DESKCTL_USER": "zhang"}
    procs = [subprocess.Popen([DESKCTL, "inspect", "run", "core-network", "--ok", "all", "--json"], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert sorted(p.returncode for p in procs) == [0, 4], outs
    with sqlite3.connect(planned.db) as conn:
        assert conn.execute("SELECT count(*) FROM inspection_run").fetchone()[0] == 1
    assert cron(planned, "2026-11-23T09:20:00+08:00").stdout == ""
