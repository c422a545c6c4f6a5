"""Shared fixtures: real SQLite desks in temp folders, built once per session and copied.

A `Desk` drives the same database two ways:
- through the services (`desk.write(service, actor=…, **kw)`, `desk.read(service, **kw)`), with a
  fixed clock, the desk's config and zone: where rules and refusals are tested;
- through the CLI (`desk.run/ok/json`), a CliRunner going through the same error boundary as the
  installed command: where parsing, exit codes, output and prompts are tested.

Every test runs with HOME, XDG_* and DESKCTL_* pointing into its own temp folder, so nothing a
developer has configured (or a test writes) leaks between tests.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from deskctl.cli import app

# Speed is measured (bench/), never asserted: no per-example deadline, which a loaded machine or
# a busy xdist worker would turn into flaky failures. Example counts stay with each test.
settings.register_profile("deskctl", deadline=None)
settings.load_profile("deskctl")

FROZEN_NOW = "2026-11-23T09:00:00+08:00"
DESK_ZONE = "Asia/Shanghai"
# Every test desk says what it is in its settings: a drill desk (its clock may be frozen) that
# trusts --as (no logins), in the desk zone. Tests of logins set auth.require themselves.
TEST_SETTINGS = {"timezone": DESK_ZONE, "clock.override": True, "auth.require": "none"}
TEST_CONFIG = f'timezone = "{DESK_ZONE}"\n\n[clock]\noverride = true\n\n[auth]\nrequire = "none"\n'
T = TypeVar("T")

# The staffed desk: lead (supervisor), zhang and wang (officers), li (tier 2), maria (tier 3).
STAFF = [
    ("lead", "王主管", "supervisor", 1),
    ("zhang", "张三", "officer", 1),
    ("wang", "王五", "officer", 1),
    ("li", "李四", "technician", 2),
    ("maria", "Maria Lopez", "technician", 3),
]


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory, monkeypatch) -> None:
    """HOME, XDG_* and DESKCTL_* of every test point into a temp folder of its own; no locale
    variable (LANG, LC_*, LANGUAGE) leaks in, so a developer's zh_CN locale changes nothing:
    English, unless a test asks for Chinese."""
    import os

    from deskctl import i18n

    home = tmp_path_factory.mktemp("home")
    for key in list(os.environ):
        if key.startswith(("DESKCTL_", "XDG_", "LC_")) or key in ("LANG", "LANGUAGE"):
            monkeypatch.delenv(key)
    i18n.set_language("en")
    monkeypatch.setenv("HOME", str(home))
    for key, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                     ("XDG_CACHE_HOME", ".cache"), ("XDG_STATE_HOME", ".local/state")):
        monkeypatch.setenv(key, str(home / sub))


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def _build_template(path: Path | str, staff: bool) -> Path | str:
    from deskctl.config import Config
    from deskctl.services.context import Unit
    from deskctl.services.people.staff import add_staff
    from deskctl.services.settings import initial_settings
    from deskctl.store.engine import open_database
    from deskctl.timeparse import Clock

    db = open_database(path, create=True)
    clock = Clock.from_env({"DESKCTL_NOW": FROZEN_NOW})
    with db.write() as session:
        initial_settings(session=session, now=clock.now(), values=TEST_SETTINGS, why="test desk")
    if staff:
        config = Config(path=Path("template.toml"), desk=dict(TEST_SETTINGS))
        with db.write() as session:
            unit = Unit(session=session, clock=clock, actor="lead", config=config, tz=ZoneInfo(DESK_ZONE))
            for handle, name, role, tier in STAFF:
                unit.call(add_staff, handle=handle, name=name, role=role, tier=tier)
    db.close()  # the last connection checkpoints the WAL: the file alone is the whole desk
    return path


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory) -> Path:
    """One migrated empty database (Alembic runs once per session)."""
    path = _build_template(tmp_path_factory.mktemp("template") / "desk.db", staff=False)
    assert isinstance(path, Path)
    return path


@pytest.fixture(scope="session")
def _staffed_template_db(tmp_path_factory) -> Path:
    """The staffed desk, built once through the services and copied for each test."""
    path = _build_template(tmp_path_factory.mktemp("staffed") / "desk.db", staff=True)
    assert isinstance(path, Path)
    return path


# --- the engine a desk lives on ---------------------------------------------------------------


@pytest.fixture(scope="session")
def engine() -> str:
    """The engine of `desk` and `staffed`: SQLite here; tests/services/conftest.py runs those
    tests on both engines ("sqlite", "pg")."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server(worker_id):
    """This worker's PostgreSQL databases (tests/pg.py), dropped when the run ends."""
    from tests import pg

    pg.require()
    server = pg.new_server(worker_id)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def _pg_desk_url(pg_server) -> str:
    """The worker's desk database, migrated once, with the empty and staffed desks frozen in it."""
    from tests import pg

    url = pg.url_for(pg_server.create("desk"))
    _PG_DESK_DB[:] = [url]
    _build_template(url, staff=False)
    pg.freeze(url, "tmpl_empty")
    _build_template(url, staff=True)
    pg.freeze(url, "tmpl_staffed")
    return url


