"""The fault-injection probe of issue 10, replayed with real `deskctl` processes.

Each test does what the probe did: restore twice, kill a backup or a restore mid-copy (SIGKILL,
SIGTERM, SIGINT), back up onto a full disk, read a desk on a read-only mount or in a folder the
user cannot write, fill the disk under a desk, point the program at a 0-byte file, an in-memory
or a PostgreSQL URL, run four `deskctl init` at once.

Full disks are real (a 1 MiB tmpfs) and read-only mounts are real (a read-only bind mount): both
need root (CAP_SYS_ADMIN) and are skipped, with the reason, elsewhere. The permission test runs
deskctl as the user `nobody` through util-linux `setpriv` (the suite runs as root here, and root
ignores file permissions); it is skipped, with the reason, when that cannot be done.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

STOP_DEADLINE = 120  # seconds to wait for a process to reach the point it is stopped at


# --- helpers ------------------------------------------------------------------------------------


def _rows(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _titles(path: Path) -> list[str]:
    return [r[0] for r in _rows(path, "SELECT title FROM ticket ORDER BY id")]


def _pad(path: Path, megabytes: int) -> None:
    """Make the desk big (a padding table beside deskctl's own), so copies take a while."""
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE padding (b BLOB)")
        con.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO padding SELECT randomblob(8000) FROM n", (megabytes * 128,),
        )
        con.commit()
    finally:
        con.close()


def _part_files(folder: Path, name: str) -> list[str]:
    return sorted(glob.glob(str(folder / f"{glob.escape(name)}.*.part*")))


def _modes(paths: list[str]) -> dict[str, int]:
    return {Path(p).name: os.stat(p).st_mode & 0o777 for p in paths}


def _stop_mid_copy(proc: subprocess.Popen, folder: Path, name: str) -> list[str] | None:
    """SIGSTOP `proc` once a part file of `name` in `folder` has data; None if it finished first."""
    deadline = time.monotonic() + STOP_DEADLINE
    while time.monotonic() < deadline:
        parts = [p for p in _part_files(folder, name) if p.endswith(".part")]
        if parts and os.path.getsize(parts[0]) > 0:
            proc.send_signal(signal.SIGSTOP)
            still = _part_files(folder, name)  # the process is frozen: this is what it has made
            if any(p.endswith(".part") for p in still):
                return still
            proc.send_signal(signal.SIGCONT)
            proc.wait()
            return None
        if proc.poll() is not None:
            return None
        time.sleep(0.001)
    proc.kill()
    pytest.fail(f"no part file of {name} appeared in {folder}")


def _interrupt_mid_copy(desk, args: list[str], folder: Path, name: str, sig: int):
    """Run deskctl with `args`, stop it mid-copy, send `sig`; (exit code, stderr, part modes)."""
    proc = desk.popen(*args)
    seen = _stop_mid_copy(proc, folder, name)
    if seen is None:
        pytest.fail("the copy finished before it could be interrupted; make the desk bigger")
    modes = _modes(seen)
    proc.send_signal(sig)
    if sig != signal.SIGKILL:
        proc.send_signal(signal.SIGCONT)
    _out, err = proc.communicate(timeout=STOP_DEADLINE)
    return proc.returncode, err.decode("utf-8"), modes


