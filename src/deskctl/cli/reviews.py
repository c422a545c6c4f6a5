"""`deskctl review …`: the supervisor's reviews of the desk's work."""

from __future__ import annotations

from typing import Annotated

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, SinceOpt, command_group, output_format
from deskctl.cli.state import state
from deskctl.i18n import _

app = command_group("Supervisor reviews.")


@app.command("add")
def review_add(
    area: Annotated[
        str, typer.Option("--area", help="workflow, attitude, discipline, inspections, handover or other.")
    ],
    score: Annotated[int, typer.Option("--score", help="1 (poor) to 5 (excellent).")],
    finding: Annotated[str, typer.Option("--finding", help="What the supervisor found.")],
    staff: Annotated[str | None, typer.Option("--staff", help="The person the finding is about, if any.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record a supervisor's review of the desk's work (supervisor only)."""
    from deskctl import render
    from deskctl.services.people import reviews as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.add_review, area=area, score=score, finding=finding, handle=staff)
    render.emit(view, out, title=_("review {id} recorded").format(id=view["id"]))


@app.command("list")
def review_list(
    staff: Annotated[str | None, typer.Option("--staff", help="Only reviews about this person.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="Only this area.")] = None,
    since: SinceOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Supervisor reviews, oldest first."""
    from deskctl import render
    from deskctl.services.people import reviews as svc
    from deskctl.timeparse import parse_instant

    out = output_format(fmt, as_json)
    st = state()
    since_at = parse_instant(since, tz=st.tz, now=st.clock.now()) if since else None
    with st.read() as r:
        rows = r.call(svc.list_reviews, handle=staff, area=area, since=since_at)
    render.emit(rows, out, columns=[
        render.Col("id", justify="right"), render.Col("at"), render.Col("area", style="bold"),
        render.Col("score", justify="right"), render.Col("staff"), render.Col("finding"), render.Col("reviewer"),
    ])


# --- improvements ---------------------------------------------------------------------------
