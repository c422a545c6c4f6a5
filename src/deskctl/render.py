"""The only place that writes to the terminal: Rich tables, JSON, JSONL, CSV (STYLE habit 4).

Data goes to stdout, messages to stderr. JSON and CSV never pass through Rich. Text people
typed enters Rich only as `Text` after control characters are made visible, so `[bold]` is
shown as typed and `\\x1b[2J` cannot clear anybody's screen.

Lists stream (`stream`): rows are written as they come, in constant memory, JSON arrays
included. Every write to stdout goes through `out`, in pieces: one large write to a pipe whose
reader has gone can be cut short without an error, while the next piece fails with EPIPE (exit
141 at the error boundary). Any other failure to write (disk full, I/O error) is `OutputFailed`
(docs/design.md §7).
"""

from __future__ import annotations

import csv
import errno
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

from deskctl.errors import OutputFailed, shorten_values
from deskctl.i18n import N_, _, is_chinese, value_name

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console, JustifyMethod
    from rich.table import Table
    from rich.text import Text

T = TypeVar("T")

FORMATS = ("table", "json", "jsonl", "csv")
DOC_FORMATS = (*FORMATS, "md")  # reports are documents: Markdown too
_zone: tzinfo | Callable[[], tzinfo] = UTC
_now: Callable[[], datetime] = partial(datetime.now, UTC)
_wide = False
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BIDI = {0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def set_zone(tz: tzinfo | Callable[[], tzinfo]) -> None:
    """The desk zone for showing instants; a callable is resolved on first use."""
    global _zone
    _zone = tz


def set_now(now: Callable[[], datetime]) -> None:
    """The desk's clock, for shortening instants on a terminal (`today 14:05`)."""
    global _now
    _now = now


def set_wide(wide: bool = True) -> None:
    """`--wide`: terminal tables keep every column (long text still ends in `…`)."""
    global _wide
    _wide = wide


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


def short_instant(value: datetime) -> str:
    """An instant as a terminal shows it: `14:05` today, `12-03 14:05` this year, else the date."""
    local = value.astimezone(zone())
    today = _now().astimezone(zone()).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


def instant(value: datetime) -> str:
    """An instant as this output shows it: short on a terminal, the full minute to a pipe or file."""
    return short_instant(value) if on_terminal() else _cell(value)


def _cell(value: Any, *, short: bool = False) -> str:
    """A value for a table: local instants to the minute (`short`: relative to today, for terminals)."""
    if isinstance(value, datetime):
        return short_instant(value) if short else value.astimezone(zone()).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, timedelta):
        from deskctl.timeparse import format_duration

        return format_duration(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v, short=short) for v in value)
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
    """A table column. On a terminal (docs/design.md §13) columns with the highest `priority`
    number drop first when the table does not fit (0: never dropped; None: by position, the
    first column kept); `min_width` is the least it shrinks to (never below its header);
    `flex` text (titles, notes) gives up width first and ends in `…`."""

    key: str
    header: str = ""
    style: str | None = None
    justify: JustifyMethod = "left"
    fmt: Callable[[Any], str] | None = None
    style_of: Callable[[Any], str | None] | None = None  # style chosen by value
    priority: int | None = None
    min_width: int | None = None
    flex: bool = False

    @property
    def title(self) -> str:
        """The header as a person reads it (translated: tables only, CSV keeps the keys)."""
        return _(self.header or self.key.replace("_", " "))


# keys whose values are names from a fixed list (states, priorities' levels, results): a table
# shows them in the person's language (i18n.value_name); JSON and CSV keep the English value
NAMED_VALUES = frozenset({"status", "state", "ticket_status", "result", "impact", "urgency", "attendance",
                          "channel", "role", "outcome", "kind"})
NARROW = 40  # below this many columns a table reads as `key: value` lines
_GAP = 3  # cells between two columns of a SIMPLE_HEAD table without edges
_FLEX_MIN = 12  # a flexible text column keeps at least this much
_FLEX_PREFERRED = 20  # … and columns drop before it gets less than this


