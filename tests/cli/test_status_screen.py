"""`deskctl status` on one screen (docs/design.md §13): on the demo desk at 80×24 with a
terminal it fits 24 lines with the alert line first; --full lists everything; --watch needs a
terminal."""

from __future__ import annotations

import pytest
from rich.cells import cell_len


@pytest.fixture
def demo(desk, _demo_db):
    return desk.load(_demo_db)


def _screen(desk, columns: int, lines: int = 24, *args: str) -> list[str]:
    env = {"TTY_COMPATIBLE": "1", "COLUMNS": str(columns), "LINES": str(lines), "DESKCTL_USER": "zhang"}
    return desk.ok("status", *args, env=env).stdout.splitlines()


@pytest.mark.parametrize("columns", [80, 120])
def test_status_fits_24_lines_alert_line_first(demo, columns):
    view = demo.json("status", env={"DESKCTL_USER": "zhang"})
    assert view["alerts"] and view["sla_breached_count"] > 3  # the demo desk has something to say
    lines = _screen(demo, columns)
    assert len(lines) <= 24
    assert all(cell_len(line) <= columns for line in lines)
    assert lines[0].startswith("alerts ") and view["alerts"][0].split()[0] in lines[0]
    text = "\n".join(lines)
    for label in ("on duty", "open", "breached", "at risk", "inspect"):
        assert f"\n{label} " in text
    assert "more: deskctl ticket list --breached" in text  # counts say what the screen leaves out


def test_status_shrinks_to_a_short_terminal(demo):
    assert len(_screen(demo, 80, 16)) <= 16


def test_status_full_lists_every_row(demo):
    view = demo.json("status", "--full", env={"DESKCTL_USER": "zhang"})
    assert len(view["sla_breached"]) == view["sla_breached_count"]
    lines = _screen(demo, 80, 24, "--full")
    assert len(lines) > 24
    assert "more:" not in "\n".join(lines)


def test_status_alert_order_duty_breaches_inspections_handover(demo):
    alerts = demo.json("status", env={"DESKCTL_USER": "zhang"})["alerts"]
    kinds = [next(k for k, word in enumerate(("clock", "breached", "inspection", "handover")) if word in a)
             for a in alerts if any(w in a for w in ("clock", "breached", "inspection", "handover"))]
    assert kinds == sorted(kinds)


def test_status_watch_without_a_terminal_exits_2(demo):
    res = demo.run("status", "--watch")
    assert res.exit_code == 2
    assert "--watch" in res.stderr and "Traceback" not in res.stderr
