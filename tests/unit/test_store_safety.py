"""Storage that cannot destroy data (issue 10, docs/design.md §8): the rules, at the store.

Targets and URLs, part files, sweeping, safety copies, backups, restores, read-only opening,
the schema check on open. Real processes, real read-only mounts and real full disks are in
tests/e2e/test_storage_safety.py.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskctl.errors import Conflict, ExitCode, InvalidInput, StorageError
from deskctl.store import schema
from deskctl.store.copies import backup_to, restore_from, safety_copy
from deskctl.store.engine import open_database
from deskctl.store.files import PartFile, sweep
from deskctl.store.location import mask, parse_target, refuse_own_files

# A desk at this program's schema, and a program one revision ahead of it (a desk "behind").
CURRENT = schema.HEAD
NEXT = f"{int(CURRENT) + 1:04d}"

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _copy(src: Path, dest: Path) -> Path:
    shutil.copyfile(src, dest)
    dest.chmod(0o600)
    return dest


def _raw(path, sql, *params):
    con = sqlite3.connect(path)
    try:
        rows = con.execute(sql, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def _staff(path) -> list[str]:
    return [r[0] for r in _raw(path, "SELECT handle FROM staff ORDER BY handle")]


def _add_staff(path, handle):
    _raw(path, "INSERT INTO staff (handle, name, role, tier, phone, active, created_at) "
               "VALUES (?, 'N', 'officer', 1, '', 1, '2026-11-23 01:00:00.000000')", handle)


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


@pytest.fixture
def db_path(tmp_path, _template_db) -> Path:
    folder = tmp_path / "desk"
    folder.mkdir(mode=0o700)
    return _copy(_template_db, folder / "desk.db")


# --- where the desk lives -------------------------------------------------------------------


@pytest.mark.parametrize("target", [":memory:", "", "sqlite://", "sqlite:///:memory:",
                                    "sqlite:///file::memory:?cache=shared", "sqlite:///x.db?mode=memory"])
def test_target_in_memory_is_refused_exit_2(target):
    with pytest.raises(InvalidInput, match="in-memory|not a file") as info:
        parse_target(target)
    assert info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize("target", ["foo://x", "mysql://u:pw@h/db", "http://example.org/d.db"])
def test_target_unknown_scheme_exit_2_password_masked(target):
    with pytest.raises(InvalidInput, match="unknown database URL scheme") as info:
        parse_target(target)
    assert "pw" not in info.value.message


def test_target_postgresql_exit_6_password_masked():
    with pytest.raises(StorageError) as info:
        parse_target("postgresql://desk:s3cr3t@db.example:5432/desk")
    assert info.value.exit_code == ExitCode.STORAGE
    assert "s3cr3t" not in info.value.message
    assert "postgresql://desk:***@db.example:5432/desk" in info.value.message


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://u:p@host/db", "postgresql://u:***@host/db"),
    ("postgresql+psycopg://u:p%40ss@host:5432/db", "postgresql+psycopg://u:***@host:5432/db"),
    ("postgresql://u@host/db", "postgresql://u@host/db"),
    ("postgresql://host/db?user=u&password=p&sslmode=require", "postgresql://host/db?user=u&password=***&sslmode=require"),
    ("/var/lib/deskctl/desk.db", "/var/lib/deskctl/desk.db"),
])
def test_mask_hides_passwords_only(url, shown):
    assert mask(url) == shown


def test_target_sqlite_url_names_a_file(tmp_path):
    assert parse_target(f"sqlite:///{tmp_path}/d.db").path == tmp_path / "d.db"
    assert parse_target("sqlite:///rel/d.db").path == Path("rel/d.db")
    with pytest.raises(InvalidInput):
        parse_target("sqlite://host/d.db")


def test_own_files_are_refused_through_links_and_relative_paths(db_path, monkeypatch):
    folder = db_path.parent
    (folder / "link.db").symlink_to(db_path.name)
    os.link(db_path, folder / "hard.db")
    monkeypatch.chdir(folder)
    for target in ("desk.db", "./desk.db-wal", "desk.db-shm", "desk.db-journal", "link.db", "hard.db",
                   f"../{folder.name}/desk.db"):
        with pytest.raises(InvalidInput, match="database") as info:
            refuse_own_files(Path(target), db_path, what="the backup")
        assert info.value.exit_code == 2, target
    refuse_own_files(Path("other.db"), db_path, what="the backup")  # any other file is fine


# --- part files --------------------------------------------------------------------------------


def test_part_file_is_0600_from_creation_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        with PartFile(tmp_path / "out.db") as part:
            assert part.path.stat().st_mode & 0o777 == 0o600
            part.write(b"x")
            part.publish(tmp_path / "out.db")
    finally:
        os.umask(old)
    assert (tmp_path / "out.db").stat().st_mode & 0o777 == 0o600
    assert _parts(tmp_path) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError])
def test_part_file_and_its_side_files_removed_on_failure(tmp_path, interruption):
    with pytest.raises(interruption), PartFile(tmp_path / "out.db") as part:
        sqlite3.connect(part.path).execute("CREATE TABLE t (x)").connection.close()
        part.path.with_name(part.path.name + "-journal").write_bytes(b"j")
        raise interruption
    assert list(tmp_path.iterdir()) == []


def test_part_file_publish_never_replaces_without_force(tmp_path):
    target = tmp_path / "out.ics"
    target.write_bytes(b"precious")
    with pytest.raises(Conflict, match="--force") as info, PartFile(target) as part:
        part.write(b"new")
        part.publish_or_refuse(target, force=False)
    assert info.value.exit_code == 4
    assert target.read_bytes() == b"precious"
    assert _parts(tmp_path) == []
    with PartFile(target) as part:
        part.write(b"new")
        part.publish_or_refuse(target, force=True)
    assert target.read_bytes() == b"new"


def test_part_file_publish_without_hard_links_still_never_replaces(tmp_path, monkeypatch):
    """Filesystems without hard links (FAT, some FUSE): the name is reserved with O_EXCL."""
    import errno

    import deskctl.store.files as files

    def no_links(src, dst, **_kw):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "link", no_links)
    with PartFile(tmp_path / "new.ics") as part:
        part.write(b"fresh")
        part.publish_or_refuse(tmp_path / "new.ics", force=False)
    assert (tmp_path / "new.ics").read_bytes() == b"fresh"
    with pytest.raises(Conflict), PartFile(tmp_path / "new.ics") as part:
        part.write(b"again")
        part.publish_or_refuse(tmp_path / "new.ics", force=False)
    assert (tmp_path / "new.ics").read_bytes() == b"fresh"
    assert _parts(tmp_path) == []


def test_sweep_removes_dead_part_files_and_keeps_live_ones(tmp_path):
    dest = tmp_path / "bk.db"
    dead = tmp_path / "bk.db.0123456789ab.part"
    dead.write_bytes(b"copy of the desk")
    dead.with_name(dead.name + "-journal").write_bytes(b"j")
    orphan = tmp_path / "bk.db.ba9876543210.part-wal"
    orphan.write_bytes(b"w")
    unrelated = tmp_path / "bk.db.notes.part"
    unrelated.write_bytes(b"not ours")
    with PartFile(dest) as live:
        removed = sweep(dest)
        assert live.path.exists()
    assert sorted(p.name for p in removed) == sorted([dead.name, orphan.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bk.db.notes.part"]


def test_sweep_leaves_a_part_file_locked_by_another_open_file(tmp_path):
    part = tmp_path / "bk.db.0123456789ab.part"
    part.write_bytes(b"being written")
    fd = os.open(part, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert sweep(tmp_path / "bk.db") == []
        assert part.exists()
    finally:
        os.close(fd)
    assert sweep(tmp_path / "bk.db") == [part]


# --- opening ------------------------------------------------------------------------------------


def test_open_refuses_a_zero_byte_file_untouched(tmp_path):
    path = tmp_path / "zero.db"
    path.touch(mode=0o644)
    for flags in ({}, {"create": True}, {"create": True, "migrate": True}, {"migrate": True}):
        with pytest.raises(StorageError, match="empty file") as info:
            open_database(path, **flags)
        assert info.value.exit_code == 6
    assert path.stat().st_size == 0 and path.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zero.db"]


def test_open_refuses_an_empty_sqlite_database_untouched(tmp_path):
    path = tmp_path / "blank.db"
    _raw(path, "PRAGMA user_version = 0")
    _raw(path, "VACUUM")
    before = path.read_bytes()
    with pytest.raises(StorageError, match="empty SQLite database"):
        open_database(path, create=True, migrate=True)
    assert path.read_bytes() == before


def test_open_new_database_is_0600_in_0700_folder_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        db = open_database(tmp_path / "new" / "desk.db", create=True)
    finally:
        os.umask(old)
    db.close()
    assert db.created is True
    assert (tmp_path / "new" / "desk.db").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["desk.db"]
    assert _raw(tmp_path / "new" / "desk.db", "PRAGMA journal_mode") == [("wal",)]


def test_open_create_uses_a_database_another_process_published_first(tmp_path, _template_db, monkeypatch):
    """Two `init`s at once: the one that publishes second keeps the first one's desk."""
    import deskctl.store.engine as engine

    path = tmp_path / "desk.db"
    real = PartFile.publish

    def publish_after_the_other(self, target, *, replace=False):
        if Path(target) == path and not path.exists():
            _copy(_template_db, path)  # the other process won the race
            _add_staff(path, "first")
        return real(self, target, replace=replace)

    monkeypatch.setattr(engine.PartFile, "publish", publish_after_the_other)
    db = open_database(path, create=True)
    db.close()
    assert db.created is False
    assert _staff(path) == ["first"]
    assert _parts(tmp_path) == []