def on_terminal(stream: Any = None) -> bool:
    """Is this stream a terminal? TTY_COMPATIBLE=1/0 (Rich's switch) forces the answer."""
    forced = os.environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def terminal_width(stream: Any = None) -> int:
    """The terminal's width: COLUMNS when it is a positive number, else the device's, else 80;
    at least 20 (COLUMNS=0 or 5 still prints something readable)."""
    raw = os.environ.get("COLUMNS", "").strip()
    width = int(raw) if raw.isdigit() else 0
    if width <= 0:
        try:
            width = os.get_terminal_size((stream or sys.stdout).fileno()).columns
        except (AttributeError, ValueError, OSError):
            width = 0
    return max(width or 80, 20)


def _console(stderr: bool = False) -> Console:
    # A closed pipe: Rich's on_broken_pipe raises SystemExit(1) while handling BrokenPipeError;
    # the error boundary (cli.DeskGroup.main) turns that into 141 for every Rich console.
    from rich.console import Console

    target = sys.stderr if stderr else sys.stdout
    stream: Any = sys.stderr if stderr else STDOUT
    terminal = on_terminal(target)
    if _wide and not stderr:
        width = 10_000  # --wide: every column at its full width, as wide as that makes the table
    else:
        width = terminal_width(target) if terminal else 160
    return Console(
        file=stream,
        width=width,
        force_terminal=terminal,
        highlight=False,
        emoji=False,
        markup=False,
        color_system=None if os.environ.get("NO_COLOR") else "auto",
    )


# --- writing to stdout --------------------------------------------------------------------

_PIECE = 8192  # characters per write: no larger than the stream's buffer, so nothing is cut silently


def _failed(exc: OSError) -> BaseException:
    """A failed write to stdout: a closed pipe stays what it is (exit 141, silent); anything
    else (disk full, I/O error) is named."""
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return exc
    return OutputFailed(_("output failed: {reason}").format(reason=exc.strerror or exc))


def out(text: str) -> None:
    """Write data to stdout, in pieces (see the module docstring)."""
    try:
        for start in range(0, len(text), _PIECE):
            sys.stdout.write(text[start:start + _PIECE])
    except OSError as exc:
        raise _failed(exc) from None


def out_bytes(data: bytes) -> None:
    """Write bytes (an iCalendar file) to stdout, in pieces like `out`."""
    try:
        sys.stdout.flush()
        for start in range(0, len(data), _PIECE):
            sys.stdout.buffer.write(data[start:start + _PIECE])
    except OSError as exc:
        raise _failed(exc) from None


def flush() -> None:
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise _failed(exc) from None


def line(text: str) -> None:
    """One line of data (a write command's summary), made visible and flushed."""
    out(visible(text) + "\n")
    flush()


class _Stdout:
    """stdout as Rich writes to it: through `out`."""

    def write(self, text: str) -> int:
        out(text)
        return len(text)

    def flush(self) -> None:
        flush()

    def isatty(self) -> bool:
        return sys.stdout.isatty()

    def fileno(self) -> int:
        return sys.stdout.fileno()

    @property
    def encoding(self) -> str:
        return getattr(sys.stdout, "encoding", None) or "utf-8"


STDOUT = _Stdout()


def safe(value: Any, style: str | None = None, *, short: bool = False) -> Text:
    from rich.text import Text

    return Text(visible(_cell(value, short=short), keep_newlines=True), style=style or "")


def rows_table(
    rows: Sequence[Mapping],
    columns: Sequence[Col],
    title: str | None = None,
    *,
    widths: Sequence[int] | None = None,
    header: bool = True,
) -> Table:
    """A table of rows. On a terminal it fits the width (§13); to a pipe or file nothing is
    dropped, truncated or shortened; `widths` fixes each column's width (the parts of a long
    streamed table)."""
    from rich.table import Table

    title = _(title) if title else title
    if on_terminal() and not _wide and widths is None:
        return _fitted_table(rows, columns, title, terminal_width())
    table = Table(title=title, box=_head_box(), title_justify="left", show_edge=False, show_header=header,
                  min_width=_title_width(title))
    for i, col in enumerate(columns):
        table.add_column(col.title, justify=col.justify, style=col.style, overflow="fold",
                         width=widths[i] if widths else None)
    for row in rows:
        table.add_row(*_cells(row, columns, short=False))
    return table


