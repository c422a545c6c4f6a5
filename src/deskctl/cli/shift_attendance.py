"""`deskctl shift clock-in|clock-out|handover|takeover`: attendance and the handover.

`register(app)` adds them to the `shift` group, where they are listed after `swap`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, id_number, output_format
from deskctl.cli.state import state
from deskctl.errors import InvalidInput
from deskctl.i18n import N_, P_, _, pgettext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table
    from rich.text import Text

ForOpt = Annotated[str | None, typer.Option("--for", help="Supervisor: record for this person (a correction).")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Supervisor: when it really happened (a correction).")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why the correction (kept in the audit trail).")]
ShiftIdOpt = Annotated[
    int | None, typer.Option("--shift", help="Supervisor: the shift to correct, by ID.", parser=id_number)
]


def register(app: typer.Typer) -> None:
    app.command("clock-in")(clock_in)
    app.command("clock-out")(clock_out)
    app.command("handover")(handover)
    app.command("takeover")(takeover)


# --- attendance -----------------------------------------------------------------------------


def _clock(kind: str, for_: str | None, at: str | None, reason: str | None, shift_id: int | None, fmt: str,
           as_json: bool) -> None:
    from deskctl import render
    from deskctl.services.shifts import attendance as svc
    from deskctl.timeparse import parse_instant

    out = output_format(fmt, as_json)
    with state().write() as w:
        at_value = parse_instant(at, tz=w.tz, now=w.clock.now()) if at else None
        fn = svc.clock_in if kind == "in" else svc.clock_out
        view = w.call(fn, for_handle=for_, at=at_value, reason=reason, shift_id=shift_id)
    note = view.pop("note")
    render.emit(view, out, title=_("shift {id}").format(id=view["id"]))
    if view.get("late_seconds") or view.get("early_leave_seconds"):
        render.warn(note)
    else:
        render.message(note)


def clock_in(
    for_: ForOpt = None, at: AtOpt = None, reason: ReasonOpt = None, shift_id: ShiftIdOpt = None,
    fmt: FormatOpt = "table", as_json: JsonOpt = False,
) -> None:
    """Clock in on your shift (in progress or starting soon); late beyond the grace is recorded."""
    _clock("in", for_, at, reason, shift_id, fmt, as_json)


def clock_out(
    for_: ForOpt = None, at: AtOpt = None, reason: ReasonOpt = None, shift_id: ShiftIdOpt = None,
    fmt: FormatOpt = "table", as_json: JsonOpt = False,
) -> None:
    """Clock out of the shift you clocked in on; leaving early beyond the grace is recorded."""
    _clock("out", for_, at, reason, shift_id, fmt, as_json)


# --- handover -------------------------------------------------------------------------------


# The handover is stored as data (docs/shifts.md): its labels are translated here, when shown.
_HANDOVER_LABELS = (P_("handover", "id"), P_("handover", "from"), P_("handover", "to"),
                    P_("handover", "created_at"), P_("handover", "taken_over_at"),
                    P_("handover", "taken_over_by"), P_("handover", "note"))
_DEADLINES = {"response": N_("response"), "resolution": N_("resolution")}


def _handover_tables(view: dict[str, Any]) -> Iterator[Table | Text]:
    from deskctl import render

    def deadline(rows: list[dict]) -> list[dict]:
        return [{**r, "deadline": _(_DEADLINES.get(r["deadline"], r["deadline"]))} for r in rows]

    nxt = view.get("next_shift") or {}
    head = [(pgettext("handover", k), view[k]) for k in _HANDOVER_LABELS]
    head.append((_("next shift"), f"{', '.join(nxt.get('who') or []) or _('nobody planned')}"))
    yield render.kv_table(head, title=N_("handover"))
    breached = view.get("breached") or []
    if breached:
        rows = [{**b, "recorded": _("yes") if b["recorded"] else _("not yet")} for b in deadline(breached)]
        yield render.rows_table(rows, [
            render.Col("ticket"), render.Col("priority"), render.Col("deadline", style="bold red"),
            render.Col("due_at"), render.Col("recorded"), render.Col("assignee"), render.Col("title"),
        ], title=N_("SLA BREACHED"))
    if view["open_tickets"]:
        rows = [{**t, "breached": _("BREACHED") if t.get("breached") else ""} for t in view["open_tickets"]]
        yield render.rows_table(rows, [render.Col(k, "due" if k == "due_at" else "") for k in
                                       ("id", "priority", "status", "due_at", "breached", "title", "assignee")],
                                title=N_("open tickets"))
    else:
        yield render.safe(_("open tickets: none"))
    if view["sla_deadlines"]:
        yield render.rows_table(deadline(view["sla_deadlines"]), [
            render.Col("ticket"), render.Col("priority"), render.Col("deadline"), render.Col("due_at"),
            render.Col("title"),
        ], title=N_("SLA deadlines in the next shift"))
    if view["inspections_due"]:
        yield render.rows_table(view["inspections_due"], [
            render.Col("plan"), render.Col("target"), render.Col("due_at"), render.Col("state"), render.Col("owner"),
        ], title=N_("inspections overdue, due, or due in the next shift"))


def handover(
    note: Annotated[str | None, typer.Option("--note", help="Free text for the next shift.")] = None,
    show: Annotated[bool, typer.Option("--show", help="Print the last handover instead of writing one.")] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Hand your shift over: open tickets, SLA deadlines and inspections of the next shift, your note."""
    from deskctl import render
    from deskctl.services.shifts import handover as svc

    out = output_format(fmt, as_json)
    if show:
        if note is not None:
            raise InvalidInput(_("--show prints the last handover; leave out --note"))
        with state().read() as r:
            view = r.call(svc.last_handover)
    else:
        with state().write() as w:
            view = w.call(svc.handover, note=note or "")
    render.emit(view, out, table=_handover_tables, rows_key="open_tickets")


def takeover(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Acknowledge the handover meant for you, as the incoming officer."""
    from deskctl import render
    from deskctl.services.shifts import handover as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.takeover)
    render.emit(view, out, table=_handover_tables, rows_key="open_tickets")


