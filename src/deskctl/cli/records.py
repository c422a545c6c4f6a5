"""`deskctl staff record`: discipline and commendation records kept by the supervisor.

Registered on the staff app by `register`; `records_for` and `show_tables` serve `staff show`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, output_format
from deskctl.cli.state import state
from deskctl.i18n import N_, _, pgettext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table

    from deskctl.services.context import Unit


def register(app: typer.Typer) -> None:
    """Add `record` to the staff app."""
    app.command("record")(record)


def record(
    handle: Annotated[str, typer.Argument(help="The staff member the record is about.")],
    kind: Annotated[str, typer.Option("--kind", help="late, absent, violation or commendation.")],
    note: Annotated[str, typer.Option("--note", help="What happened, in a sentence.")],
    at: Annotated[str | None, typer.Option("--at", help="When it happened (default: now).")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record a discipline matter or a commendation (supervisor only); shown in `staff show`."""
    from deskctl import render
    from deskctl.services.people import records as svc
    from deskctl.timeparse import parse_instant

    out = output_format(fmt, as_json)
    st = state()
    when = parse_instant(at, tz=st.tz, now=st.clock.now()) if at else None
    with st.write() as w:
        view = w.call(svc.add_record, handle=handle, kind=kind, note=note, at=when)
    render.emit(view, out, title=_("{kind} recorded for {handle}").format(
        kind=pgettext("value", view["kind"]), handle=view["handle"]))


def records_for(unit: Unit, handle: str) -> list[dict]:
    """The member's discipline and commendation records, oldest first."""
    from deskctl.services.people import records as svc

    return svc.records_for(session=unit.session, handle=handle)


def show_tables(view: dict[str, Any]) -> Iterator[Table]:
    from deskctl import render

    fields = {k: v for k, v in view.items() if k != "records"}
    yield render.kv_table(fields.items(), title=view.get("handle"))
    records = view.get("records") or []
    if records:
        yield render.rows_table(records, [
            render.Col("id", justify="right"), render.Col("at"), render.Col("kind", style="bold"),
            render.Col("note"), render.Col("recorded_by", "by"),
        ], title=N_("records"))
    else:
        yield render.kv_table([("", _("(no records)"))], title=N_("records"))