def _cells(row: Mapping, columns: Sequence[Col], *, short: bool) -> list[Text]:
    cells = []
    for col in columns:
        value = row.get(col.key)
        text = col.fmt(value) if col.fmt else value
        if col.key in NAMED_VALUES and isinstance(text, str):
            text = value_name(text)
        style = col.style_of(value) if col.style_of else None
        cells.append(safe(text, style, short=short))
    return cells


def _fitted_table(rows: Sequence[Mapping], columns: Sequence[Col], title: str | None, width: int) -> Table:
    """Columns dropped by priority, flexible text shrunk to an ellipsis, instants short;
    below NARROW columns (or when even the kept columns cannot fit) `key: value` lines."""
    from rich.cells import cell_len
    from rich.table import Table

    cells = [_cells(row, columns, short=True) for row in rows]
    natural, least, preferred = [], [], []
    flexible: list[bool] = []
    for i, col in enumerate(columns):
        head = cell_len(col.title)
        content = max((max((cell_len(line) for line in r[i].plain.split("\n")), default=0) for r in cells),
                      default=0)
        nat = max(head, content, 1)
        text = any(isinstance(row.get(col.key), str) for row in rows)
        # undeclared long text (notes, problems, help) shrinks like a declared flexible column
        flex = col.flex or (text and col.min_width is None and nat > _FLEX_PREFERRED + 4)
        flexible.append(flex)
        floor = max(head, col.min_width or 0, _FLEX_MIN if flex else 0)
        # a value that must not split (an instant, a number, a code) keeps its width
        if not flex and col.min_width is None and not text:
            floor = nat
        natural.append(nat)
        least.append(min(floor, nat))
        preferred.append(min(nat, max(floor, _FLEX_PREFERRED)) if flex else nat)
    keep = list(range(len(columns)))

    def rank(i: int) -> tuple[int, int]:
        col = columns[i]
        return (col.priority if col.priority is not None else (0 if i == 0 else i + 100), i)

    def need(sizes: list[int]) -> int:
        return sum(sizes[i] for i in keep) + _GAP * (len(keep) - 1)

    if width >= NARROW:
        # drop the least important columns until the rest fit at their preferred widths
        while need(preferred) > width:
            droppable = [i for i in keep if rank(i)[0] > 0]
            if not droppable:
                break
            keep.remove(max(droppable, key=rank))
    if width < NARROW or need(least) > width:
        return _card_rows(columns, cells, title)
    widths = _shrink({i: natural[i] for i in keep}, {i: least[i] for i in keep},
                     [i for i in keep if flexible[i]], width - _GAP * (len(keep) - 1))
    hidden = len(columns) - len(keep)
    caption = None
    if hidden:
        caption = (_("1 column hidden: --wide or --format json") if hidden == 1
                   else _("{n} columns hidden: --wide or --format json").format(n=hidden))
    table = Table(title=title, box=_head_box(), title_justify="left", show_edge=False, pad_edge=False,
                  caption=caption, caption_justify="left", caption_style="dim", min_width=_title_width(title))
    for i in keep:
        col = columns[i]
        table.add_column(col.title, justify=col.justify, style=col.style, width=widths[i], no_wrap=True,
                         overflow="ellipsis" if widths[i] < natural[i] else "fold")
    for row_cells in cells:
        table.add_row(*(cut_cell(row_cells[i], widths[i]) if widths[i] < natural[i] else row_cells[i] for i in keep))
    return table


def cut_cell(cell: Text, width: int) -> Text:
    """A cell longer than its column, ended by Rich's `…` — except in Chinese, where `…` is an
    ambiguous-width character that a CJK terminal may draw two cells wide and so push the row
    past the screen: there the cell ends in `...` (three narrow dots) within the same width."""
    from rich.cells import cell_len

    if not is_chinese() or cell_len(cell.plain) <= width or width < 4:
        return cell
    cut = cell.copy()
    cut.truncate(width - 3, overflow="crop")
    cut.append("...")
    return cut


