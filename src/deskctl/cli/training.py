"""`deskctl train …`: technical training records, and who is past the training interval."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, WideOpt, command_group, output_format
from deskctl.cli.state import state
from deskctl.errors import ExitCode
from deskctl.i18n import _

if TYPE_CHECKING:
    from deskctl.render import Col

app = command_group("Training records and who is overdue.")


def _columns() -> list[Col]:
    from deskctl.render import Col

    return [Col("id", justify="right"), Col("handle", style="bold"), Col("on"), Col("topic"),
            Col("hours", justify="right"), Col("result"), Col("recorded_by", "by")]


@app.command("add")
def add(
    handle: Annotated[str, typer.Argument(help="Who was trained.")],
    topic: Annotated[str, typer.Option("--topic", help="What the training covered.")],
    on: Annotated[str, typer.Option("--on", help="The day it took place (YYYY-MM-DD, today, yesterday).")],
    hours: Annotated[float, typer.Option("--hours", help="How long, in hours.")] = 0.0,
    result: Annotated[str, typer.Option("--result", help="pass or fail.")] = "pass",
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record a training a staff member attended (supervisor only)."""
    from deskctl import render
    from deskctl.services.people import training as svc
    from deskctl.timeparse import parse_date

    out = output_format(fmt, as_json)
    st = state()
    day = parse_date(on, tz=st.tz, now=st.clock.now())
    with st.write() as w:
        view = w.call(svc.add_training, handle=handle, topic=topic, on=day, hours=hours, result=result)
    render.emit(view, out, title=_("training {id} recorded for {handle}").format(id=view["id"], handle=view["handle"]))


@app.command("list")
def list_(
    who: Annotated[str | None, typer.Option("--who", help="Only this staff member.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only trainings on or after this day.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """Training records, newest first."""
    from deskctl import render
    from deskctl.services.people import training as svc
    from deskctl.timeparse import parse_date

    out = output_format(fmt, as_json)
    st = state()
    day = parse_date(since, tz=st.tz, now=st.clock.now()) if since else None
    with st.read() as r:
        rows = r.call(svc.list_training, handle=who, since=day)
    render.emit(rows, out, columns=_columns())


@app.command("due")
def due(
    within: Annotated[
        str | None, typer.Option("--within", help="Also list who falls due within this (e.g. 30d).")
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Who is past training.interval since their last passed training (cron: exit 1 if anyone)."""
    from deskctl import render
    from deskctl.render import Col
    from deskctl.services.people import training as svc
    from deskctl.timeparse import parse_duration

    out = output_format(fmt, as_json)
    span = parse_duration(within) if within else None
    st = state()
    with st.read() as r:
        rows = r.call(svc.training_due, within=span)
    if rows or out != "table":
        render.emit(rows, out, columns=[
            Col("handle", style="bold"), Col("name"), Col("role"), Col("last_passed_on", "last passed"),
            Col("last_topic", "last topic"), Col("due_on", "due"), Col("overdue"),
            Col("days_overdue", "days over", justify="right"),
        ])
    if any(r["overdue"] for r in rows):
        raise typer.Exit(ExitCode.CHECK_FOUND)
