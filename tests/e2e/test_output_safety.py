"""Text people typed is shown literally: no markup, no escape sequences reach a terminal.

Table output (piped, and on a real pseudo-terminal) shows hostile titles escaped; JSON keeps
them exact. Piped output and NO_COLOR carry no ANSI codes at all.
"""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess

import pytest

HOSTILE = {
    "markup": "[bold]x[/]",
    "link": "[link=file:///etc/passwd]x[/link]",
    "clear": "clear \x1b[2J screen",
    "osc52": "clip \x1b]52;c;aGVsbG8=\x07 board",
    "bidi": "abc\u202edcba.exe",
}
# how each one must look in table output: visible, inert
SHOWN = {
    "markup": "[bold]x[/]",
    "link": "[link=file:///etc/passwd]x[/link]",
    "clear": "clear \\x1b[2J screen",
    "osc52": "clip \\x1b]52;c;aGVsbG8=\\x07 board",
    "bidi": "abc\\u202edcba.exe",
}


@pytest.fixture(scope="module")
def _hostile_template(_proc_staffed_template, tmp_path_factory):
    """The staffed desk with one ticket per hostile title, opened by processes once per module."""
    desk = _proc_staffed_template.copy_to(tmp_path_factory.mktemp("hostile"))
    desk.hostile_ids = {}
    for key, title in HOSTILE.items():
        view = desk.json("ticket", "open", title, "--reporter", f"{key} 用户", "--priority", "P3")
        desk.hostile_ids[key] = view["id"]
    return desk.freeze()


@pytest.fixture
def hostile(_hostile_template, tmp_path):
    desk = _hostile_template.copy_to(tmp_path)
    desk.hostile_ids = dict(_hostile_template.hostile_ids)
    return desk


def run_on_pty(argv: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, bytes]:
    """Run with stdout and stderr on a pseudo-terminal (stdin stays /dev/null: no prompts)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 220, 0, 0))
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=timeout), b"".join(chunks)


@pytest.mark.slow
def test_output_hostile_titles_shown_escaped_in_show_table(hostile):
    for key, ticket_id in hostile.hostile_ids.items():
        res = hostile.ok("ticket", "show", str(ticket_id))
        assert "\x1b" not in res.out and "\x07" not in res.out and "\u202e" not in res.out
        assert SHOWN[key] in res.out, f"{key}: {res.out[:600]}"


@pytest.mark.slow
def test_output_hostile_titles_list_has_no_escapes(hostile):
    res = hostile.ok("ticket", "list")
    assert "\x1b" not in res.out and "\x07" not in res.out and "\u202e" not in res.out
    assert "[bold]x[/]" in res.out  # literal, not made bold and swallowed
    assert res.err == ""


def test_output_hostile_titles_exact_in_json(hostile):
    for key, ticket_id in hostile.hostile_ids.items():
        assert hostile.json("ticket", "show", str(ticket_id))["title"] == HOSTILE[key]
    listed = {row["id"]: row["title"] for row in hostile.json("ticket", "list")}
    for key, ticket_id in hostile.hostile_ids.items():
        assert listed[ticket_id] == HOSTILE[key]
    lines = hostile.ok("ticket", "list", "--format", "jsonl").out.splitlines()
    assert len(lines) == len(HOSTILE)


def test_output_csv_guards_formulas(proc_staffed):
    proc_staffed.ok("ticket", "open", "=HYPERLINK(\"http://evil\")", "--reporter", "+cmd|' /C calc'!A0")
    rows = list(csv.DictReader(io.StringIO(proc_staffed.ok("ticket", "list", "--format", "csv").out)))
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["reporter"] == "'+cmd|' /C calc'!A0"


def test_output_on_a_terminal_shows_escapes_not_sequences(hostile):
    env = hostile.environ({"TERM": "xterm-256color", "COLUMNS": "220"})
    for args in (["ticket", "list"], ["ticket", "show", str(hostile.hostile_ids["osc52"])],
                 ["ticket", "show", str(hostile.hostile_ids["clear"])]):
        code, out = run_on_pty([hostile.exe, *args], env)
        assert code == 0, out.decode("utf-8", "replace")[-800:]
        assert b"\x1b[2J" not in out and b"\x1b]52" not in out and b"\x07" not in out
        assert "\u202e" not in out.decode("utf-8")
        assert b"[bold]x[/]" in out or args[1] == "show"


@pytest.mark.slow
def test_output_no_color_on_a_terminal_has_no_ansi(hostile):
    env = hostile.environ({"TERM": "xterm-256color", "COLUMNS": "220", "NO_COLOR": "1"})
    for args in (["ticket", "list"], ["ticket", "show", "1"], ["status"], ["staff", "list"]):
        code, out = run_on_pty([hostile.exe, *args], env)
        assert code == 0, out.decode("utf-8", "replace")[-800:]
        assert b"\x1b[" not in out, f"{args}: {out[:300]!r}"


def test_output_piped_has_no_ansi(hostile):
    for args in (["ticket", "list"], ["ticket", "show", "1"], ["status"], ["staff", "list"],
                 ["--help"], ["ticket", "--help"]):
        res = hostile.ok(*args, env={"TERM": "xterm-256color"})
        assert "\x1b" not in res.out and "\x1b" not in res.err, f"{args}: {res.out[:300]!r}"


def test_output_error_is_one_plain_line(hostile):
    res = hostile.run("ticket", "show", "999", env={"TERM": "xterm-256color"})
    assert res.code == 3
    assert res.out == ""
    assert res.err.startswith("deskctl: error:") and res.err.count("\n") == 1
    assert "\x1b" not in res.err
