"""How `--help` reads (docs/design.md §13): arguments in capitals, flags without a metavar,
words for values, and every command group's help within 24 rows at 80 columns."""

from __future__ import annotations

import pytest

from deskctl.cli import LAZY_GROUPS, admin  # noqa: F401  (admin: the config/db/audit groups)


def _help(desk, *words: str) -> list[str]:
    res = desk.run(*words, "--help", env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.stderr
    return res.stdout.splitlines()


GROUPS = [(g,) for g in LAZY_GROUPS] + [("config",), ("db",), ("audit",), ("ticket", "template"),
                                         ("shift", "type"), ("inspect", "plan")]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: " ".join(g))
def test_group_help_fits_24_rows_at_80_columns(desk, group):
    lines = _help(desk, *group)
    assert len(lines) <= 24, "\n".join(lines)
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].startswith(f"Usage: deskctl {' '.join(group)} COMMAND")


@pytest.mark.parametrize(("words", "usage"), [
    (("ticket", "assign"), "ID HANDLE"),
    (("ticket", "open"), "[TITLE]"),
    (("ticket", "show"), "ID"),
    (("staff", "show"), "HANDLE"),
    (("inspect", "run"), "PLAN"),
    (("shift", "assign"), "DAY TYPE HANDLE"),
])
def test_usage_names_arguments_in_capitals(desk, words, usage):
    text = "\n".join(_help(desk, *words))
    assert usage in text and "{" not in text.split("\n\n")[0] + text.splitlines()[1]


def test_flags_have_no_metavar_and_lists_are_words(desk):
    text = "\n".join(_help(desk, "ticket", "list"))
    assert "<bool>" not in text and "<list[str]>" not in text and "<str>" not in text
    json_line = next(line for line in text.splitlines() if line.startswith("│ --json"))
    assert "TEXT" not in json_line and "<" not in json_line
    status_line = next(line for line in text.splitlines() if line.startswith("│ --status"))
    assert "TEXT…" in status_line