def test_open_never_creates_or_migrates_without_being_asked(tmp_path, db_path, monkeypatch):
    with pytest.raises(StorageError, match="deskctl init"):
        open_database(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
    monkeypatch.setattr(schema, "KNOWN_REVISIONS", (*schema.KNOWN_REVISIONS, NEXT))
    monkeypatch.setattr(schema, "HEAD", NEXT)
    _raw(db_path, "PRAGMA journal_mode=DELETE")
    before = db_path.read_bytes()
    with pytest.raises(StorageError, match=rf"schema {CURRENT} .* needs {NEXT}: run `deskctl db upgrade`") as info:
        open_database(db_path)
    assert info.value.exit_code == 6
    with pytest.raises(StorageError, match="deskctl db upgrade"):
        open_database(db_path, create=True)  # demo does not upgrade either
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["desk.db"]


def test_upgrade_keeps_a_uniquely_named_copy_each_time(db_path, monkeypatch):
    monkeypatch.setattr(schema, "KNOWN_REVISIONS", (*schema.KNOWN_REVISIONS, NEXT))
    monkeypatch.setattr(schema, "HEAD", NEXT)  # the database at the current head is behind
    _add_staff(db_path, "before")
    leftover = db_path.with_name("desk.db.0123456789ab.part")  # a copy a killed upgrade left
    leftover.write_bytes(b"half a copy")
    first = open_database(db_path, migrate=True, now=NOW)
    assert first.removed == [leftover]
    first.close()
    _add_staff(db_path, "later")
    second = open_database(db_path, migrate=True, now=NOW)  # the same second: another name
    second.close()
    assert first.safety_copy != second.safety_copy
    assert first.safety_copy.name == "desk.db.before-upgrade.20261123T010000Z.bak"
    assert second.safety_copy.name == "desk.db.before-upgrade.20261123T010000Z-2.bak"
    assert _staff(first.safety_copy) == ["before"]
    assert _staff(second.safety_copy) == ["before", "later"]
    for copy in (first.safety_copy, second.safety_copy):
        assert copy.stat().st_mode & 0o777 == 0o600
    assert _parts(db_path.parent) == []


def test_upgrade_interrupted_leaves_the_old_schema_and_the_copy(db_path, monkeypatch):
    """The migration runs in the transaction that holds the write lock: all of it or none."""
    import deskctl.store.engine as engine

    monkeypatch.setattr(schema, "KNOWN_REVISIONS", (*schema.KNOWN_REVISIONS, NEXT))
    monkeypatch.setattr(schema, "HEAD", NEXT)
    _add_staff(db_path, "zhang")

    def half_a_migration(conn, revision="head"):
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        conn.exec_driver_sql("DELETE FROM staff")
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "_run_upgrade", half_a_migration)
    with pytest.raises(KeyboardInterrupt):
        open_database(db_path, migrate=True, now=NOW)
    assert _staff(db_path) == ["zhang"]
    assert _raw(db_path, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []
    kept = list(db_path.parent.glob("desk.db.before-upgrade.*.bak"))
    assert len(kept) == 1 and _staff(kept[0]) == ["zhang"]
    assert _parts(db_path.parent) == []


def test_open_read_only_reads_and_refuses_writes(db_path, monkeypatch):
    """As when the file cannot be written (the real mounts and permissions are in tests/e2e)."""
    from sqlmodel import select

    import deskctl.store.engine as engine
    from deskctl.store.tables import Staff

    _add_staff(db_path, "zhang")
    before = db_path.read_bytes()
    monkeypatch.setattr(engine, "not_writable", lambda path: "no write permission on the file")
    db = open_database(db_path)
    try:
        assert db.readonly == "no write permission on the file"
        with db.read() as session:
            assert [s.handle for s in session.exec(select(Staff))] == ["zhang"]
        with pytest.raises(StorageError, match="is read-only .*nothing was changed") as info, db.write():
            pass
        assert info.value.exit_code == 6
        with db.engine.connect() as conn:  # the connection itself is read-only (mode=ro)
            with pytest.raises(Exception, match="readonly"):
                conn.exec_driver_sql("DELETE FROM staff")
    finally:
        db.close()
    assert db_path.read_bytes() == before


def test_immutable_reads_only_when_nobody_can_write_and_nothing_is_pending(db_path, request):
    from deskctl.store.engine import immutable_is_safe

    folder = db_path.parent
    assert immutable_is_safe(db_path) is False  # a writable folder: a writer may come
    folder.chmod(0o555)
    request.addfinalizer(lambda: folder.chmod(0o700))
    assert immutable_is_safe(db_path) is True  # nobody can make a journal or a WAL here
    for side in ("-wal", "-journal"):
        pending = db_path.with_name(db_path.name + side)
        folder.chmod(0o755)
        pending.write_bytes(b"changes not in the main file")
        folder.chmod(0o555)
        assert immutable_is_safe(db_path) is False, side  # they would be skipped
        folder.chmod(0o755)
        pending.unlink()


def test_open_names_a_corrupt_database(db_path):
    _raw(db_path, "PRAGMA journal_mode=DELETE")
    data = bytearray(db_path.read_bytes())
    page = 4096
    data[page * 2: page * 6] = b"\xa5" * (page * 4)  # btree pages overwritten
    db_path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="is corrupt .*deskctl db restore") as info:
        db = open_database(db_path)
        with db.read() as session:
            session.connection().exec_driver_sql("SELECT * FROM staff").all()
            session.connection().exec_driver_sql("SELECT * FROM event").all()
    assert info.value.exit_code == 6