def _shrink(natural: dict[int, int], least: dict[int, int], flex: list[int], room: int) -> dict[int, int]:
    """Widths within `room`: flexible columns give up width first, then the others, each in
    proportion to what it can give and never below its least."""
    widths = dict(natural)
    excess = sum(widths.values()) - room
    for group in (flex, [i for i in natural if i not in flex]):
        if excess <= 0:
            break
        spare = {i: widths[i] - least[i] for i in group if widths[i] > least[i]}
        total = sum(spare.values())
        if not total:
            continue
        if total <= excess:
            for i in spare:
                widths[i] = least[i]
            excess -= total
            continue
        cut = {i: spare[i] * excess // total for i in spare}
        left = excess - sum(cut.values())
        for i in sorted(spare, key=lambda i: -spare[i]):
            if left <= 0:
                break
            if cut[i] < spare[i]:
                cut[i] += 1
                left -= 1
        for i, c in cut.items():
            widths[i] -= c
        excess = 0
    return widths


def _card_rows(columns: Sequence[Col], cells: list[list[Text]], title: str | None) -> Table:
    """A narrow terminal: each row as `key: value` lines, rows apart by an empty line."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.title, grid.title_justify = title, "left"
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for n, row_cells in enumerate(cells):
        if n:
            grid.add_row(Text(""), Text(""))
        for col, cell in zip(columns, row_cells, strict=True):
            if cell.plain:
                grid.add_row(Text(col.title + ":"), cell)
    return grid


# field labels of cards and timeline details (a data key `late_seconds` is labelled by its words
# `late seconds`, translated): the keys the commands' cards show
CARD_FIELDS = (
    N_("shift types"), N_("clock ins"), N_("no shows"), N_("inspection plans"), N_("inspection runs"),
    N_("inspection findings"), N_("reviews"), N_("improvements"), N_("supervisor"), N_("passphrase"),
    N_("chosen by"), N_("logged in"), N_("auth require"), N_("os user"), N_("host"),
    N_("terminal"), N_("created by"), N_("types"), N_("members"), N_("dry run"),
    N_("strategy"), N_("planned"), N_("replaced"), N_("late seconds"), N_("early leave seconds"),
    N_("performed at"), N_("performed by"), N_("grace seconds"), N_("next at"), N_("last run at"),
    N_("rrule"), N_("starts at"), N_("retired at"), N_("email"), N_("mobile"),
    N_("wecom id"), N_("dingtalk id"), N_("feishu id"), N_("quiet hours"), N_("days overdue"),
    N_("action"), N_("channel"), N_("to user"), N_("field"), N_("paused seconds"),
    N_("comment"), N_("reason"), N_("picked"), N_("text"), N_("from"),
    N_("from status"),
    N_("opened at"), N_("opened by"), N_("acknowledged at"), N_("resolved at"), N_("resolved by"),
    N_("closed at"), N_("rating"), N_("rating comment"), N_("close reason"), N_("cancel reason"),
    N_("duplicate of"), N_("reopen count"), N_("escalated"), N_("confirmed"),
)


def field_label(key: str) -> str:
    """A card's field label: its translation, else (a data key such as `opened_at`) the
    translation of its words, `opened at`; in English the key itself."""
    label = _(key)
    if label == key and "_" in key:
        words = key.replace("_", " ")
        translated = _(words)
        return translated if translated != words else key
    return label


def arrow() -> str:
    """`→` between an old and a new value in a table; `->` in Chinese (ambiguous width)."""
    return "->" if is_chinese() else "→"


def _head_box() -> Box:
    """The rule under a table's header: `─`, or in Chinese `-` (box drawing is ambiguous-width,
    and a CJK terminal may draw it two cells wide)."""
    from rich import box

    if not is_chinese():
        return box.SIMPLE_HEAD
    return box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n")


def _title_width(title: str | None) -> int | None:
    """A table at least as wide as its title, so that a short table's title (two cells a Chinese
    character) is not folded over two lines; never wider than the terminal."""
    if not title:
        return None
    from rich.cells import cell_len

    return min(cell_len(title), terminal_width())


def kv_table(pairs: Iterable[tuple[str, Any]], title: str | None = None) -> Table:
    """A card: keys in one column that never wraps, values beside them wrapping."""
    from rich import box
    from rich.table import Table

    terminal = on_terminal()
    title = _(title) if title else title
    table = Table(title=title, box=box.SIMPLE, show_header=False, title_justify="left",
                  show_edge=not terminal, pad_edge=not terminal, min_width=_title_width(title))
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold", ratio=1 if terminal else None)
    for key, value in pairs:
        if key in NAMED_VALUES and isinstance(value, str):
            value = value_name(value)
        table.add_row(safe(field_label(key) if isinstance(key, str) else key), safe(value, short=terminal))
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

    def label(key: str) -> str:  # as a table's header says it (Col.title, kv_table)
        return visible(_(header_for(key))).replace("|", "\\|")

    out = [f"# {visible(title)}", "", visible(intro), ""]
    for heading, data in sections:
        out += [f"## {visible(heading)}", ""]
        if isinstance(data, Mapping):
            out += ["| | |", "|---|---|"]
            out += [f"| {label(k)} | {cell(k, v)} |" for k, v in data.items()]
        elif not data:
            out.append(_("(none)"))
        else:
            keys = list(data[0].keys())
            out.append("| " + " | ".join(label(k) for k in keys) + " |")
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
        out(markdown(*document) + "\n")
    elif fmt == "json":
        out(to_json(data) + "\n")
    elif fmt == "jsonl":
        for r in _rows_of(data, rows_key):
            out(to_json(r, indent=None) + "\n")
    elif fmt == "csv":
        _write_csv(_rows_of(data, rows_key), columns)
    elif table is not None:
        print_renderables(*table(data))
    elif isinstance(data, Mapping):
        print_renderables(kv_table(data.items(), title=title))
    else:
        if not data:
            message(_("(none)"))
            return
        cols = columns or [Col(k) for k in data[0]]
        print_renderables(rows_table(data, cols, title=title))
    flush()


TABLE_CHUNK = 500  # rows a streamed table is laid out from, and printed at a time


def stream(
    rows: Iterable[Mapping],
    fmt: str,
    *,
    columns: Sequence[Col] | None = None,
    title: str | None = None,
    chunk: int = TABLE_CHUNK,
) -> int:
    """Write the rows of a list as they come, in constant memory; returns how many there were.

    `rows` may be a generator reading the database in chunks: call this inside the read
    transaction. JSON is one array written element by element (the same text `emit` writes,
    `[]` when empty); JSONL and CSV a line per row. A table of up to `chunk` rows is laid out as
    `emit` lays it out; a longer one takes its column widths from the first `chunk` rows and
    prints the rest in those widths, `chunk` rows at a time, without repeating the header.
    """
    it = iter(rows)
    count = 0
    if fmt == "json":
        for row in it:
            element = "  " + to_json(row).replace("\n", "\n  ")
            out(("[\n" if count == 0 else ",\n") + element)
            count += 1
        out("[]\n" if count == 0 else "\n]\n")
    elif fmt == "jsonl":
        for row in it:
            out(to_json(row, indent=None) + "\n")
            count += 1
    elif fmt == "csv":
        keys: list[str] | None = None
        for row in it:
            if keys is None:
                keys = list(row.keys())
                out(_csv_line(keys))
            out(_csv_line([csv_cell(row.get(k)) for k in keys]))
            count += 1
        if keys is None and columns:
            out(_csv_line([c.key for c in columns]))
    elif fmt in FORMATS:
        count = _stream_table(it, columns, title, max(1, chunk))
    else:
        raise ValueError(f"cannot stream {fmt}")
    flush()
    return count


def _csv_line(cells: Sequence[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def _stream_table(it: Iterator[Mapping], columns: Sequence[Col] | None, title: str | None, chunk: int) -> int:
    from itertools import chain, islice

    first = list(islice(it, chunk))
    if not first:
        message(_("(none)"))
        return 0
    cols = list(columns or [Col(k) for k in first[0]])
    following = list(islice(it, 1))
    if not following:
        print_renderables(rows_table(first, cols, title=title))
        return len(first)
    # Longer than one chunk: plain text in the layout of the Rich tables above (same padding,
    # header and rule), widths from the first chunk, a wider cell folded onto more lines.
    from rich.cells import cell_len

    widths = _widths(first, cols)
    if title:
        out(visible(title) + "\n")
    out(_table_line([c.title for c in cols], cols, widths))
    out("─" * (sum(widths) + 3 * len(widths) - 1) + "\n")
    count = 0
    for row in chain(first, following, it):
        cells = [_cell_text(row, c) for c in cols]
        out(_table_line(cells, cols, widths) if all(cell_len(t) <= w for t, w in zip(cells, widths, strict=True))
            else _folded(cells, cols, widths))
        count += 1
    return count


def _cell_text(row: Mapping, col: Col) -> str:
    value = row.get(col.key)
    return visible(_cell(col.fmt(value) if col.fmt else value))


def _table_line(cells: Sequence[str], cols: Sequence[Col], widths: Sequence[int]) -> str:
    from rich.cells import cell_len

    parts = []
    for text, col, width in zip(cells, cols, widths, strict=True):
        pad = " " * max(0, width - cell_len(text))
        parts.append(pad + text if col.justify == "right" else text + pad)
    return " " + "   ".join(parts) + " \n"


def _folded(cells: Sequence[str], cols: Sequence[Col], widths: Sequence[int]) -> str:
    """A row whose cells are wider than their columns, folded onto as many lines as it takes."""
    from rich.cells import chop_cells

    pieces = [chop_cells(text, width) if text else [""] for text, width in zip(cells, widths, strict=True)]
    height = max(len(p) for p in pieces)
    lines = [[p[i] if i < len(p) else "" for p in pieces] for i in range(height)]
    return "".join(_table_line(line, cols, widths) for line in lines)


def _widths(rows: Sequence[Mapping], columns: Sequence[Col]) -> list[int]:
    """Each column as wide as its title and its widest cell among `rows`."""
    from rich.cells import cell_len

    widths = []
    for col in columns:
        widest = cell_len(col.title)
        for row in rows:
            widest = max(widest, cell_len(_cell_text(row, col)))
        widths.append(widest)
    return widths


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
    out(buf.getvalue())


# --- messages (stderr) ----------------------------------------------------------------------


def message(text: str, *, style: str | None = None) -> None:
    """A note for the person at the terminal, on stderr (never mixed into data)."""
    if sys.stderr.isatty():
        from rich.text import Text

        _console(stderr=True).print(Text(visible(text, keep_newlines=True), style=style or ""))
    else:
        sys.stderr.write(visible(text, keep_newlines=True) + "\n")


def error_line(text: str) -> None:
    """The one error line; long values in it cut by the `errors.quote` rule."""
    sys.stderr.write(f"deskctl: error: {visible(shorten_values(text))}\n")
    sys.stderr.flush()


def note_line(text: str) -> None:
    """`deskctl: …` on stderr: what happened when it is not an error of the command itself
    (a committed write whose output failed)."""
    sys.stderr.write(f"deskctl: {visible(shorten_values(text))}\n")
    sys.stderr.flush()


def warn(text: str) -> None:
    sys.stderr.write(f"deskctl: warning: {visible(text)}\n")


def live(build: Callable[[], Any], *, every: float) -> None:
    """Draw `build()` and redraw it in place every `every` seconds until Ctrl-C (`status --watch`)."""
    import time

    from rich.live import Live

    console = _console()
    with Live(build(), console=console, auto_refresh=False, redirect_stdout=False, redirect_stderr=False,
              vertical_overflow="crop") as view:
        try:
            while True:
                time.sleep(every)
                view.update(build(), refresh=True)
        except KeyboardInterrupt:
            pass  # Ctrl-C is how a watch ends: the last screen stays, exit 0


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

    table = Table(title=_(title), box=box.SIMPLE, show_header=False, title_justify="left")
    table.add_column("label")
    table.add_column("bar")
    table.add_column("n", justify="right")
    peak = max((v for _label, v in pairs), default=0) or 1
    for label, value in pairs:
        filled = int(round(width * value / peak))
        table.add_row(safe(label), Text("█" * filled, style="cyan"), Text(f"{value:g}"))
    return table
