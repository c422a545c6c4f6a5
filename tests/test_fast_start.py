"""`deskctl --help` and `--version` start fast: no SQLAlchemy, SQLModel or Alembic imported.

Measured in a real subprocess with `python -X importtime`, which lists every module the
interpreter imported. Help must also read no config and touch no database: the environment
points at a broken config file and a database path that must still not exist afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "alembic")


def imported_modules(stderr: str) -> set[str]:
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name and name != "imported package":
                names.add(name)
    return names


@pytest.fixture
def light_env(tmp_path) -> dict[str, str]:
    broken = tmp_path / "config.toml"
    broken.write_text('timezone = "Asia/Shanghai"\nuser = \n', encoding="utf-8")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DESKCTL_CONFIG": str(broken),
        "DESKCTL_DB": str(tmp_path / "nowhere" / "desk.db"),
    }


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["ticket", "--help"], ["ticket", "open", "--help"]],
    ids=lambda a: " ".join(a),
)
def test_fast_start_imports_no_storage_stack(args, light_env, tmp_path):
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "deskctl", *args],
        env=light_env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    modules = imported_modules(res.stderr)
    assert "deskctl.cli" in modules  # the measurement saw deskctl itself
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"`deskctl {' '.join(args)}` imported {heavy[:5]}"
    assert not (tmp_path / "nowhere").exists()


def test_fast_start_help_lists_the_command_groups(light_env):
    res = subprocess.run(
        [sys.executable, "-m", "deskctl", "--help"],
        env=light_env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    for group in ("ticket", "staff", "status", "config", "db", "audit"):
        assert group in res.stdout


def test_fast_start_version_prints_the_version(light_env):
    from deskctl import __version__

    res = subprocess.run(
        [sys.executable, "-m", "deskctl", "--version"],
        env=light_env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"deskctl {__version__}"


def _importtime(args: list[str], env: dict[str, str]) -> set[str]:
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "deskctl", *args],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return imported_modules(res.stderr)


def test_fast_start_root_help_builds_no_command_group(light_env):
    from deskctl.cli import LAZY_GROUPS

    modules = _importtime(["--help"], light_env)
    group_modules = {module for module, _, _ in LAZY_GROUPS.values()}
    assert not group_modules & modules, sorted(group_modules & modules)


def test_fast_start_a_group_builds_only_itself(light_env):
    modules = _importtime(["ticket", "--help"], light_env)
    assert "deskctl.cli.tickets" in modules
    assert not {"deskctl.cli.shifts", "deskctl.cli.reports", "deskctl.cli.inspections"} & modules


def test_fast_start_lazy_group_help_is_the_groups_own():
    """The root help lists lazy groups from LAZY_GROUPS: it must say what each group says."""
    import importlib

    from deskctl.cli import LAZY_GROUPS

    for name, (module, attr, listed) in LAZY_GROUPS.items():
        group = getattr(importlib.import_module(module), attr)
        assert group.info.help.split("\n\n")[0] == listed, name


def test_fast_start_root_completion_lists_lazy_groups(light_env):
    env = {**light_env, "_DESKCTL_COMPLETE": "complete_bash", "COMP_WORDS": "deskctl ti", "COMP_CWORD": "1"}
    res = subprocess.run(
        [sys.executable, "-m", "deskctl"], env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60,
    )
    assert "ticket" in res.stdout.split(), res.stdout + res.stderr
    env["COMP_WORDS"], env["COMP_CWORD"] = "deskctl ticket li", "2"
    res = subprocess.run(
        [sys.executable, "-m", "deskctl"], env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60,
    )
    assert "list" in res.stdout.split(), res.stdout + res.stderr
