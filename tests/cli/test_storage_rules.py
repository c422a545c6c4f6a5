"""What the CLI owns of the storage rules (issue 10): exit codes, one-line errors, --force, masking.

The rules themselves are tested at the store (tests/unit/test_store_safety.py); real processes,
mounts and full disks in tests/e2e/test_storage_safety.py.
"""

from __future__ import annotations

import sqlite3

import pytest

from deskctl.store import schema

# A desk at this program's schema, and a program one revision ahead of it (a desk "behind").
CURRENT = schema.HEAD
NEXT = f"{int(CURRENT) + 1:04d}"


def _one_error_line(res, code: int) -> str:
    assert res.exit_code == code, (res.exit_code, res.stderr)
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and res.stderr.count("\n") == 1, res.stderr
    assert "Traceback" not in res.stderr
    return res.stderr


@pytest.fixture
def behind(staffed, monkeypatch):
    """The staffed desk, one schema revision behind this program."""
    monkeypatch.setattr(schema, "KNOWN_REVISIONS", (*schema.KNOWN_REVISIONS, NEXT))
    monkeypatch.setattr(schema, "HEAD", NEXT)
    return staffed


@pytest.mark.parametrize("args", [
    ("ticket", "list"),
    ("status",),
    ("db", "check"),
    ("audit", "verify"),
    ("--as", "zhang", "ticket", "open", "x", "--reporter", "r"),
    ("db", "backup", "{root}/bk.db"),
    ("shift", "export", "--ics", "{root}/rota.ics"),
    ("demo",),
])
def test_behind_schema_every_other_command_exits_6_asking_for_upgrade(behind, args):
    before = behind.db.read_bytes()
    res = behind.run(*(a.format(root=behind.root) for a in args))
    err = _one_error_line(res, 6)
    assert f"schema {CURRENT}" in err and "`deskctl db upgrade`" in err
    assert behind.db.read_bytes() == before
    assert not list(behind.root.glob("*.bak")) and not (behind.root / "bk.db").exists()


@pytest.mark.parametrize("args", [("db", "upgrade"), ("init",)])
def test_behind_schema_upgrade_and_init_keep_a_copy_first(behind, args):
    res = behind.run(*args)
    assert res.exit_code == 0, res.stderr
    kept = list(behind.root.glob("desk.db.before-upgrade.*.bak"))
    assert len(kept) == 1 and str(kept[0]) in res.stderr
    assert kept[0].stat().st_mode & 0o777 == 0o600


def test_zero_byte_database_exits_6_untouched(desk):
    zero = desk.root / "zero.db"
    zero.touch(mode=0o644)
    for args in (["ticket", "list"], ["staff", "add", "a", "--name", "A", "--role", "supervisor"],
                 ["db", "upgrade"]):
        err = _one_error_line(desk.run(*args, env={"DESKCTL_DB": str(zero)}), 6)
        assert "empty file" in err and str(zero) in err
    res = desk.run("init", env={"DESKCTL_DB": str(zero)})  # after a line about the config
    assert res.exit_code == 6 and res.stderr.splitlines()[-1].startswith("deskctl: error: ")
    assert "empty file" in res.stderr
    assert zero.stat().st_size == 0 and zero.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("target", [":memory:", "sqlite://", "sqlite:///:memory:", "gopher://desk/db"])
def test_database_in_memory_or_unknown_scheme_exits_2(desk, target):
    for args in (["init"], ["ticket", "list"]):
        _one_error_line(desk.run("--db", target, *args), 2)


def test_postgresql_password_is_masked_everywhere(desk):
    url = "postgresql://desk:s3cr3t@db.example/desk"
    err = _one_error_line(desk.run("--db", url, "ticket", "list"), 6)
    assert "desk:***@db.example" in err and "s3cr3t" not in err
    res = desk.run("config", "set", "database", url)
    assert res.exit_code == 0 and "s3cr3t" not in res.stderr
    assert desk.ok("config", "get", "database").stdout == "postgresql://desk:***@db.example/desk\n"
    assert desk.json("config", "show")["database"] == "postgresql://desk:***@db.example/desk"
    assert "s3cr3t" not in desk.ok("config", "show").stdout
    assert "s3cr3t" not in desk.run("init", env={"DESKCTL_DB": ""}).stderr
    assert "s3cr3t" in desk.config.read_text(encoding="utf-8")  # the file keeps what was set


def test_db_backup_existing_file_exits_4_naming_force(staffed):
    target = staffed.root / "bk.db"
    target.write_bytes(b"last week")
    err = _one_error_line(staffed.run("db", "backup", str(target)), 4)
    assert "--force" in err
    assert target.read_bytes() == b"last week"
    res = staffed.run("db", "backup", str(target), "--force")
    assert res.exit_code == 0, res.stderr
    con = sqlite3.connect(target)
    try:
        assert con.execute("SELECT count(*) FROM staff").fetchone() == (5,)
    finally:
        con.close()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_db_backup_onto_the_database_files_exits_2(staffed, suffix):
    before = staffed.db.read_bytes()
    err = _one_error_line(staffed.run("db", "backup", f"{staffed.db}{suffix}", "--force"), 2)
    assert "database" in err
    assert staffed.db.read_bytes() == before
    assert len(staffed.json("staff", "list")) == 5


def test_db_restore_from_the_database_itself_exits_2(staffed):
    _one_error_line(staffed.run("db", "restore", str(staffed.db), "--yes"), 2)


def test_shift_export_existing_ics_exits_4_and_force_replaces(staffed):
    target = staffed.root / "rota.ics"
    target.write_text("my calendar", encoding="utf-8")
    err = _one_error_line(staffed.run("shift", "export", "--ics", str(target)), 4)
    assert "--force" in err and target.read_text(encoding="utf-8") == "my calendar"
    res = staffed.run("shift", "export", "--ics", str(target), "--force")
    assert res.exit_code == 0, res.stderr
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert not [p for p in staffed.root.iterdir() if p.name.endswith(".part")]


def test_shift_export_onto_the_database_exits_2(staffed):
    before = staffed.db.read_bytes()
    _one_error_line(staffed.run("shift", "export", "--ics", str(staffed.db), "--force"), 2)
    assert staffed.db.read_bytes() == before


def test_db_restore_twice_tells_each_safety_copy(staffed):
    backup = staffed.root / "bk.db"
    staffed.ok("db", "backup", str(backup))
    first = staffed.ok("db", "restore", str(backup), "--yes").stderr
    second = staffed.ok("db", "restore", str(backup), "--yes").stderr
    kept = {str(p) for p in staffed.root.glob("desk.db.before-restore.*.bak")}
    told = {line.rsplit(": ", 1)[1] for line in (first + second).splitlines() if line.startswith("kept ")}
    assert len(kept) == 2 and told == kept
