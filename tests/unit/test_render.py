"""render: the one module that writes; user text shown literally, CSV formula guard, formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskctl import render

NASTY = [
    "[bold]x[/]",
    "[link=file:///etc/passwd]x[/link]",
    "\x1b[2Jcleared",
    "\x1b]52;c;aGk=\x07",
    "abc\u202edef",
    "tab\there",
    "bell\x07",
    "del\x7f",
    "c1\x9b31m",
]


@pytest.fixture(autouse=True)
def _shanghai(monkeypatch):
    monkeypatch.setattr(render, "_zone", ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),
        ("a\u202eb", "a\\u202eb"),
        ("a\u2066b", "a\\u2066b"),
        ("a\nb", "a\\x0ab"),
        ("\x00", "\\x00"),
        ("\x9b", "\\x9b"),
        ("[bold]x[/]", "[bold]x[/]"),
        ("张三 Maria", "张三 Maria"),
    ],
)
def test_visible(text, shown):
    assert render.visible(text) == shown


def test_visible_keeps_newlines_when_asked():
    assert render.visible("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


@given(st.text())
def test_visible_output_has_no_control_or_bidi_characters(text):
    out = render.visible(text)
    assert all(ord(c) >= 0x20 and not (0x7F <= ord(c) < 0xA0) for c in out)
    assert "\u202e" not in out and "\u2067" not in out


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cell_guards_formulas(first):
    assert render.csv_cell(f"{first}1+1") == f"'{first}1+1"


@pytest.mark.parametrize(("value", "cell"), [("ok", "ok"), ("", ""), (None, ""), (True, "true"), (3, "3")])
def test_csv_cell_plain_values(value, cell):
    assert render.csv_cell(value) == cell


def test_csv_cell_instant_in_desk_zone():
    assert render.csv_cell(datetime(2026, 11, 23, 1, tzinfo=UTC)) == "2026-11-23T09:00:00+08:00"


def test_emit_json_round_trips_user_text(capsys):
    rows = [{"title": t, "at": datetime(2026, 11, 23, 1, 0, 5, 999, tzinfo=UTC),
             "wait": timedelta(minutes=5)} for t in NASTY]
    render.emit(rows, "json")
    out = capsys.readouterr().out
    back = json.loads(out)
    assert [r["title"] for r in back] == NASTY
    assert back[0]["at"] == "2026-11-23T09:00:05+08:00"
    assert back[0]["wait"] == 300
    assert "\x1b" not in out  # JSON escapes control characters


def test_emit_json_is_utf8_not_ascii_escaped(capsys):
    render.emit({"name": "张三"}, "json")
    assert '"张三"' in capsys.readouterr().out


def test_emit_empty_list_json_is_brackets(capsys):
    render.emit([], "json")
    assert capsys.readouterr().out == "[]\n"


def test_emit_empty_list_jsonl_and_csv_print_nothing_but_header(capsys):
    render.emit([], "jsonl")
    assert capsys.readouterr().out == ""
    render.emit([], "csv", columns=[render.Col("id"), render.Col("title")])
    assert capsys.readouterr().out == "id,title\n"


def test_emit_empty_list_table_says_none_on_stderr(capsys):
    render.emit([], "table", columns=[render.Col("id")])
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "(none)" in captured.err


def test_emit_jsonl_one_object_per_line(capsys):
    render.emit([{"a": 1}, {"a": "\n"}], "jsonl")
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [{"a": 1}, {"a": "\n"}]


def test_emit_csv_guards_and_round_trips(capsys):
    rows = [{"id": 1, "title": "=HYPERLINK(\"http://x\")"}, {"id": 2, "title": "a,b \"q\""},
            {"id": 3, "title": "-5"}]
    render.emit(rows, "csv")
    back = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["title"] for r in back] == ["'=HYPERLINK(\"http://x\")", 'a,b "q"', "'-5"]


def test_emit_csv_rows_key(capsys):
    render.emit({"id": 1, "timeline": [{"kind": "opened"}, {"kind": "note"}]}, "csv", rows_key="timeline")
    assert capsys.readouterr().out == "kind\nopened\nnote\n"


@pytest.mark.parametrize("text", NASTY)
def test_emit_table_shows_user_text_literally(capsys, text):
    render.emit([{"id": 1, "title": text}], "table", columns=[render.Col("id"), render.Col("title")])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    assert render.visible(text) in out


def test_emit_mapping_table_shows_markup_literally(capsys):
    render.emit({"title": "[bold]x[/]", "link": "[link=file:///etc/passwd]x[/link]"}, "table")
    out = capsys.readouterr().out
    assert "[bold]x[/]" in out
    assert "[link=file:///etc/passwd]x[/link]" in out


def test_error_line_is_one_line(capsys):
    render.error_line("bad\ninput\x1b[2J")
    err = capsys.readouterr().err
    assert err == "deskctl: error: bad\\x0ainput\\x1b[2J\n"


def test_progress_is_silent_off_a_terminal(capsys):
    assert list(render.progress([1, 2, 3], "x")) == [1, 2, 3]
    assert capsys.readouterr().err == ""


def test_to_json_refuses_unknown_types():
    with pytest.raises(TypeError):
        render.to_json({"x": object()})


# --- streaming lists (issue 10) ------------------------------------------------------------------

ROWS = [{"id": i, "title": NASTY[i % len(NASTY)], "at": datetime(2026, 11, 23, 1, i, tzinfo=UTC),
         "tags": ["a", str(i)]} for i in range(40)]


@pytest.mark.parametrize("n", [0, 1, 2, 40])
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_stream_writes_what_emit_writes(capsys, fmt, n):
    render.emit(ROWS[:n], fmt, columns=[render.Col("id"), render.Col("title")])
    whole = capsys.readouterr().out
    count = render.stream(iter(ROWS[:n]), fmt, columns=[render.Col("id"), render.Col("title")])
    assert capsys.readouterr().out == whole
    assert count == n


def test_stream_json_reads_rows_one_at_a_time(capsys):
    """Rows are written as they come: the first is out before the generator is asked for a third."""
    seen = []

    def rows():
        for row in ROWS[:3]:
            seen.append(row["id"])
            yield row
            if row["id"] == 1:
                assert '"id": 0' in capsys.readouterr().out
    render.stream(rows(), "json")
    assert seen == [0, 1, 2]


def test_stream_short_table_is_the_emit_table(capsys):
    render.emit(ROWS[:5], "table", columns=[render.Col("id"), render.Col("title")])
    whole = capsys.readouterr().out
    render.stream(iter(ROWS[:5]), "table", columns=[render.Col("id"), render.Col("title")])
    assert capsys.readouterr().out == whole


def test_stream_long_table_one_header_every_row_widths_from_the_first_chunk(capsys):
    rows = [{"id": i, "title": "x" * (i % 5)} for i in range(1, 23)]
    rows.append({"id": 99, "title": "a much longer title than any before"})
    count = render.stream(iter(rows), "table", columns=[render.Col("id", justify="right"), render.Col("title")],
                          chunk=5)
    out = capsys.readouterr().out.splitlines()
    assert count == 23
    assert out[0].split() == ["id", "title"] and set(out[1]) == {"─"}
    widths = {len(line) for line in out}
    assert len(widths) == 1  # every line in the same columns
    assert [line.split()[0] for line in out[2:] if line[:4].strip()] == [str(r["id"]) for r in rows]
    folded = "".join(line[6:].strip() for line in out[-10:] if not line[:4].strip() or "99" in line[:4])
    assert "a much longer title than any before".replace(" ", "") in folded.replace(" ", "")


def test_stream_long_table_shows_user_text_literally(capsys):
    rows = [{"id": i, "title": NASTY[i % len(NASTY)]} for i in range(30)]
    render.stream(iter(rows), "table", chunk=4)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "[bold]x[/]" in out


def test_stream_empty_table_says_none_on_stderr(capsys):
    assert render.stream(iter([]), "table") == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "(none)\n")


def test_out_on_a_full_device_is_output_failed(monkeypatch):
    from deskctl.errors import ExitCode, OutputFailed

    if not __import__("os").path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    with open("/dev/full", "w", encoding="utf-8") as full:
        monkeypatch.setattr("sys.stdout", full)
        with pytest.raises(OutputFailed, match="^output failed: No space left on device$") as info:
            render.stream(iter(ROWS), "json")
        assert info.value.exit_code == ExitCode.STORAGE == 6


def test_out_on_a_closed_pipe_stays_broken_pipe(monkeypatch):
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)
    with open(write_end, "w", encoding="utf-8") as pipe:
        monkeypatch.setattr("sys.stdout", pipe)
        with pytest.raises(BrokenPipeError):
            render.stream(iter(ROWS * 50), "jsonl")
        monkeypatch.undo()
        try:
            pipe.close()
        except BrokenPipeError:
            pass


def test_out_writes_in_pieces_no_larger_than_the_buffer(monkeypatch):
    """One large write to a pipe can be cut short silently; pieces never are (module docstring)."""
    writes: list[int] = []

    class Recorder(io.StringIO):
        def write(self, s):
            writes.append(len(s))
            return super().write(s)

    monkeypatch.setattr("sys.stdout", Recorder())
    render.out("x" * 100_000)
    assert sum(writes) == 100_000 and max(writes) <= 8192


def test_error_line_quotes_at_most_60_characters_of_a_value(capsys):
    render.error_line(f"unknown status {'s' * 120_000!r} (use open or all)")
    err = capsys.readouterr().err
    assert err == f"deskctl: error: unknown status {'s' * 60 + '…'!r} (120000 characters) (use open or all)\n"
