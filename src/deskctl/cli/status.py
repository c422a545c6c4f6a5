"""`deskctl status`: the desk on one screen (docs/design.md §13).

One alert line first, then short sections with counts and the top rows, sized to the
terminal (80×24 shows it whole); `--full` lists every row, `--watch` redraws in place.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, output_format
from deskctl.cli.state import state
from deskctl.errors import InvalidInput
from deskctl.i18n import N_, _, by_shape, is_chinese, value_name

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

# sections with rows, in the order they get room on the screen: (label, rows key, count key)
LISTS = (
    (N_("breached"), "sla_breached", "sla_breached_count"),
    (N_("at risk"), "sla_at_risk", "sla_at_risk_count"),
    (N_("mine"), "my_tickets", "my_tickets_count"),
    (N_("inspect"), "inspections_open", None),
    (N_("improve"), "improvements_overdue", "improvements_overdue_count"),
)
# the alerts of the view (English in JSON), as the screen shows them
ALERTS = [
    (re.compile(r"NOBODY IS ON DUTY NOW"), N_("NOBODY IS ON DUTY NOW")),
    (re.compile(r"not clocked in: (?P<who>.*)"), N_("not clocked in: {who}")),
    (re.compile(r"(?P<n>\d+) SLA breached"), N_("{n} SLA breached")),
    (re.compile(r"(?P<n>\d+) inspections? overdue"), N_("{n} inspection(s) overdue")),
    (re.compile(r"handover pending (?P<waiting>.*)"), N_("handover pending {waiting}")),
    (re.compile(r"(?P<n>\d+) notification\(s\) failed: (?P<command>.*)"), N_("{n} notification(s) failed: {command}")),
]
MORE = {
    "sla_breached": "deskctl ticket list --breached",
    "sla_at_risk": "deskctl status --full",
    "my_tickets": "deskctl ticket list --mine",
    "inspections_open": "deskctl inspect due",
    "improvements_overdue": "deskctl improve list --overdue",
}
ROWS_EACH = 3  # at most this many rows per section on one screen


def status(
    full: Annotated[bool, typer.Option("--full", help="Every row of every section, not only the top ones.")] = False,
    watch: Annotated[bool, typer.Option("--watch", help="Redraw in place until Ctrl-C (a terminal only).")] = False,
    every: Annotated[
        int, typer.Option("--every", help="With --watch: seconds between redraws.", min=1, max=3600)
    ] = 10,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """One screen: alerts, on duty now, open tickets by priority, SLA breached and at risk, inspections due."""
    from deskctl import render
    from deskctl.services.status import desk_status

    out = output_format(fmt, as_json)

    def view() -> dict[str, Any]:
        with state().read() as r:
            return r.call(desk_status, limit=None if full else 20)

    if watch:
        if out != "table" or not render.on_terminal():
            raise InvalidInput(_("--watch redraws a table on a terminal; without one, run `deskctl status` from cron"))
        render.live(lambda: screen(view(), full=full), every=every)
        return
    data = view()
    render.emit(data, out, table=lambda v: [screen(v, full=full)])


def _height() -> int:
    raw = os.environ.get("LINES", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    try:
        return os.get_terminal_size().lines
    except OSError:
        return 24


def screen(view: dict[str, Any], *, full: bool = False) -> Table:
    """The status as one grid: the alert line, then a label and a line (or a few) per section."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    from deskctl import render

    terminal = render.on_terminal()
    room_across = max(render.terminal_width() - 10, 10) if terminal else None
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold", width=8)  # 8 cells: four CJK characters
    grid.add_column(no_wrap=True, overflow="ellipsis", width=room_across)
    alerts = view.get("alerts") or []
    # the alert line is the one line that wraps rather than lose a word
    alert = Text(render.visible(" · ".join(by_shape(a, ALERTS) for a in alerts)), style="bold red", no_wrap=False,
                 overflow="fold") if alerts else Text(_("no alerts"), style="green")
    alert_lines = 1 + (cell_len(alert.plain) - 1) // room_across if room_across else 1
    lines: list[tuple[str, Text]] = [(_("alerts") if alerts else _("ok"), alert)]
    now = view["generated_at"]
    lines.append((_("status"), Text(render.visible(_("{now} {zone} · as {user}").format(
        now=render.instant(now), zone=view["timezone"], user=view["user"] or "-")), style="dim")))
    lines.append((_("on duty"), Text(render.visible(_on_duty(view, render.instant)))))
    for pending in view.get("handover_pending") or []:
        lines.append((_("handover"), Text(render.visible(
            _("#{handover} from {giver} to {taker}, waiting {waiting}").format(
                handover=pending["handover"], giver=pending["from"], taker=pending["to"] or _("anyone"),
                waiting=render.shown("waiting_seconds", pending["waiting_seconds"]))), style="yellow")))
    counts = view.get("open_tickets") or {}
    lines.append((_("open"), Text(render.visible(
        f"{view.get('open_total', sum(counts.values()))}  "
        + " · ".join(f"{p} {n}" for p, n in counts.items())
        + " · " + _("mine {n}").format(n=view.get("my_tickets_count", len(view.get("my_tickets") or [])))))))
    room = None if full else max(_height() - 1 - (alert_lines - 1) - len(lines) - len(LISTS), 0)
    shown = _share(view, room)
    for label, key, count_key in LISTS:
        rows = (view.get(key) or [])[: shown[key]]
        count = _count(view, key, count_key)
        if key == "my_tickets" and not count:
            continue  # said on the `open` line
        head = _head(view, key, count, len(rows))
        style = "bold red" if key == "sla_breached" and count else ""
        lines.append((_(label), Text(render.visible(head), style=style)))
        lines.extend(("", Text(render.visible(_row(key, r, render.instant)))) for r in rows)
    for label, text in lines:
        if is_chinese():
            text = _narrow(text, None if text is alert else room_across)
        grid.add_row(Text(label), text)
    return grid