# Module-scoped, not session-scoped: tests/services overrides `engine`, and a session-scoped
# dependant would carry its PostgreSQL value into the next directory's tests.
def _template_on(request, engine: str, *, sqlite_fixture: str, pg_schema: str) -> Path | str:
    """A desk's starting point on its engine: an SQLite file, or a template schema on the server."""
    if engine == "pg":
        request.getfixturevalue("_pg_desk_url")
        return pg_schema
    return request.getfixturevalue(sqlite_fixture)


@pytest.fixture(scope="module")
def desk_template(request, engine) -> Path | str:
    """What `desk` starts from."""
    return _template_on(request, engine, sqlite_fixture="_template_db", pg_schema="tmpl_empty")


@pytest.fixture(scope="module")
def staffed_template(request, engine) -> Path | str:
    """What `staffed` starts from."""
    return _template_on(request, engine, sqlite_fixture="_staffed_template_db", pg_schema="tmpl_staffed")


@dataclass
class Desk:
    """A temp desk: database, config and environment, driven through services or the CLI."""

    root: Path
    db: Path | str  # an SQLite file, or the URL of the worker's PostgreSQL desk (engine "pg")
    config: Path
    env: dict[str, str]
    runner: CliRunner
    _database: Any = field(default=None, repr=False)

    # --- the CLI -----------------------------------------------------------------------------

    def run(self, *args: str, input: str | None = None, env: dict | None = None) -> Result:
        merged = {**self.env, **(env or {})}
        res = self.runner.invoke(app, [str(a) for a in args], input=input, env=merged)
        return Result(res.exit_code, res.stdout, res.stderr)

    def ok(self, *args: str, **kw) -> Result:
        res = self.run(*args, **kw)
        assert res.exit_code == 0, f"exit {res.exit_code}\nstdout: {res.stdout}\nstderr: {res.stderr}"
        return res

    def json(self, *args: str, **kw):
        return self.ok(*args, "--json", **kw).json()

    # --- the services --------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def clock(self):
        from deskctl.timeparse import Clock

        return Clock.from_env({"DESKCTL_NOW": self.env["DESKCTL_NOW"]})

    @property
    def tz(self):
        return ZoneInfo(self.settings.get("timezone") or DESK_ZONE)

    @property
    def settings(self):
        """The desk's config as the program reads it: the config file plus the desk's settings
        (re-read each time: tests change them)."""
        from deskctl import config as config_mod
        from deskctl.services.settings import desk_settings

        with self.database().read() as session:
            return config_mod.load(self.config).with_desk(desk_settings(session=session))

    def configure(self, key: str, value: Any) -> None:
        """Set one desk setting, validated and audited, as `deskctl config set` does (by the
        supervisor on a staffed desk; by the system on a desk with nobody yet)."""
        from deskctl.services.settings import initial_settings, set_setting
        from deskctl.store.tables import Staff

        with self.unit() as unit:
            if unit.session.get(Staff, 1) is None:
                initial_settings(session=unit.session, now=unit.now, values={key: value}, why="test set-up")
            else:
                unit.call(set_setting, key=key, value=value)

    def database(self):
        if self._database is None:
            from deskctl.store.engine import open_database

            self._database = open_database(self.db)
        return self._database

    @contextmanager
    def unit(self, *, actor: str = "lead", write: bool = True) -> Iterator[Any]:
        """One transaction with the desk's context (what `deskctl` gives a command)."""
        from deskctl.services.context import Unit

        db = self.database()
        config = self.settings
        tz = ZoneInfo(config.get("timezone") or DESK_ZONE)
        with (db.write() if write else db.read()) as session:
            yield Unit(session=session, clock=self.clock, actor=actor, config=config, tz=tz)

    def write(self, service: Callable[..., T], /, *, actor: str = "lead", **kwargs: Any) -> T:
        """Call a use case in its own write transaction, as `actor`."""
        with self.unit(actor=actor) as unit:
            return unit.call(service, **kwargs)

    def read(self, service: Callable[..., T], /, *, actor: str = "lead", **kwargs: Any) -> T:
        """Call a read-only use case."""
        with self.unit(actor=actor, write=False) as unit:
            return unit.call(service, **kwargs)

    # --- both ------------------------------------------------------------------------------

    def set_now(self, instant: str) -> None:
        """Move the frozen clock (for the services and the CLI alike)."""
        self.env["DESKCTL_NOW"] = instant

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None

    @property
    def on_server(self) -> bool:
        return isinstance(self.db, str)

    def load(self, template: Path | str) -> Desk:
        """Replace this (still unused) desk's database with a copy of a frozen one."""
        assert self._database is None, "load a template before the desk is used"
        if isinstance(template, str):
            from tests import pg

            assert isinstance(self.db, str)
            pg.load(self.db, template)
        else:
            assert isinstance(self.db, Path)
            shutil.copyfile(template, self.db)
        return self

    def count(self, table: str) -> int:
        """Rows in `table` (a desk table name), on either engine."""
        from sqlalchemy import text

        with self.unit(write=False) as unit:
            return int(unit.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())


