"""End-to-end fixtures: the installed `deskctl` run as a real process, the way cron runs it.

No terminal (stdin is /dev/null, stdout and stderr are pipes), and a minimal environment:
PATH, HOME (a temp folder), DESKCTL_DB, DESKCTL_CONFIG, DESKCTL_NOW, and nothing else unless a
test adds it. The fixtures are named `proc_*` so they never shadow the CliRunner `desk`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

FROZEN_NOW = "2026-11-23T09:00:00+08:00"
# A test desk's config file: the settings `deskctl init` gives the new desk. Tests freeze the
# clock and act with --as, so they say so here, as a drill desk would (docs/identity.md).
TEST_CONFIG = 'timezone = "Asia/Shanghai"\n\n[clock]\noverride = true\n\n[auth]\nrequire = "none"\n'


def find_deskctl() -> str | None:
    """The console script of the running interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "deskctl"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("deskctl")


@pytest.fixture(scope="session")
def deskctl_exe() -> str:
    exe = find_deskctl()
    if exe is None:
        pytest.fail(
            f"the installed `deskctl` command was not found (looked next to {sys.executable} and on "
            "PATH); install the package with `pip install -e '.[test]'` before running tests/e2e",
            pytrace=False,
        )
    return exe


@dataclass
class Proc:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def default_sigint() -> None:
    """In the child: Ctrl-C acts again. A test run started in the background by a shell (`pytest &`)
    inherits SIGINT ignored, and Python keeps an ignored SIGINT ignored, so the tests that send
    it would wait forever."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class ProcDesk:
    """A desk in a temp folder, driven only through `deskctl` processes."""

    def __init__(self, exe: str, root: Path):
        self.exe = exe
        self.root = root
        self.home = root / "home"
        self.home.mkdir(exist_ok=True)
        self.db = root / "data" / "desk.db"
        self.config = root / "config.toml"
        self.env = {
            "PATH": f"{Path(exe).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "HOME": str(self.home),
            "DESKCTL_DB": str(self.db),
            "DESKCTL_CONFIG": str(self.config),
            "DESKCTL_NOW": FROZEN_NOW,
        }

    def environ(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**self.env, **(extra or {})}

    def run(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 120, input: str | None = None
    ) -> Proc:
        res = subprocess.run(
            [self.exe, *map(str, args)], env=self.environ(env), capture_output=True, timeout=timeout,
            **({"input": input.encode("utf-8")} if input is not None else {"stdin": subprocess.DEVNULL}),
        )
        return Proc(res.returncode, res.stdout.decode("utf-8"), res.stderr.decode("utf-8"))

    def ok(self, *args: str, **kw) -> Proc:
        res = self.run(*args, **kw)
        assert res.code == 0, f"deskctl {' '.join(map(str, args))} exited {res.code}\n{res.err}"
        return res

    def json(self, *args: str, **kw):
        return self.ok(*args, "--json", **kw).json()

    def popen(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen(
            [self.exe, *map(str, args)], env=self.environ(env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint,
        )

    def shell(self, script: str, env: dict[str, str] | None = None, timeout: float = 600) -> Proc:
        """Run a bash script with `deskctl` on PATH (for pipes and loops)."""
        res = subprocess.run(
            ["bash", "-c", script], env=self.environ(env), stdin=subprocess.DEVNULL,
            capture_output=True, timeout=timeout,
        )
        return Proc(res.returncode, res.stdout.decode("utf-8", "replace"), res.stderr.decode("utf-8", "replace"))

    # --- set-up through the services (the processes are what the test is about) ---------------

    def write(self, service, /, *, actor: str = "lead", **kwargs):
        """Call a use case on this desk in-process (a fixture's set-up, cheaper than a process),
        with the desk's config, zone and frozen clock; the connection is closed afterwards."""
        from zoneinfo import ZoneInfo

        from deskctl import config as config_mod
        from deskctl.services.context import Unit
        from deskctl.services.settings import desk_settings
        from deskctl.store.engine import open_database
        from deskctl.timeparse import Clock

        db = open_database(self.db)
        try:
            with db.write() as session:
                settings = config_mod.load(self.config).with_desk(desk_settings(session=session))
                unit = Unit(session=session, clock=Clock.from_env(self.env), actor=actor, config=settings,
                            tz=ZoneInfo(settings.get("timezone") or "Asia/Shanghai"))
                return unit.call(service, **kwargs)
        finally:
            db.close()

    # --- desks built once and copied ------------------------------------------------------------

    def freeze(self) -> ProcDesk:
        """Make this desk a template: its database one complete file (the WAL checkpointed in)."""
        con = sqlite3.connect(self.db)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()  # the last connection: SQLite folds the WAL in and removes it
        assert not self.db.with_name(self.db.name + "-wal").exists(), "the WAL was not checkpointed"
        return self

    def copy_to(self, root: Path) -> ProcDesk:
        """A private copy of this (frozen) desk in `root`: database, config and environment."""
        desk = ProcDesk(self.exe, root)
        desk.db.parent.mkdir(mode=0o700)
        shutil.copyfile(self.db, desk.db)
        desk.db.chmod(0o600)
        shutil.copyfile(self.config, desk.config)
        desk.env.update({k: v for k, v in self.env.items() if k not in desk.env})
        return desk


@pytest.fixture
def proc_blank(deskctl_exe, tmp_path) -> ProcDesk:
    """Nothing yet: no config file, no database."""
    return ProcDesk(deskctl_exe, tmp_path)


@pytest.fixture
def proc_desk(deskctl_exe, tmp_path) -> ProcDesk:
    """A desk with a config (Asia/Shanghai) and no database yet."""
    desk = ProcDesk(deskctl_exe, tmp_path)
    desk.config.write_text(TEST_CONFIG, encoding="utf-8")
    return desk


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """One process at a time (xdist workers share the run's temp folder)."""
    import fcntl

    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def _proc_staffed_template(deskctl_exe, tmp_path_factory, worker_id) -> ProcDesk:
    """The staffed desk, built by `deskctl` processes once per run: the first xdist worker builds
    it in the run's shared temp folder, the others wait for it and copy the same files."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    root = shared / "proc-staffed"
    with _exclusive(shared / "proc-staffed.lock"):
        desk = ProcDesk(deskctl_exe, root) if root.is_dir() else ProcDesk(deskctl_exe, _mkdir(root))
        if not (root / "ready").exists():
            desk.config.write_text(TEST_CONFIG, encoding="utf-8")
            desk.ok("init")
            desk.ok("staff", "add", "lead", "--name", "王主管", "--role", "supervisor")
            for handle, name, role, tier in [
                ("zhang", "张三", "officer", 1),
                ("li", "李四", "technician", 2),
                ("maria", "Maria Lopez", "technician", 3),
            ]:
                desk.ok("--as", "lead", "staff", "add", handle, "--name", name, "--role", role, "--tier", str(tier))
            desk.freeze()
            (root / "ready").touch()
    desk.env["DESKCTL_USER"] = "zhang"
    return desk


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.fixture
def proc_staffed(_proc_staffed_template, tmp_path) -> ProcDesk:
    """An initialised desk: lead (supervisor), zhang (officer), li (tier 2), maria (tier 3);
    DESKCTL_USER=zhang. A copy of the session's template, built by real processes."""
    return _proc_staffed_template.copy_to(tmp_path)
