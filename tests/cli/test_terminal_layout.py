"""Tables that fit the terminal (docs/design.md §13): at 80 and 120 columns with a terminal
(Rich's forced terminal, TTY_COMPATIBLE=1) every row is one line no wider than the screen,
headers and instants whole, the least important columns dropped with a footer saying so;
below 40 columns `key: value` lines; to a pipe everything, never shortened."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

RULE = "─"
TERMINAL = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1"}


@pytest.fixture
def demo(desk, _demo_db):
    return desk.load(_demo_db)


def _on_terminal(desk, width: int, *args: str, user: str = "zhang"):
    return desk.ok(*args, env={**TERMINAL, "COLUMNS": str(width), "DESKCTL_USER": user})


LISTS = [
    ("ticket", "list", "--status", "all", "--limit", "30"),
    ("shift", "list"),
    ("shift", "mine"),
    ("inspect", "history"),
    ("config", "show"),
    ("staff", "list"),
]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("args", LISTS, ids=lambda a: " ".join(a[:2]))
def test_table_fits_terminal_one_line_per_row(demo, args, width):
    data = demo.json(*args, env={"DESKCTL_USER": "zhang"})
    rows = len(data)
    assert rows > 0
    lines = _on_terminal(demo, width, *args).stdout.splitlines()
    assert all(cell_len(line) <= width for line in lines), max(lines, key=cell_len)
    # the header is one line (no header word split) right above the rule ...
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith(RULE * 3))
    assert rule == 1, lines[:3]
    headers = lines[0].split()
    assert headers and all(h.isascii() for h in headers)
    # ... and each row one line: nothing wrapped, so no instant split over two lines
    body = [line for line in lines[rule + 1:] if line.strip() and "columns hidden" not in line
            and "column hidden" not in line]
    assert len(body) == rows
    for line in body:
        assert not re.search(r"(?<![\d-])\d{1,2}-\d?$|\d{2}:$", line.rstrip())


def test_ticket_list_at_80_drops_least_important_and_says_so(demo):
    out = _on_terminal(demo, 80, "ticket", "list").stdout
    header = out.splitlines()[0].split()
    assert header[:3] == ["id", "prio", "status"] and "title" in header
    assert "breached" not in header and "tier" not in header
    assert re.search(r"\d columns hidden: --wide or --format json", out)


def test_ticket_list_wide_keeps_every_column(demo):
    out = _on_terminal(demo, 80, "ticket", "list", "--wide").stdout
    header = out.splitlines()[0].split()
    assert {"tier", "system", "opened", "due", "breached"} <= set(header)
    assert "hidden" not in out


def test_ticket_list_long_title_ends_in_ellipsis_at_a_terminal_only(demo):
    long = "打印机 " + "paper jam on the third floor printer again " * 3
    demo.ok("ticket", "open", long.strip(), "--reporter", "前台", "-p", "P3", env={"DESKCTL_USER": "zhang"})
    shown = _on_terminal(demo, 80, "ticket", "list").stdout
    assert "…" in shown and long.strip() not in shown
    piped = demo.ok("ticket", "list", env={"COLUMNS": "80"}).stdout  # no terminal: a pipe
    assert long.split()[-1] in piped and "hidden" not in piped
    assert "breached" in piped  # every column


def test_instants_short_at_a_terminal_full_in_a_pipe(demo):
    ticket = demo.json("ticket", "open", "Clock check", "--reporter", "r", "-p", "P4",
                       env={"DESKCTL_USER": "zhang"})
    today = _on_terminal(demo, 120, "ticket", "list").stdout
    row = next(line for line in today.splitlines() if line.lstrip().startswith(f"{ticket['id']} "))
    assert " 09:00 " in row and "2026-11-23" not in row  # opened today: the time alone
    history = _on_terminal(demo, 120, "inspect", "history").stdout
    assert re.search(r"\b11-2[0-2] \d{2}:\d{2}\b", history)  # this year: month-day and time
    piped = demo.ok("ticket", "list").stdout
    assert "2026-11-23 09:00" in piped


def test_cjk_columns_align_by_cell_width(demo):
    lines = _on_terminal(demo, 80, "staff", "list").stdout.splitlines()
    header, rows = lines[0], [line for line in lines[2:] if line.strip()]
    role_at = cell_len(header[: header.index("role")])
    for line in rows:  # names like 王主管 take two cells a character
        chars, cells = 0, 0
        while cells < role_at:
            cells += cell_len(line[chars])
            chars += 1
        assert line[chars:].split()[0] in {"supervisor", "officer", "technician"}, line


@pytest.mark.parametrize("columns", ["20", "30", "0"])
def test_narrow_or_unknown_width_prints_readable_lines(demo, columns):
    out = _on_terminal(demo, int(columns), "ticket", "list", "--limit", "3").stdout
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) >= 3
    if columns == "0":  # no width known: 80 columns
        assert lines[0].split()[:2] == ["id", "prio"]
    else:
        assert lines[0].startswith("id:") and any(line.startswith("title:") for line in lines)
        assert all(cell_len(line) <= max(int(columns), 20) for line in out.splitlines())


def test_show_is_a_card_wrapping_values_not_keys(demo):
    text = "用户反馈 VPN 客户端在连接后约十分钟断开, " * 6
    made = demo.json("ticket", "open", "VPN drops", "--reporter", "财务部", "-p", "P3", "-d", text,
                     env={"DESKCTL_USER": "zhang"})
    lines = _on_terminal(demo, 60, "ticket", "show", str(made["id"])).stdout.splitlines()
    assert all(cell_len(line) <= 60 for line in lines)
    described = [i for i, line in enumerate(lines) if line.startswith("description")]
    assert len(described) == 1
    start = described[0]
    indent = lines[start].index("用户")
    follow = lines[start + 1]
    assert follow[:indent].strip() == "" and follow[indent:].strip()  # the value wraps under itself


def test_footer_and_wide_not_in_json(demo):
    data = _on_terminal(demo, 80, "ticket", "list", "--json").stdout
    assert "hidden" not in data and data.lstrip().startswith("[")
