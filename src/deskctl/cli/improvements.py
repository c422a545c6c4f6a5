"""`deskctl improve …`: the improvement log (problems, actions, owners, outcomes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, WideOpt, command_group, id_number, output_format
from deskctl.cli.state import state
from deskctl.i18n import N_, _

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table

    from deskctl.render import Col

app = command_group("Improvement actions: problems, actions, owners, outcomes.")


def _columns() -> list[Col]:
    from deskctl.render import Col

    return [
        Col("id", justify="right"), Col("status"), Col("title", style="bold"), Col("owner"), Col("due"),
        Col("overdue", style_of=lambda v: "red" if v else None), Col("tickets"), Col("outcome"),
    ]


def _ids(values: list[str] | None) -> list[int]:
    from deskctl.errors import InvalidInput, quote

    out = []
    for value in values or []:
        for part in str(value).replace(",", " ").split():
            try:
                out.append(int(part.lstrip("#")))
            except ValueError:
                raise InvalidInput(_("--ticket {part} is not a ticket id").format(part=quote(part))) from None
    return out


TicketOpt = Annotated[
    list[str] | None, typer.Option("--ticket", "-t", help="Linked ticket id (repeat or comma-separate).")
]


@app.command("add")
def improve_add(
    title: Annotated[str, typer.Argument(help="Short name of the improvement.")],
    problem: Annotated[str, typer.Option("--problem", help="The problem found, with its evidence.")],
    action: Annotated[str, typer.Option("--action", help="What will be done about it.")],
    owner: Annotated[str, typer.Option("--owner", help="Who carries it out (staff handle).")],
    due: Annotated[str, typer.Option("--due", help="By when (YYYY-MM-DD, today, tomorrow).")],
    ticket: TicketOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Propose an improvement action (any staff member; the supervisor closes it)."""
    from deskctl import render
    from deskctl.services.people import improvements as svc
    from deskctl.timeparse import parse_date

    out = output_format(fmt, as_json)
    st = state()
    day = parse_date(due, tz=st.tz, now=st.clock.now())
    with st.write() as w:
        view = w.call(svc.add_improvement, title=title, problem=problem, action=action, owner=owner, due=day,
                      ticket_ids=_ids(ticket))
    render.emit(view, out, title=_("improvement {id} added").format(id=view["id"]))


@app.command("list")
def improve_list(
    status: Annotated[str, typer.Option("--status", help="open, done, dropped or all.")] = "open",
    owner: Annotated[str | None, typer.Option("--owner", help="Only this owner's.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open ones past their due date.")] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """Improvement actions, by due date (open ones unless --status says otherwise)."""
    from deskctl import render
    from deskctl.services.people import improvements as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        rows = r.call(svc.list_improvements, status=status.lower(), owner=owner, overdue_only=overdue)
    render.emit(rows, out, columns=_columns())


@app.command("show")
def improve_show(
    improvement_id: Annotated[int, typer.Argument(help="Improvement id.", parser=id_number)],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """One improvement with its linked tickets and their state."""
    from deskctl import render
    from deskctl.services.people import improvements as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(svc.show_improvement, improvement_id=improvement_id)

    def tables(v: dict) -> Iterator[Table]:
        yield render.kv_table([(k, val) for k, val in v.items() if k != "linked_tickets"],
                              title=_("improvement {id}").format(id=v["id"]))
        if v["linked_tickets"]:
            yield render.rows_table(v["linked_tickets"], [render.Col("id", justify="right"), render.Col("status"),
                                                          render.Col("title")], title=N_("linked tickets"))

    render.emit(view, out, table=tables)


@app.command("update")
def improve_update(
    improvement_id: Annotated[int, typer.Argument(help="Improvement id.", parser=id_number)],
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    problem: Annotated[str | None, typer.Option("--problem", help="New problem statement.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="New action.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="New owner.")] = None,
    due: Annotated[str | None, typer.Option("--due", help="New due date.")] = None,
    ticket: TicketOpt = None,
    untick: Annotated[list[str] | None, typer.Option("--untick", help="Unlink a ticket id.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="dropped: close it unrealised (supervisor; "
                                                "needs --outcome).")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="Progress so far, or why it is dropped.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Change an open improvement (its owner or the supervisor)."""
    from deskctl import render
    from deskctl.services.people import improvements as svc
    from deskctl.timeparse import parse_date

    out = output_format(fmt, as_json)
    st = state()
    day = parse_date(due, tz=st.tz, now=st.clock.now()) if due else None
    with st.write() as w:
        view = w.call(svc.update_improvement, improvement_id=improvement_id, title=title, problem=problem,
                      action=action, owner=owner, due=day, add_tickets=_ids(ticket), remove_tickets=_ids(untick),
                      status=status, outcome=outcome)
    render.emit(view, out, title=_("improvement {id} updated").format(id=view["id"]))


@app.command("done")
def improve_done(
    improvement_id: Annotated[int, typer.Argument(help="Improvement id.", parser=id_number)],
    outcome: Annotated[str, typer.Option("--outcome", help="What the action achieved.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Close an improvement as done, with its outcome (supervisor only)."""
    from deskctl import render
    from deskctl.services.people import improvements as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.complete_improvement, improvement_id=improvement_id, outcome=outcome)
    render.emit(view, out, title=_("improvement {id} done").format(id=view["id"]))