# ambiguous-width punctuation a CJK terminal may draw two cells wide, and its one-cell stand-in
_AMBIGUOUS = str.maketrans({"·": "|", "→": ">", "—": "-", "–": "-"})


def _narrow(text: Text, width: int | None) -> Text:
    """A status line for the Chinese screen: no ambiguous-width punctuation (a CJK terminal would
    push the line past the screen), cut with `...` rather than `…` where it is too long."""
    from deskctl import render

    out = text.copy()
    out.plain = out.plain.translate(_AMBIGUOUS)  # one character for one: the styles stay in place
    return render.cut_cell(out, width) if width else out


def _count(view: dict[str, Any], key: str, count_key: str | None) -> int:
    if count_key is not None and count_key in view:
        return int(view[count_key])
    if key == "inspections_open":
        return int(view.get("inspections_due", 0)) + int(view.get("inspections_overdue", 0))
    return len(view.get(key) or [])


def _share(view: dict[str, Any], room: int | None) -> dict[str, int]:
    """Rows per section: one each in turn while the screen has room, at most ROWS_EACH."""
    have = {key: len(view.get(key) or []) for _label, key, _count in LISTS}
    if room is None:
        return have
    shown = dict.fromkeys(have, 0)
    for _round in range(ROWS_EACH):
        for _label, key, _count in LISTS:
            if room > 0 and shown[key] < have[key]:
                shown[key] += 1
                room -= 1
    return shown


def _head(view: dict[str, Any], key: str, count: int, shown: int) -> str:
    if key == "inspections_open":
        text = _("{overdue} overdue, {due} due").format(overdue=view.get("inspections_overdue", 0),
                                                         due=view.get("inspections_due", 0))
    else:
        text = str(count) if count else _("none")
    if shown < count:
        text += "  " + _("({n} more: {command})").format(n=count - shown, command=MORE[key])
    return text


def _on_duty(view: dict[str, Any], when: Any) -> str:
    people = [
        f"{r['who']} {r['type']} {when(r['since'])}–{when(r['until'])} ({value_name(r['attendance'])})"
        for r in view.get("on_duty") or []
    ]
    text = ", ".join(people) or _("nobody")
    handover = view.get("next_handover") or {}
    if handover.get("at"):
        text += " · " + _("next handover {at} → {who}").format(at=when(handover["at"]),
                                                               who=handover.get("takes_over") or _("nobody planned"))
    return text


def _row(key: str, row: dict[str, Any], when: Any) -> str:
    if key == "inspections_open":
        return _("{plan} ({target}) {state} since {at}").format(
            plan=row["plan"], target=row["target"], state=value_name(row["state"]), at=when(row["due_at"])
        ) + f" · {row['owner'] or '-'}"
    if key == "improvements_overdue":
        return f"#{row['id']} {row['title']} · {row['owner'] or '-'} · " + _("{days}d overdue").format(
            days=row["days_overdue"])
    due = _("due {at}").format(at=when(row["due_at"])) if row.get("due_at") else value_name(row["status"])
    return f"#{row['id']} {row['priority']} {due} · {row['assignee'] or _('unassigned')} · {row['title']}"
