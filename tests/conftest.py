"""Shared fixtures: a real SQLite desk in a temp dir, and a CliRunner that goes through the
same error boundary as the installed command."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deskctl.cli import app

FROZEN_NOW = "2026-11-23T09:00:00+08:00"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory) -> Path:
    """One migrated empty database, copied for each test (Alembic runs once per session)."""
    from deskctl.store.engine import open_database

    path = tmp_path_factory.mktemp("template") / "desk.db"
    db = open_database(path, create=True)
    db.close()
    return path


@dataclass
class Desk:
    """A temp desk: database, config and environment for running deskctl commands."""

    root: Path
    db: Path
    config: Path
    env: dict[str, str]
    runner: CliRunner

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

    def set_now(self, instant: str) -> None:
        self.env["DESKCTL_NOW"] = instant


@pytest.fixture
def desk(tmp_path, _template_db, monkeypatch) -> Desk:
    """An initialised desk (Asia/Shanghai, clock frozen) with no staff yet."""
    db = tmp_path / "desk.db"
    shutil.copyfile(_template_db, db)
    db.chmod(0o600)
    config = tmp_path / "config.toml"
    config.write_text('timezone = "Asia/Shanghai"\n', encoding="utf-8")
    env = {
        "DESKCTL_DB": str(db),
        "DESKCTL_CONFIG": str(config),
        "DESKCTL_NOW": FROZEN_NOW,
        "DESKCTL_USER": "",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Desk(root=tmp_path, db=db, config=config, env=env, runner=CliRunner())


@pytest.fixture
def staffed(desk: Desk) -> Desk:
    """A desk with a supervisor (lead), two officers (zhang, wang) and technicians per tier."""
    desk.ok("staff", "add", "lead", "--name", "王主管", "--role", "supervisor")
    for handle, name, role, tier in [
        ("zhang", "张三", "officer", 1),
        ("wang", "王五", "officer", 1),
        ("li", "李四", "technician", 2),
        ("maria", "Maria Lopez", "technician", 3),
    ]:
        desk.ok("--as", "lead", "staff", "add", handle, "--name", name, "--role", role, "--tier", str(tier))
    return desk
