"""The ticket desk as a duty officer and cron use it: the installed command, real processes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest


def _files(folder: Path) -> dict[str, str]:
    """Name → sha256 of every file in a folder, except SQLite's transient -wal/-shm files."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def error_lines(stderr: str) -> list[str]:
    """The `deskctl: error: …` lines (init may say what it found before failing)."""
    return [line for line in stderr.splitlines() if line.startswith("deskctl: error:")]


def test_ticket_walkthrough_duty_officer_closes_a_ticket(proc_blank):
    """The issue's walkthrough, command by command, with the clock moving between steps."""
    desk = proc_blank  # no config and no database yet: init makes both
    desk.env["TZ"] = "Asia/Shanghai"
    # A drill desk (the clock moves between steps) that trusts --as (logins: test_identity_process)
    init = desk.ok("init", "--set", "clock.override=true", "--set", "auth.require=none")
    assert desk.config.exists() and desk.db.exists()
    assert "deskctl: error" not in init.err
    assert desk.db.stat().st_mode & 0o777 == 0o600
    assert desk.db.parent.stat().st_mode & 0o777 == 0o700

    desk.ok("staff", "add", "lead", "--name", "王主管", "--role", "supervisor")
    desk.ok("--as", "lead", "staff", "add", "zhang", "--name", "张三", "--role", "officer")
    desk.ok("--as", "lead", "staff", "add", "li", "--name", "李四", "--role", "technician", "--tier", "2")
    desk.env["DESKCTL_USER"] = "zhang"

    def at(clock: str) -> dict[str, str]:
        return {"DESKCTL_NOW": f"2026-11-23T{clock}:00+08:00"}

    opened = desk.run("ticket", "open", "VPN 无法连接", "--reporter", "财务部 刘女士",
                      "--contact", "13800000000", "--system", "vpn", "--impact", "high",
                      "--urgency", "medium", env=at("09:00"))
    assert opened.code == 0, opened.err
    assert "ticket 1 opened" in opened.out and "P2" in opened.out  # high × medium = P2
    listed = desk.ok("ticket", "list", env=at("09:01"))
    assert "VPN 无法连接" in listed.out
    desk.ok("ticket", "assign", "1", "li", env=at("09:02"))
    desk.ok("--as", "li", "ticket", "ack", "1", env=at("09:10"))
    desk.ok("--as", "li", "ticket", "note", "1", "rebooted the concentrator", "--to-user", env=at("09:30"))
    desk.ok("--as", "li", "ticket", "wait", "1", "--reason", "waiting for the user to test", env=at("09:40"))
    desk.ok("--as", "li", "ticket", "resume", "1", env=at("11:40"))
    desk.ok("--as", "li", "ticket", "resolve", "1", "--resolution", "concentrator firmware bug; upgraded",
            env=at("12:00"))
    desk.ok("ticket", "confirm", "1", "--rating", "5", "--comment", "works", env=at("13:00"))

    shown = desk.run("ticket", "show", "1", "--json", env=at("14:00"))
    assert shown.code == 0, shown.err
    ticket = shown.json()
    assert ticket["status"] == "closed"
    assert ticket["priority"] == "P2"
    assert ticket["rating"] == 5 and ticket["confirmed"] is True
    assert ticket["assignee"] == "li" and ticket["resolved_by"] == "li"
    assert ticket["opened_at"] == "2026-11-23T09:00:00+08:00"
    assert ticket["sla"]["resolution"]["paused_seconds"] == 2 * 3600  # 09:40 → 11:40 waiting
    kinds = [e["kind"] for e in ticket["timeline"]]
    assert kinds == ["opened", "assigned", "acknowledged", "feedback", "waiting", "resumed",
                     "resolved", "confirmed"]
    assert [e["actor"] for e in ticket["timeline"]][:3] == ["zhang", "zhang", "li"]
    verify = desk.run("audit", "verify")
    assert verify.code == 0, verify.out + verify.err