_frozen = iter(range(1, 1_000_000))


def freeze_desk(root: Path, base: Path | str, build: Callable[[Desk], Any]) -> Path | str:
    """A desk built once by `build(desk)` (through the services or the CLI) on a copy of the
    template `base`, then closed so its database file is complete; tests `desk.load()` copies.
    On PostgreSQL (`base` a template schema) the desk is built in the worker's desk database and
    frozen into a new schema. The config stays the standard one (Asia/Shanghai, defaults)."""
    if isinstance(base, str):
        from tests import pg

        url = _PG_DESK_DB[0]
        desk = _new_desk(root, base, env_setter=None, url=url)
        build(desk)
        desk.close()
        return pg.freeze(url, f"tmpl_frozen_{next(_frozen)}")
    desk = _new_desk(root, base, env_setter=None)
    build(desk)
    desk.close()
    con = sqlite3.connect(desk.db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()  # the last connection folds the WAL into the file and removes it
    assert not desk.db.with_name(desk.db.name + "-wal").exists(), "the template's WAL was not checkpointed"
    return desk.db


@pytest.fixture(scope="session")
def _demo_db(tmp_path_factory, _template_db) -> Path | str:
    """The demo desk (`deskctl demo`), built once per worker around the frozen clock and shared by
    the modules that read it (a demo build is a few CPU-seconds)."""
    return freeze_desk(tmp_path_factory.mktemp("demo"), _template_db, lambda d: d.ok("demo"))


def _desk(request, tmp_path: Path, template: Path | str, monkeypatch) -> Iterator[Desk]:
    url = None
    if isinstance(template, str):
        url = request.getfixturevalue("_pg_desk_url")
        assert not _IN_USE, "one PostgreSQL desk per test (the worker's desk database is shared)"
        _IN_USE.append(url)
    try:
        desk = _new_desk(tmp_path, template, env_setter=monkeypatch.setenv, url=url)
        yield desk
        desk.close()
    finally:
        _IN_USE.clear()


_IN_USE: list[str] = []
_PG_DESK_DB: list[str] = []


def _new_desk(tmp_path: Path, template: Path | str, *, env_setter: Callable[[str, str], None] | None,
              url: str | None = None) -> Desk:
    db: Path | str
    if url is not None:
        from tests import pg

        db = url
        pg.load(url, str(template))
    else:
        assert isinstance(template, Path)
        db = tmp_path / "desk.db"
        shutil.copyfile(template, db)
        db.chmod(0o600)
    config = tmp_path / "config.toml"
    # What `deskctl init` gives a new desk made with this config (an existing desk ignores it).
    config.write_text(TEST_CONFIG, encoding="utf-8")
    env = {
        "DESKCTL_DB": str(db),
        "DESKCTL_CONFIG": str(config),
        "DESKCTL_NOW": FROZEN_NOW,
        "DESKCTL_USER": "",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    if env_setter is not None:
        for key, value in env.items():
            env_setter(key, value)
    return Desk(root=tmp_path, db=db, config=config, env=env, runner=CliRunner())


@pytest.fixture
def desk(request, tmp_path, desk_template, monkeypatch) -> Iterator[Desk]:
    """An initialised desk (Asia/Shanghai, clock frozen) with no staff yet."""
    yield from _desk(request, tmp_path, desk_template, monkeypatch)


@pytest.fixture
def staffed(request, tmp_path, staffed_template, monkeypatch) -> Iterator[Desk]:
    """A desk with a supervisor (lead), two officers (zhang, wang) and technicians per tier."""
    yield from _desk(request, tmp_path, staffed_template, monkeypatch)