@contextlib.contextmanager
def _mounted(*mount_args: str, at: Path):
    at.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a filesystem (tmpfs, read-only bind) needs root and mount(8)")
    res = subprocess.run(["mount", *mount_args, str(at)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount here (needs CAP_SYS_ADMIN): {res.stderr.strip()}")
    try:
        yield at
    finally:
        if subprocess.run(["umount", str(at)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(at)], capture_output=True)


def _tmpfs(at: Path, size: str = "1m"):
    return _mounted("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", at=at)


def _read_only_bind(source: Path, at: Path):
    @contextlib.contextmanager
    def bound():
        with _mounted("--bind", str(source), at=at):
            res = subprocess.run(["mount", "-o", "remount,bind,ro", str(at)], capture_output=True, text=True)
            if res.returncode != 0:
                pytest.skip(f"cannot remount read-only here: {res.stderr.strip()}")
            yield at
    return bound()


def _fill(folder: Path) -> None:
    """Write a file until the filesystem is full (ENOSPC): a real full disk."""
    chunk = b"\0" * 4096
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        while os.write(fd, chunk):
            pass
    except OSError as exc:
        assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


def _desk_in(desk, folder: Path) -> Path:
    """Move the desk's database into `folder` (the desk must be closed: deskctl runs are)."""
    target = folder / "desk.db"
    shutil.copyfile(desk.db, target)
    target.chmod(0o600)
    desk.env["DESKCTL_DB"] = str(target)
    return target


@pytest.fixture
def proc_lead(proc_desk):
    """An initialised desk with one supervisor, `lead`, acting (two processes: cheaper than
    proc_staffed, and these tests need nobody else)."""
    proc_desk.ok("init")
    proc_desk.ok("staff", "add", "lead", "--name", "王主管", "--role", "supervisor")
    proc_desk.env["DESKCTL_USER"] = "lead"
    return proc_desk


# --- a second restore destroyed the only safety copy ---------------------------------------------


@pytest.mark.slow
def test_restore_twice_keeps_the_original_desk(proc_lead):
    d = proc_lead
    backup = d.root / "monday.db"
    d.ok("db", "backup", str(backup))
    d.ok("ticket", "open", "only in the desk as it was", "--reporter", "r")
    first = d.ok("db", "restore", str(backup), "--yes")
    second = d.ok("db", "restore", str(backup), "--yes")
    kept = sorted(d.db.parent.glob("desk.db.before-restore.*.bak"))
    assert len(kept) == 2
    assert {str(p) for p in kept} <= set(" ".join([first.err, second.err]).split())
    assert sorted(_titles(p) for p in kept) == [[], ["only in the desk as it was"]]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in kept)
    assert d.json("ticket", "list") == []
    assert d.ok("db", "check", "--json").json()["ok"] is True


# --- leftovers of killed copies ------------------------------------------------------------------


@pytest.mark.slow
def test_backup_killed_leaves_only_a_private_part_the_next_backup_removes(proc_lead):
    d = proc_lead
    _pad(d.db, 64)
    out = d.root / "out"
    out.mkdir()
    code, _err, modes = _interrupt_mid_copy(d, ["db", "backup", str(out / "bk.db")], out, "bk.db", signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert modes and set(modes.values()) == {0o600}, modes  # 0600 from the start
    left = _part_files(out, "bk.db")
    assert left and set(_modes(left).values()) == {0o600}
    assert not (out / "bk.db").exists()
    res = d.ok("db", "backup", str(out / "bk.db"))
    assert "left by an interrupted run" in res.err
    assert sorted(p.name for p in out.iterdir()) == ["bk.db"]
    assert _rows(out / "bk.db", "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_backup_terminated_or_interrupted_removes_its_part_file(proc_lead, sig, code):
    d = proc_lead
    _pad(d.db, 64)
    out = d.root / "out"
    out.mkdir()
    got, err, modes = _interrupt_mid_copy(d, ["db", "backup", str(out / "bk.db")], out, "bk.db", sig)
    assert got == code, err
    assert "Traceback" not in err
    assert set(modes.values()) == {0o600}
    assert list(out.iterdir()) == []  # no part file, no journal, no half backup


@pytest.mark.slow
def test_restore_killed_leaves_the_desk_and_the_next_restore_cleans_up(proc_lead):
    d = proc_lead
    d.ok("ticket", "open", "in the backup", "--reporter", "r")
    backup = d.root / "big-backup.db"
    d.ok("db", "backup", str(backup))
    _pad(backup, 64)
    d.ok("ticket", "open", "after the backup", "--reporter", "r")
    before = _titles(d.db)
    code, _err, modes = _interrupt_mid_copy(
        d, ["db", "restore", str(backup), "--yes"], d.db.parent, "desk.db", signal.SIGKILL
    )
    assert code == -signal.SIGKILL
    assert set(modes.values()) == {0o600}, modes
    assert sorted(t["title"] for t in d.json("ticket", "list")) == sorted(before)  # the desk is whole
    left = _part_files(d.db.parent, "desk.db")
    assert left and set(_modes(left).values()) == {0o600}
    res = d.ok("db", "restore", str(backup), "--yes")
    assert "left by an interrupted run" in res.err
    assert _part_files(d.db.parent, "desk.db") == []
    assert [t["title"] for t in d.json("ticket", "list")] == ["in the backup"]


def test_backup_onto_a_full_disk_says_so_and_leaves_nothing(proc_lead):
    d = proc_lead
    _pad(d.db, 4)
    with _tmpfs(d.root / "small") as small:
        res = d.run("db", "backup", str(small / "bk.db"))
        assert res.code == 6, res.err
        assert res.err.startswith("deskctl: error: disk full") and res.err.count("\n") == 1, res.err
        assert str(small) in res.err
        assert list(small.iterdir()) == []


# --- targets that were overwritten or destroyed ---------------------------------------------------


@pytest.mark.slow
def test_backup_and_calendar_refuse_an_existing_file(proc_lead):
    d = proc_lead
    backup, calendar = d.root / "bk.db", d.root / "rota.ics"
    backup.write_bytes(b"last week's backup")
    calendar.write_text("someone's calendar", encoding="utf-8")
    for args in (["db", "backup", str(backup)], ["shift", "export", "--ics", str(calendar)]):
        res = d.run(*args)
        assert res.code == 4, res.err
        assert "--force" in res.err and res.err.count("\n") == 1
    assert backup.read_bytes() == b"last week's backup"
    assert calendar.read_text(encoding="utf-8") == "someone's calendar"


@pytest.mark.slow
def test_backup_onto_the_database_files_is_refused(proc_lead):
    d = proc_lead
    d.ok("ticket", "open", "keep me", "--reporter", "r")
    (d.root / "alias.db").symlink_to(d.db)
    targets = [f"{d.db}-wal", f"{d.db}-shm", f"{d.db}-journal", str(d.db), str(d.root / "alias.db")]
    for target in targets:
        res = d.run("db", "backup", target, "--force")
        assert res.code == 2, (target, res.err)
        assert "database" in res.err
    relative = subprocess.run([d.exe, "db", "backup", "desk.db-wal"], cwd=d.db.parent, env=d.environ(),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert relative.returncode == 2, relative.stderr
    assert [t["title"] for t in d.json("ticket", "list")] == ["keep me"]
    assert d.ok("db", "check", "--json").json()["ok"] is True


# --- read-only media and permissions ------------------------------------------------------------


@pytest.mark.slow
def test_read_only_mount_reads_backs_up_and_names_writes_read_only(proc_lead):
    d = proc_lead
    d.ok("ticket", "open", "on the shelf", "--reporter", "r")
    shelf = d.root / "shelf"
    shelf.mkdir()
    _desk_in(d, shelf)
    with _read_only_bind(shelf, d.root / "ro") as ro:
        d.env["DESKCTL_DB"] = str(ro / "desk.db")
        assert [t["title"] for t in d.json("ticket", "list")] == ["on the shelf"]
        d.ok("status")
        assert d.ok("db", "check", "--json").json()["ok"] is True
        d.ok("db", "backup", str(d.root / "copy.db"))
        assert _titles(d.root / "copy.db") == ["on the shelf"]
        res = d.run("ticket", "open", "x", "--reporter", "r")
        assert res.code == 6, res.err
        assert "read-only filesystem" in res.err and res.err.count("\n") == 1
        assert "is at schema" in d.ok("--as", "lead", "db", "upgrade").err  # nothing to upgrade: fine read-only
        res = d.run("db", "restore", str(d.root / "copy.db"), "--yes")
        assert res.code == 6 and "read-only filesystem" in res.err, res.err
        assert sorted(p.name for p in ro.iterdir()) == ["desk.db"]


def test_read_only_mount_does_not_ignore_changes_in_the_wal(proc_lead):
    """A WAL holding commits cannot be read without its shared memory: refused, not skipped."""
    d = proc_lead
    shelf = d.root / "shelf"
    shelf.mkdir()
    db = _desk_in(d, shelf)
    holder = sqlite3.connect(db)
    try:
        holder.execute("PRAGMA wal_autocheckpoint=0")
        holder.execute("UPDATE staff SET name = 'only in the WAL' WHERE handle = 'lead'")
        holder.commit()
        frozen = d.root / "frozen"
        frozen.mkdir()
        shutil.copyfile(db, frozen / "desk.db")
        shutil.copyfile(f"{db}-wal", frozen / "desk.db-wal")
    finally:
        holder.close()
    with _read_only_bind(frozen, d.root / "ro") as ro:
        res = d.run("staff", "list", env={"DESKCTL_DB": str(ro / "desk.db")})
        assert res.code == 6, res.out + res.err
        assert "read-only" in res.err and "write-ahead log" in res.err


@pytest.mark.slow
def test_restore_from_read_only_media(proc_lead):
    d = proc_lead
    d.ok("ticket", "open", "from the usb stick", "--reporter", "r")
    stick = d.root / "stick"
    stick.mkdir()
    d.ok("db", "backup", str(stick / "bk.db"))
    d.ok("ticket", "open", "later", "--reporter", "r")
    with _read_only_bind(stick, d.root / "ro") as ro:
        res = d.run("db", "restore", str(ro / "bk.db"), "--yes")
        assert res.code == 0, res.err
    assert [t["title"] for t in d.json("ticket", "list")] == ["from the usb stick"]


def _as_nobody(desk) -> tuple[list[str], Path]:
    """A command prefix running as `nobody`, and a folder that user owns (outside pytest's
    0700 temp root); skipped, with the reason, when that cannot be done here."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run deskctl as another user")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("needs util-linux setpriv to run deskctl as the user nobody")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("needs a user named nobody")
    prefix = [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
    probe = subprocess.run([*prefix, desk.exe, "--version"], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, env=desk.environ())
    if probe.returncode != 0:
        pytest.skip(f"deskctl cannot run as nobody here: {probe.stderr.strip()[:200]}")
    home = Path(tempfile.mkdtemp(prefix="deskctl-nobody-", dir="/tmp"))
    os.chown(home, nobody.pw_uid, nobody.pw_gid)
    return prefix, home


@pytest.mark.slow
def test_read_only_by_permissions_reads_backs_up_and_names_writes(proc_lead, request):
    d = proc_lead
    d.ok("ticket", "open", "read by nobody", "--reporter", "r")
    prefix, home = _as_nobody(d)
    request.addfinalizer(lambda: shutil.rmtree(home, ignore_errors=True))
    nobody = pwd.getpwnam("nobody")
    folder = home / "desk"
    folder.mkdir()
    db = folder / "desk.db"
    shutil.copyfile(d.db, db)
    assert db.read_bytes()[18:20] == b"\x02\x02"  # a WAL desk: the hard case
    config = home / "config.toml"
    shutil.copyfile(d.config, config)
    for path in (home, folder, db, config):
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    db.chmod(0o444)
    folder.chmod(0o555)
    env = {**d.environ(), "HOME": str(home), "DESKCTL_DB": str(db), "DESKCTL_CONFIG": str(config)}

    def run(*args):
        res = subprocess.run([*prefix, d.exe, *args], env=env, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL, timeout=120)
        return res.returncode, res.stdout, res.stderr

    code, out, err = run("ticket", "list", "--json")
    assert code == 0, err
    assert [t["title"] for t in json.loads(out)] == ["read by nobody"]
    code, out, err = run("db", "backup", str(home / "copy.db"))
    assert code == 0, err
    assert (home / "copy.db").stat().st_mode & 0o777 == 0o600
    code, out, err = run("ticket", "open", "x", "--reporter", "r")
    assert code == 6 and "read-only" in err and "no write permission" in err, err
    assert sorted(p.name for p in folder.iterdir()) == ["desk.db"]
    db.chmod(0o000)
    code, out, err = run("ticket", "list")
    assert code == 6 and "permission denied" in err, err


# --- full disks -----------------------------------------------------------------------------------


def test_full_disk_reads_and_writes_say_disk_full(proc_desk):
    d = proc_desk
    with _tmpfs(d.root / "small") as small:
        d.env["DESKCTL_DB"] = str(small / "desk.db")
        d.ok("init")
        d.ok("--as", "lead", "staff", "add", "lead", "--name", "L", "--role", "supervisor")
        _fill(small)
        for args in (["staff", "list"], ["--as", "lead", "ticket", "open", "x", "--reporter", "r"]):
            res = d.run(*args)
            assert res.code == 6, res.err
            assert res.err.startswith("deskctl: error: disk full") and res.err.count("\n") == 1, res.err
            assert "I/O error" not in res.err and "corrupt" not in res.err
        (small / "filler").unlink()
        assert [s["handle"] for s in d.json("staff", "list")] == ["lead"]


# --- storage edge cases -----------------------------------------------------------------------


def test_zero_byte_file_is_refused_untouched(proc_desk):
    d = proc_desk
    zero = d.root / "zero.db"
    zero.touch()
    zero.chmod(0o644)
    for args in (["ticket", "list"], ["init"], ["db", "upgrade"]):
        res = d.run(*args, env={"DESKCTL_DB": str(zero)})
        assert res.code == 6, (args, res.err)
        assert "empty file" in res.err
    assert zero.stat().st_size == 0 and zero.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in d.root.iterdir() if p.name.startswith("zero")) == ["zero.db"]


@pytest.mark.parametrize("target", [":memory:", "sqlite://", "sqlite:///:memory:", "ftp://host/desk.db"])
def test_in_memory_and_unknown_targets_exit_2(proc_desk, target):
    for args in (["init"], ["ticket", "list"]):
        res = proc_desk.run("--db", target, *args)
        assert res.code == 2, (args, res.err)
        assert res.err.startswith("deskctl: error: ") and res.err.count("\n") == 1


@pytest.mark.slow
def test_postgresql_url_password_is_never_printed(proc_desk):
    url = "postgresql://officer:hunter2@desk-db.example/desk"
    for args in (["init"], ["ticket", "list"], ["db", "backup", str(proc_desk.root / "b.db")]):
        res = proc_desk.run("--db", url, *args)
        assert res.code == 6, res.err
        assert "hunter2" not in res.err + res.out
        assert "officer:***@desk-db.example" in res.err


@pytest.mark.slow
def test_concurrent_init_on_a_new_path_all_succeed_once(proc_desk):
    d = proc_desk
    for round_no in range(3):
        db = d.root / f"round{round_no}" / "desk.db"
        procs = [d.popen("init", env={"DESKCTL_DB": str(db)}) for _ in range(4)]
        results = [(p.wait(timeout=300), p.communicate()[1].decode("utf-8")) for p in procs]
        assert [code for code, _ in results] == [0, 0, 0, 0], results
        errs = " ".join(err for _, err in results)
        assert errs.count("created database") == 1 and errs.count("is ready") == 3, errs
        assert db.stat().st_mode & 0o777 == 0o600
        assert sorted(p.name for p in db.parent.iterdir()) == ["desk.db"]
        assert _rows(db, "SELECT count(*) FROM alembic_version") == [(1,)]


def test_corrupt_database_is_named_corrupt(proc_lead):
    d = proc_lead
    con = sqlite3.connect(d.db)
    con.execute("PRAGMA journal_mode=DELETE")
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'staff'").fetchone()[0]
    con.close()
    data = bytearray(d.db.read_bytes())
    data[(root - 1) * page_size: root * page_size] = b"\xa5" * page_size  # the staff table's page
    d.db.write_bytes(bytes(data))
    res = d.run("staff", "list")
    assert res.code == 6, res.err
    assert "is corrupt" in res.err and "deskctl db restore" in res.err and res.err.count("\n") == 1