def test_ticket_list_piped_to_head_prints_no_traceback(proc_staffed):
    """`deskctl … | head -1` closes the pipe early: no traceback, no 'Exception ignored'."""
    proc_desk = proc_staffed
    rows = [{"title": f"fault {i:03d} " + "线路" * 30, "reporter": f"user {i}", "system": "vpn"}
            for i in range(300)]
    feed = proc_desk.root / "big.json"
    feed.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    proc_desk.ok("ticket", "import", str(feed))  # one process (`deskctl demo` took ~8 s)
    commands = [
        "ticket list --status all --limit 5000",
        "ticket list --status all --limit 5000 --json",
        "ticket list --status all --limit 5000 --format csv",
        "audit log --limit 100000",
    ]
    # CSV is the smallest of the four (~80 KB; the others 140-210 KB): every output outgrows the
    # pipe buffer, so each command meets the closed pipe mid-write (EPIPE), not after it.
    big = proc_desk.shell("deskctl ticket list --status all --limit 5000 --format csv | wc -c")
    assert int(big.out.strip()) > 65536, "the output must outgrow the pipe buffer to test EPIPE"
    for command in commands:
        res = proc_desk.shell(f'deskctl {command} | head -1; echo "status=${{PIPESTATUS[0]}}" >&2')
        assert res.code == 0
        assert res.out.count("\n") == 1 and res.out.strip(), f"{command}: {res.out[:200]!r}"
        err = [line for line in res.err.splitlines() if not line.startswith("status=")]
        assert err == [], f"{command} wrote to stderr: {res.err[-1500:]}"
        status = int(res.err.rsplit("status=", 1)[1])
        assert status in (0, 141), f"{command} exited {status}"


def test_storage_malformed_config_exits_6_with_line_and_keeps_file(proc_staffed):
    broken = 'timezone = "Asia/Shanghai"\n\nuser = \n'
    proc_staffed.config.write_text(broken, encoding="utf-8")
    before = proc_staffed.config.read_bytes()
    for args in (["ticket", "list"], ["config", "set", "user", "zhang"], ["status"]):
        res = proc_staffed.run(*args)
        assert res.code == 6, f"{args}: exit {res.code}\n{res.err}"
        assert res.err.startswith("deskctl: error:") and res.err.count("\n") == 1, res.err
        assert str(proc_staffed.config) in res.err
        assert "line 3" in res.err
        assert "Traceback" not in res.err
    assert proc_staffed.config.read_bytes() == before


def test_storage_non_sqlite_file_exits_6_and_is_untouched(proc_desk):
    proc_desk.db.parent.mkdir(mode=0o700)
    proc_desk.db.write_bytes(b"these are my notes, not a database\n" * 200)
    before = _files(proc_desk.db.parent)
    for args in (["ticket", "list"], ["ticket", "open", "x", "--reporter", "r"], ["status"], ["init"]):
        res = proc_desk.run(*args, env={"DESKCTL_USER": "zhang"})
        assert res.code == 6, f"{args}: exit {res.code}\n{res.out}\n{res.err}"
        assert error_lines(res.err) == [res.err.splitlines()[-1]], res.err
        assert "not a usable deskctl database" in res.err or "not a deskctl" in res.err
        assert "Traceback" not in res.err
    assert _files(proc_desk.db.parent) == before


@pytest.mark.slow
def test_storage_newer_schema_exits_6_and_leaves_database_untouched(proc_staffed):
    proc_staffed.ok("ticket", "open", "printer jam", "--reporter", "r", "--priority", "P3")
    con = sqlite3.connect(proc_staffed.db)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.close()
    before = _files(proc_staffed.db.parent)
    for args in (["ticket", "list"], ["ticket", "open", "x", "--reporter", "r"], ["ticket", "show", "1"],
                 ["status"], ["db", "upgrade"], ["init"]):
        res = proc_staffed.run(*args)
        assert res.code == 6, f"{args}: exit {res.code}\n{res.out}\n{res.err}"
        assert error_lines(res.err) == [res.err.splitlines()[-1]], res.err
        assert "newer" in res.err, res.err
        assert "Traceback" not in res.err
    assert _files(proc_staffed.db.parent) == before  # same bytes, and no backup was made


@pytest.mark.parametrize("command", ["--help", "ticket", "ticket list --help"])
def test_help_into_a_closed_pipe_exits_141(proc_desk, command):
    """The reader is gone before deskctl writes: help (printed by Typer's own Rich console) too."""
    res = proc_desk.shell(f'{{ sleep 0.3; deskctl {command}; echo "status=$?" >&2; }} | true')
    err = [line for line in res.err.splitlines() if not line.startswith("status=")]
    assert err == [], res.err
    assert int(res.err.rsplit("status=", 1)[1]) == 141
