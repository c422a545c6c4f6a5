"""Housekeeping commands: init, config, db, audit, and the storage errors (SPEC §7, §8)."""

from __future__ import annotations

import shutil
import sqlite3
import tomllib

import pytest

from tests.services.ticket_steps import open_ticket


def _raw(path, sql, *params):
    con = sqlite3.connect(path)
    try:
        rows = con.execute(sql, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def _fresh_env(desk, sub="fresh"):
    """A new desk and config file on the real clock (DESKCTL_NOW is refused on a new desk unless
    it is made a drill desk)."""
    root = desk.root / sub
    return {"DESKCTL_DB": str(root / "data" / "desk.db"), "DESKCTL_CONFIG": str(root / "conf" / "config.toml"),
            "DESKCTL_NOW": ""}


# --- init ---------------------------------------------------------------------------------------


def test_init_creates_config_and_private_database(desk):
    env = _fresh_env(desk)
    res = desk.run("--tz", "Europe/Berlin", "init", env=env)
    assert res.exit_code == 0, res.stderr
    assert res.stdout == ""
    assert "wrote config" in res.stderr and "created database" in res.stderr
    db = desk.root / "fresh" / "data" / "desk.db"
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    config = desk.root / "fresh" / "conf" / "config.toml"
    assert tomllib.loads(config.read_text(encoding="utf-8")) == {}  # the person's own keys go here
    shown = desk.json("config", "show", env=env)  # the desk's settings live in the desk
    assert (shown["timezone"], shown["auth.require"], shown["clock.override"]) == ("Europe/Berlin", "supervisor", False)
    assert desk.json("staff", "list", env=env) == []


def test_init_is_idempotent(desk):
    env = _fresh_env(desk)
    desk.ok("init", env=env)
    desk.ok("staff", "add", "lead", "--name", "L", "--role", "supervisor", env=env)
    config = desk.root / "fresh" / "conf" / "config.toml"
    before = config.read_bytes()
    res = desk.run("--tz", "Europe/Berlin", "init", env=env)
    assert res.exit_code == 0
    assert "kept as it is" in res.stderr and "is ready" in res.stderr
    assert config.read_bytes() == before
    assert [s["handle"] for s in desk.json("staff", "list", env=env)] == ["lead"]


def test_command_without_database_exits_6(desk):
    res = desk.run("ticket", "list", env=_fresh_env(desk))
    assert res.exit_code == 6
    assert "deskctl init" in res.stderr
    assert not (desk.root / "fresh" / "data" / "desk.db").exists()


def test_global_db_option_wins(staffed):
    other = staffed.root / "other.db"
    staffed.ok("--db", str(other), "init")
    assert staffed.json("--db", str(other), "staff", "list") == []
    assert len(staffed.json("staff", "list")) == 5


# --- config -------------------------------------------------------------------------------------


def test_config_path(desk):
    res = desk.run("config", "path")
    assert (res.exit_code, res.stdout) == (0, f"{desk.config}\n")


def test_config_set_desk_setting_is_the_supervisors_and_audited(staffed):
    before = staffed.config.read_bytes()
    res = staffed.run("--as", "lead", "config", "set", "sla.P1.response", "10m")
    assert res.exit_code == 0, res.stderr
    assert res.stderr == "sla.P1.response = 10m (was 15m)\n"
    assert staffed.ok("config", "get", "sla.P1.response").stdout == "10m\n"
    staffed.ok("--as", "lead", "config", "set", "sla.calendar.holidays", "2026-10-01,2026-10-02")
    assert staffed.ok("config", "get", "sla.calendar.holidays").stdout == '["2026-10-01", "2026-10-02"]\n'
    assert staffed.config.read_bytes() == before  # the desk's rules are not in anybody's file
    changed = staffed.json("audit", "log", "--entity", "config")[-2]
    assert (changed["actor"], changed["kind"], changed["from"], changed["to"]) == ("lead", "changed", '"15m"', '"10m"')
    refused = staffed.run("--as", "zhang", "config", "set", "sla.P1.response", "99h")
    assert refused.exit_code == 5 and "only a supervisor" in refused.stderr
    assert staffed.ok("config", "get", "sla.P1.response").stdout == "10m\n"


def test_config_set_own_keys_writes_the_file_and_keeps_other_keys(desk):
    res = desk.run("config", "set", "user", "zhang")
    assert res.exit_code == 0, res.stderr
    data = tomllib.loads(desk.config.read_text(encoding="utf-8"))
    assert data["user"] == "zhang" and data["timezone"] == "Asia/Shanghai"
    assert not [p for p in desk.config.parent.iterdir() if p.name.startswith(".config-")]


def test_config_get_default(desk):
    assert desk.ok("config", "get", "confirm_window").stdout == "72h\n"


@pytest.mark.parametrize(
    ("args", "snippet"),
    [
        (["set", "colour", "blue"], "unknown config key"),
        (["set", "sla.P1.response", "whenever"], "sla.P1.response"),
        (["set", "timezone", "Mars/Base"], "Mars/Base"),
        (["set", "limits.text_max", "0"], "limits.text_max"),
        (["get", "colour"], "unknown config key"),
    ],
)
def test_config_bad_key_or_value_exits_2_file_unchanged(staffed, args, snippet):
    desk = staffed
    before = desk.config.read_bytes()
    res = desk.run("--as", "lead", "config", *args)
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and snippet in res.stderr
    assert desk.config.read_bytes() == before


def test_config_show(staffed):
    desk = staffed
    desk.ok("--as", "lead", "config", "set", "confirm_window", "48h")
    shown = desk.json("config", "show")
    assert shown["confirm_window"] == "48h"
    assert shown["timezone"] == "Asia/Shanghai"
    assert shown["sla.P2.resolution"] == "8h"
    res = desk.ok("config", "show")
    line = next(x for x in res.stdout.splitlines() if x.strip().startswith("confirm_window"))
    assert "48h" in line and "desk" in line
    line = next(x for x in res.stdout.splitlines() if x.strip().startswith("user"))
    assert "yours" in line
    assert "ignored in" in res.stderr and "timezone" in res.stderr  # the test config's desk keys
    line = next(x for x in res.stdout.splitlines() if x.strip().startswith("sla.P2.resolution"))
    assert "default" in line


def test_config_broken_file_exits_6_with_line_and_is_kept(desk):
    text = 'timezone = "Asia/Shanghai"\n\n[sla.P1]\nresponse = 15m\n'
    desk.config.write_text(text, encoding="utf-8")
    for args in (["ticket", "list"], ["config", "show"], ["config", "set", "user", "zhang"], ["init"]):
        res = desk.run(*args)
        assert res.exit_code == 6, args
        assert res.stdout == ""
        assert res.stderr.startswith("deskctl: error: ")
        assert str(desk.config) in res.stderr and "line 4" in res.stderr
    assert desk.config.read_text(encoding="utf-8") == text
    assert desk.ok("config", "path").stdout == f"{desk.config}\n"


def test_config_wrong_type_in_file_exits_6(desk):
    desk.config.write_text('confirm_window = "a while"\n', encoding="utf-8")
    res = desk.run("ticket", "list")
    assert res.exit_code == 6
    assert "confirm_window" in res.stderr


def test_config_file_cannot_change_the_desks_rules(staffed):
    """An officer who writes the desk's limit into their own file changes nothing."""
    staffed.config.write_text('timezone = "UTC"\n[limits]\ntext_max = "100"\n', encoding="utf-8")
    res = staffed.run("--as", "zhang", "ticket", "open", "x", "--reporter", "r", "-d", "y" * 101)
    assert res.exit_code == 0, res.stderr
    staffed.configure("limits.text_max", "100")
    res = staffed.run("--as", "zhang", "ticket", "open", "x", "--reporter", "r", "-d", "y" * 101)
    assert res.exit_code == 2, res.stderr
    assert "the limit is 100" in res.stderr


def test_bad_tz_and_bad_now_exit_2(desk):
    res = desk.run("--tz", "Nowhere/Land", "ticket", "list")
    assert res.exit_code == 2 and "Nowhere/Land" in res.stderr
    res = desk.run("ticket", "list", env={"DESKCTL_NOW": "half past nine"})
    assert res.exit_code == 2 and "DESKCTL_NOW" in res.stderr


def test_version_and_no_traceback_on_usage_error(desk):
    res = desk.run("--version")
    assert res.exit_code == 0 and res.stdout.startswith("deskctl ")
    res = desk.run("ticket", "frobnicate")
    assert res.exit_code == 2
    assert "Traceback" not in res.stderr and res.stderr.startswith("deskctl: error: ")


# --- db -----------------------------------------------------------------------------------------


def _open(desk, title):
    """A ticket opened through the service; the desk's connection is closed again, because the
    commands below copy, replace and edit the database file."""
    ticket_id = open_ticket(desk, title, reporter="r")["id"]
    desk.close()
    return ticket_id


def test_db_backup_restore_round_trip(staffed):
    d = staffed
    _open(d, "before backup")
    backup = d.root / "backup.db"
    res = d.run("db", "backup", str(backup))
    assert res.exit_code == 0 and "backed up" in res.stderr
    assert backup.stat().st_mode & 0o777 == 0o600
    _open(d, "after backup")
    assert len(d.json("ticket", "list")) == 2
    refused = d.run("--as", "zhang", "db", "restore", str(backup), "--yes")
    assert refused.exit_code == 5 and "only a supervisor" in refused.stderr
    assert len(d.json("ticket", "list")) == 2
    res = d.run("--as", "lead", "db", "restore", str(backup), "--yes")
    assert res.exit_code == 0, res.stderr
    assert [t["title"] for t in d.json("ticket", "list")] == ["before backup"]
    assert len(list(d.db.parent.glob(d.db.name + ".before-restore.*.bak"))) == 1
    assert d.db.stat().st_mode & 0o777 == 0o600
    assert d.ok("db", "check").stdout


def test_db_restore_needs_yes_off_a_terminal(staffed):
    _open(staffed, "x")
    backup = staffed.root / "b.db"
    staffed.ok("db", "backup", str(backup))
    _open(staffed, "y")
    res = staffed.run("db", "restore", str(backup))
    assert res.exit_code == 2 and "--yes" in res.stderr
    assert len(staffed.json("ticket", "list")) == 2


def test_db_restore_missing_file_exits_3(staffed):
    res = staffed.run("db", "restore", str(staffed.root / "nope.db"), "--yes")
    assert res.exit_code == 3


def test_db_restore_garbage_exits_6_and_keeps_database(staffed):
    _open(staffed, "keep me")
    junk = staffed.root / "junk.db"
    junk.write_bytes(b"garbage" * 1000)
    res = staffed.run("--as", "lead", "db", "restore", str(junk), "--yes")
    assert res.exit_code == 6
    assert [t["title"] for t in staffed.json("ticket", "list")] == ["keep me"]


def test_db_backup_to_missing_folder_exits_2(staffed):
    res = staffed.run("db", "backup", str(staffed.root / "no" / "such" / "b.db"))
    assert res.exit_code == 2 and "does not exist" in res.stderr


def test_db_upgrade_current_is_a_no_op(staffed):
    res = staffed.run("--as", "lead", "db", "upgrade")
    assert res.exit_code == 0
    assert "is at schema" in res.stderr
    assert len(staffed.json("staff", "list")) == 5


def test_db_check_ok(staffed):
    _open(staffed, "x")
    res = staffed.run("db", "check", "--json")
    assert res.exit_code == 0
    view = res.json()
    assert view["ok"] is True
    assert view["integrity"] == {"integrity": ["ok"], "foreign_key_violations": 0, "ok": True}
    assert view["audit"]["ok"] is True and view["audit"]["events_checked"] == 9  # 3 settings, 5 staff, 1 ticket


def test_audit_verify_finds_a_tampered_event(staffed):
    d = staffed
    _open(d, "x")
    d.ok("--as", "zhang", "ticket", "note", "1", "original words")
    assert d.json("audit", "verify")["ok"] is True
    note = [e for e in d.json("audit", "log") if e["kind"] == "note"][0]
    _raw(d.db, "UPDATE event SET details = ? WHERE id = ?", '{"text": "forged words"}', note["id"])
    res = d.run("audit", "verify", "--json")
    assert res.exit_code == 1
    view = res.json()
    assert view["ok"] is False
    assert view["first_broken_event"] == note["id"]
    assert view["events_checked"] == note["id"] - 1
    assert "hash" in view["problem"]
    table = d.run("audit", "verify")
    assert table.exit_code == 1
    assert str(note["id"]) in table.stdout
    check = d.run("db", "check", "--json")
    assert check.exit_code == 1
    assert check.json()["audit"]["first_broken_event"] == note["id"]


def test_audit_verify_finds_a_deleted_event(staffed):
    _open(staffed, "x")
    _raw(staffed.db, "DELETE FROM event WHERE id = 5")
    res = staffed.run("audit", "verify", "--json")
    assert res.exit_code == 1
    assert res.json()["first_broken_event"] == 6
    assert "event 5 is missing" in res.json()["problem"]


def test_audit_log_filters(staffed):
    _open(staffed, "x")
    events = staffed.json("audit", "log")
    assert [e["id"] for e in events] == list(range(1, 10))
    assert [e["kind"] for e in events][-1] == "opened"
    assert events[0]["at"] == "2026-11-23T09:00:00+08:00"
    assert [e["kind"] for e in events[:3]] == ["initial"] * 3  # the test desk's settings
    assert {e["entity"] for e in staffed.json("audit", "log", "--entity", "ticket")} == {"ticket"}
    assert {e["actor"] for e in staffed.json("audit", "log", "--actor", "zhang")} == {"zhang"}
    assert [e["id"] for e in staffed.json("audit", "log", "--limit", "2")] == [8, 9]
    assert staffed.json("audit", "log", "--since", "tomorrow") == []


def test_non_sqlite_database_file_exits_6_untouched(desk):
    junk = desk.root / "junk.db"
    junk.write_bytes(b"PK\x03\x04 definitely a zip file, not a database" * 100)
    before = junk.read_bytes()
    res = desk.run("ticket", "list", env={"DESKCTL_DB": str(junk)})
    assert res.exit_code == 6
    assert res.stderr.startswith("deskctl: error: ") and "not a usable deskctl database" in res.stderr
    assert junk.read_bytes() == before


def test_foreign_sqlite_database_exits_6_untouched(desk):
    other = desk.root / "other.db"
    _raw(other, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    before = other.read_bytes()
    res = desk.run("staff", "list", env={"DESKCTL_DB": str(other)})
    assert res.exit_code == 6
    assert other.read_bytes() == before


def test_newer_database_exits_6_and_bytes_unchanged(staffed):
    newer = staffed.root / "newer.db"
    shutil.copyfile(staffed.db, newer)
    _raw(newer, "UPDATE alembic_version SET version_num = '9999'")
    before = newer.read_bytes()
    for args in (["ticket", "list"], ["db", "upgrade"], ["--as", "lead", "ticket", "open", "x", "--reporter", "r"]):
        res = staffed.run(*args, env={"DESKCTL_DB": str(newer)})
        assert res.exit_code == 6, args
        assert "newer deskctl" in res.stderr and "9999" in res.stderr
    assert newer.read_bytes() == before
    assert not list(staffed.root.glob("newer.db.*.bak"))


def test_status_counts_open_tickets(staffed):
    open_ticket(staffed, "a", priority="P1")
    open_ticket(staffed, "b", priority="P3")
    staffed.set_now("2026-11-23T09:30:00+08:00")
    view = staffed.json("status", env={"DESKCTL_USER": "zhang"})
    assert view["open_tickets"] == {"P1": 1, "P2": 0, "P3": 1, "P4": 0}
    assert [t["id"] for t in view["sla_breached"]] == [1]


@pytest.mark.parametrize(
    "args",
    [("ticket", "show", "99999999999999999999999"), ("ticket", "list", "--limit", "99999999999999999999999")],
)
def test_number_beyond_sqlite_integers_exits_2(staffed, args):
    res = staffed.run(*args)
    assert res.exit_code == 2, res.stderr
    assert "number is too large" in res.stderr and "internal error" not in res.stderr


def test_date_beyond_year_9999_exits_2(staffed):
    res = staffed.run("shift", "list", "--from", "9999-12-31")
    assert res.exit_code == 2, res.stderr
    assert "date is out of range" in res.stderr


@pytest.mark.parametrize(("typo", "suggested"), [("tiket", "'ticket'"), ("statu", "'staff'"), ("reprot", "'report'")])
def test_unknown_command_suggests_lazy_groups_too(desk, typo, suggested):
    res = desk.run(typo)
    assert res.exit_code == 2
    assert "Did you mean" in res.stderr and suggested in res.stderr


# --- demo -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_builds_a_desk_in_the_given_database(desk):
    """One demo build (it is the heaviest set-up there is): the command's summary and refusal,
    and what the demo holds, read back through the CLI."""
    target = desk.root / "demo" / "demo.db"
    summary = desk.json("demo", "--db", str(target))
    assert summary["database"] == str(target) and summary["timezone"] == "Asia/Shanghai"
    assert summary["inspection_plans"] == 4 and summary["inspection_runs"] > 30
    assert target.stat().st_mode & 0o777 == 0o600
    res = desk.run("demo", "--db", str(target))
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "already holds a desk" in res.stderr

    demo = ("--db", str(target))
    plans = desk.json(*demo, "inspect", "plan", "list")
    assert {"core-network", "backups", "machine-room", "ups-battery"} == {p["name"] for p in plans}
    history = desk.json(*demo, "inspect", "history", "--since", "31d ago")
    assert [r["plan"] for r in history if r["state"] == "missed"] == ["core-network"]
    failed = [r for r in history if r["failed"]]
    assert len(failed) == 4 and all(r["tickets"] for r in failed)
    core = [r["tickets"][0] for r in failed if r["plan"] == "core-network"]
    assert len(core) == 2 and core[0] == core[1]  # the repeat failure noted on the open ticket
    assert desk.json(*demo, "ticket", "show", str(core[0]))["channel"] == "inspection"
    assert desk.json(*demo, "audit", "verify")["ok"] is True
