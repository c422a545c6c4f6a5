"""docs/cli.md is generated from the app: it must be current, and nothing may lack help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import typer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "tools" / "gen_cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_docs_are_current(gen):
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == gen.render(), "docs/cli.md is stale: run `python tools/gen_cli_docs.py`"


def test_chinese_cli_docs_are_current_and_translated(gen):
    current = (ROOT / "docs" / "cli.zh.md").read_text(encoding="utf-8")
    stale = "docs/cli.zh.md is stale: run `python tools/gen_cli_docs.py --lang zh-CN`"
    assert current == gen.render(lang="zh-CN"), stale
    assert "登记报障" in current and "Record a fault report" not in current
    assert gen.render() == (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")  # English again after


def test_cli_docs_cover_every_command(gen):
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    paths = [" ".join(path) for path, _ in gen.walk(gen.root_command())]
    assert len(paths) > 20
    for path in paths:
        assert f"`{path}`" in text, f"{path} is missing from docs/cli.md"


def test_every_command_and_option_has_help(gen):
    assert gen.missing_help() == []


def test_missing_help_is_found(gen):
    app = typer.Typer()

    @app.command("bare")
    def bare(flag: bool = typer.Option(False, "--flag")) -> None:
        pass

    @app.command("fine")
    def fine(flag: bool = typer.Option(False, "--flag", help="A flag.")) -> None:
        """Has help."""

    missing = gen.missing_help(typer.main.get_command(app))
    assert "deskctl bare: the command itself" in missing
    assert "deskctl bare: --flag" in missing
    assert not [m for m in missing if "fine" in m]


def test_check_exits_1_when_stale(gen, tmp_path):
    stale = tmp_path / "cli.md"
    stale.write_text(gen.render().replace("deskctl ticket open", "deskctl ticket opne", 1), encoding="utf-8")
    assert gen.main(["--check", "--output", str(stale)]) == 1
    assert gen.main(["--output", str(stale)]) == 0
    assert gen.main(["--check", "--output", str(stale)]) == 0


def test_render_is_deterministic(gen):
    assert gen.render() == gen.render()