# --- backups ------------------------------------------------------------------------------------


def test_backup_refuses_an_existing_file_without_force(db_path, tmp_path):
    target = tmp_path / "bk.db"
    target.write_bytes(b"last week's backup")
    db = open_database(db_path)
    try:
        with pytest.raises(Conflict, match="--force") as info:
            backup_to(db.engine, target)
        assert info.value.exit_code == 4
        assert target.read_bytes() == b"last week's backup"
        backup_to(db.engine, target, force=True)
    finally:
        db.close()
    assert _raw(target, "SELECT version_num FROM alembic_version") == [(schema.HEAD,)]
    assert _parts(tmp_path) == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_backup_refuses_the_database_own_files(db_path, suffix):
    db = open_database(db_path)
    try:
        before = db_path.read_bytes()
        with pytest.raises(InvalidInput, match="database") as info:
            backup_to(db.engine, db_path.with_name(db_path.name + suffix), force=True)
        assert info.value.exit_code == 2
    finally:
        db.close()
    assert db_path.read_bytes() == before


def test_backup_is_private_in_rollback_journal_mode(db_path, tmp_path):
    _add_staff(db_path, "zhang")
    db = open_database(db_path)
    try:
        backup_to(db.engine, tmp_path / "bk.db")
    finally:
        db.close()
    target = tmp_path / "bk.db"
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes()[18:20] == b"\x01\x01"  # not WAL: it opens on read-only media
    assert _staff(target) == ["zhang"]


