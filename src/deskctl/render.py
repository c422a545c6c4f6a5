"""The only place that writes to the terminal: Rich tables, JSON, JSONL, CSV (STYLE habit 4).

Data goes to stdout, messages to stderr. JSON and CSV never pass through Rich. Text people
typed enters Rich only as `Text` after control characters are made visible, so `[bold]` is
shown as typed and `\\x1b[2J` cannot clear anybody's screen.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod
    from rich.table import Table
    from rich.text import Text

T = TypeVar("T")

FORMATS = ("table", "json", "jsonl", "csv")
DOC_FORMATS = (*FORMATS, "md")  # reports are documents: Markdown too
_zone: tzinfo | Callable[[], tzinfo] = UTC
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BIDI = {0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def set_zone(tz: tzinfo | Callable[[], tzinfo]) -> None:
    """The desk zone for showing instants; a callable is resolved on first use."""
    global _zone
    _zone = tz


def zone() -> tzinfo:
    global _zone
    if callable(_zone) and not isinstance(_zone, tzinfo):
        _zone = _zone()
    return _zone


# --- making values safe and readable -------------------------------------------------------


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """Control characters, escape sequences and bidi overrides shown as escapes."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif code in _BIDI or unicodedata.category(ch) in ("Cs", "Co"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def csv_cell(value: Any) -> str:
    text = plain_text(value)
    if text and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def plain_text(value: Any) -> str:
    """A value as text for CSV and tables (instants local, durations human)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(zone()).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(int(value.total_seconds()))
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)


def _cell(value: Any) -> str:
    """A value for a terminal table: short local instants."""
    if isinstance(value, datetime):
        return value.astimezone(zone()).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, timedelta):
        from deskctl.timeparse import format_duration

        return format_duration(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return plain_text(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(zone()).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any, *, indent: int | None = 2) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


# --- what a key says about its value -----------------------------------------------------------
# Views use snake_case keys; `*_seconds` hold durations and `*_pct` percentages. On a terminal and
# in Markdown they read as `1d 2h`, `93.5%` and `—` for nothing; JSON and CSV keep the numbers.


def header_for(key: str) -> str:
    """A column title from a key: `mtta_seconds` → `mtta`, `on_time_pct` → `on time %`."""
    for suffix, repl in (("_seconds", ""), ("_pct", " %")):
        if key.endswith(suffix):
            key = key[: -len(suffix)] + repl
    return key.replace("_", " ")


def shown(key: str, value: Any) -> Any:
    """A value as a person reads it, by what its key says it holds."""
    if value is None:
        return "—"
    if key.endswith("_seconds") and isinstance(value, (int, float)):
        from deskctl.timeparse import format_duration

        return format_duration(value)
    if key.endswith("_pct") and isinstance(value, (int, float)):
        return f"{value:.1f}%"
    return value


def auto_columns(rows: Sequence[Mapping], keys: Iterable[str] | None = None) -> list[Col]:
    """Columns for rows of a view: titles and formats from the keys, numbers to the right."""
    keys = list(keys or (rows[0].keys() if rows else []))
    first = rows[0] if rows else {}

    def numeric(k: str) -> bool:
        v = first.get(k)
        return (isinstance(v, (int, float)) and not isinstance(v, bool)) or k.endswith(("_seconds", "_pct"))

    return [Col(k, header_for(k), justify="right" if numeric(k) else "left", fmt=partial(shown, k))
            for k in keys]


# --- columns and tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    key: str
    header: str = ""
    style: str | None = None
    justify: JustifyMethod = "left"
    fmt: Callable[[Any], str] | None = None
    style_of: Callable[[Any], str | None] | None = None  # style chosen by value

    @property
    def title(self) -> str:
        return self.header or self.key.replace("_", " ")


def _console(stderr: bool = False) -> Console:
    # A closed pipe: Rich's on_broken_pipe raises SystemExit(1) while handling BrokenPipeError;
    # the error boundary (cli.DeskGroup.main) turns that into 141 for every Rich console.
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 160
    return Console(
        file=stream,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        color_system=None if os.environ.get("NO_COLOR") else "auto",
    )


def safe(value: Any, style: str | None = None) -> Text:
    from rich.text import Text

    return Text(visible(_cell(value), keep_newlines=True), style=style or "")


def rows_table(rows: Sequence[Mapping], columns: Sequence[Col], title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_edge=False)
    for col in columns:
        table.add_column(col.title, justify=col.justify, style=col.style, overflow="fold")
    for row in rows:
        cells = []
        for col in columns:
            value = row.get(col.key)
            text = col.fmt(value) if col.fmt else value
            style = col.style_of(value) if col.style_of else None
            cells.append(safe(text, style))
        table.add_row(*cells)
    return table


def kv_table(pairs: Iterable[tuple[str, Any]], title: str | None = None) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE, show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in pairs:
        table.add_row(safe(key), safe(value))
    return table


def print_renderables(*renderables: Any) -> None:
    console = _console()
    for item in renderables:
        console.print(item)


# --- the one entry point for data -----------------------------------------------------------


Section = tuple[str, Any]  # (title, a mapping or a list of rows)


def markdown(title: str, intro: str, sections: Sequence[Section]) -> str:
    """A document in Markdown: a heading, a paragraph, then each section as a table."""

    def cell(key: str, value: Any) -> str:
        return visible(plain_text(shown(key, value))).replace("|", "\\|").replace("\n", " ")

    out = [f"# {visible(title)}", "", visible(intro), ""]
    for heading, data in sections:
        out += [f"## {visible(heading)}", ""]
        if isinstance(data, Mapping):
            out += ["| | |", "|---|---|"]
            out += [f"| {header_for(k)} | {cell(k, v)} |" for k, v in data.items()]
        elif not data:
            out.append("(none)")
        else:
            keys = list(data[0].keys())
            out.append("| " + " | ".join(header_for(k) for k in keys) + " |")
            out.append("|" + "---|" * len(keys))
            out += ["| " + " | ".join(cell(k, row.get(k)) for k in keys) + " |" for row in data]
        out.append("")
    return "\n".join(out)


def emit(
    data: Any,
    fmt: str,
    *,
    columns: Sequence[Col] | None = None,
    title: str | None = None,
    table: Callable[[Any], Iterable] | None = None,
    rows_key: str | None = None,
    document: tuple[str, str, Sequence[Section]] | None = None,
) -> None:
    """Write `data` (a list of rows, or one mapping) to stdout in `fmt`.

    `table`, when given, builds the Rich renderables for table mode (for shows and reports);
    otherwise a list becomes a table with `columns` and a mapping a field/value table.
    `rows_key` names the list inside a mapping that CSV and JSONL should write as rows.
    `document` (title, intro, sections) is what `md` writes (reports).
    """
    if fmt == "md":
        if document is None:
            raise ValueError("md output needs a document")
        sys.stdout.write(markdown(*document) + "\n")
    elif fmt == "json":
        sys.stdout.write(to_json(data) + "\n")
    elif fmt == "jsonl":
        rows = _rows_of(data, rows_key)
        sys.stdout.write("".join(to_json(r, indent=None) + "\n" for r in rows))
    elif fmt == "csv":
        _write_csv(_rows_of(data, rows_key), columns)
    elif table is not None:
        print_renderables(*table(data))
    elif isinstance(data, Mapping):
        print_renderables(kv_table(data.items(), title=title))
    else:
        if not data:
            message("(none)")
            return
        cols = columns or [Col(k) for k in data[0]]
        print_renderables(rows_table(data, cols, title=title))
    sys.stdout.flush()


def _rows_of(data: Any, rows_key: str | None) -> list:
    if rows_key and isinstance(data, Mapping):
        return list(data.get(rows_key) or [])
    if isinstance(data, Mapping):
        return [data]
    return list(data)


def _write_csv(rows: list, columns: Sequence[Col] | None) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if rows and isinstance(rows[0], Mapping):
        keys = list(rows[0].keys())
        writer.writerow(keys)
        for row in rows:
            writer.writerow([csv_cell(row.get(k)) for k in keys])
    elif columns:
        writer.writerow([c.key for c in columns])
    sys.stdout.write(buf.getvalue())


# --- messages (stderr) ----------------------------------------------------------------------


def message(text: str, *, style: str | None = None) -> None:
    """A note for the person at the terminal, on stderr (never mixed into data)."""
    if sys.stderr.isatty():
        from rich.text import Text

        _console(stderr=True).print(Text(visible(text, keep_newlines=True), style=style or ""))
    else:
        sys.stderr.write(visible(text, keep_newlines=True) + "\n")


def line(text: str) -> None:
    """One line of data on stdout, as it is (for values scripts read, such as an anchor)."""
    sys.stdout.write(visible(text) + "\n")
    sys.stdout.flush()


def error_line(text: str) -> None:
    sys.stderr.write(f"deskctl: error: {visible(text)}\n")
    sys.stderr.flush()


def warn(text: str) -> None:
    sys.stderr.write(f"deskctl: warning: {visible(text)}\n")


def progress(items: Sequence[T], description: str) -> Iterator[T]:
    """Iterate with a progress bar on a terminal (stderr), silently otherwise."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import track

    yield from track(items, description=description, console=_console(stderr=True))


def bar_chart(pairs: Sequence[tuple[str, float]], title: str, width: int = 40) -> Table:
    """A horizontal bar chart as a Rich table (table mode only)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, box=box.SIMPLE, show_header=False, title_justify="left")
    table.add_column("label")
    table.add_column("bar")
    table.add_column("n", justify="right")
    peak = max((v for _, v in pairs), default=0) or 1
    for label, value in pairs:
        filled = int(round(width * value / peak))
        table.add_row(safe(label), Text("█" * filled, style="cyan"), Text(f"{value:g}"))
    return table