def test_backup_interrupted_leaves_no_part_file(db_path, tmp_path, monkeypatch):
    import deskctl.store.copies as copies

    real = copies.copy_into

    def copy_then_interrupt(source, part):
        real(source, part)
        assert part.stat().st_mode & 0o777 == 0o600
        raise KeyboardInterrupt

    monkeypatch.setattr(copies, "copy_into", copy_then_interrupt)
    db = open_database(db_path)
    try:
        with pytest.raises(KeyboardInterrupt):
            backup_to(db.engine, tmp_path / "bk.db")
    finally:
        db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk"]


def test_backup_sweeps_what_a_killed_backup_left(db_path, tmp_path):
    leftover = tmp_path / "bk.db.0123456789ab.part"
    leftover.write_bytes(b"half a desk")
    db = open_database(db_path)
    try:
        done = backup_to(db.engine, tmp_path / "bk.db")
    finally:
        db.close()
    assert done.removed == [leftover]
    assert _parts(tmp_path) == []


# --- safety copies and restores -----------------------------------------------------------------


def test_safety_copies_never_overwrite_each_other(db_path):
    _add_staff(db_path, "a")
    first = safety_copy(db_path, kind="restore", now=NOW)
    _add_staff(db_path, "b")
    second = safety_copy(db_path, kind="restore", now=NOW)
    assert (first.name, second.name) == ("desk.db.before-restore.20261123T010000Z.bak",
                                         "desk.db.before-restore.20261123T010000Z-2.bak")
    assert (_staff(first), _staff(second)) == (["a"], ["a", "b"])


def test_restore_twice_keeps_the_original_desk(db_path, tmp_path):
    """The probe: a second restore overwrote the only copy of the desk as it was."""
    backup = _copy(db_path, tmp_path / "empty-backup.db")
    _add_staff(db_path, "original")
    first = restore_from(backup, db_path, now=NOW)
    second = restore_from(backup, db_path, now=NOW)
    assert first.safety_copy != second.safety_copy
    assert _staff(first.safety_copy) == ["original"]
    assert _staff(second.safety_copy) == []
    assert _staff(db_path) == []
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert _raw(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert _parts(db_path.parent) == []


def test_restore_interrupted_before_the_swap_leaves_the_desk(db_path, tmp_path, monkeypatch):
    import deskctl.store.copies as copies

    backup = _copy(db_path, tmp_path / "bk.db")
    _add_staff(db_path, "keep")
    monkeypatch.setattr(copies, "_check_staged", lambda part, source: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        restore_from(backup, db_path, now=NOW)
    assert _staff(db_path) == ["keep"]
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["desk.db"]


def test_restore_refuses_while_another_program_has_the_desk_open(db_path, tmp_path):
    backup = _copy(db_path, tmp_path / "bk.db")
    _add_staff(db_path, "keep")
    other = sqlite3.connect(db_path)
    try:
        other.execute("SELECT count(*) FROM staff").fetchone()
        with pytest.raises(Conflict, match="open in another program") as info:
            restore_from(backup, db_path, now=NOW)
        assert info.value.exit_code == 4
    finally:
        other.close()
    assert _staff(db_path) == ["keep"]
    assert not list(db_path.parent.glob("*.bak")) and _parts(db_path.parent) == []


def test_restore_refuses_the_database_itself(db_path):
    with pytest.raises(InvalidInput, match="database itself"):
        restore_from(db_path, db_path, now=NOW)


def test_restore_over_an_unreadable_file_keeps_its_bytes(db_path, tmp_path):
    backup = _copy(db_path, tmp_path / "bk.db")
    broken = db_path.with_name("broken.db")
    broken.write_bytes(b"\x00garbage that was once a desk" * 100)
    done = restore_from(backup, broken, now=NOW)
    assert done.safety_copy.read_bytes() == b"\x00garbage that was once a desk" * 100
    assert _raw(broken, "SELECT version_num FROM alembic_version") == [(schema.HEAD,)]


def test_restore_refuses_garbage_and_names_it(db_path, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"nope" * 1000)
    before = db_path.read_bytes()
    with pytest.raises(StorageError, match="not an SQLite database"):
        restore_from(junk, db_path, now=NOW)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["desk.db"]
