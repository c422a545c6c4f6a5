"""`deskctl staff …`: the desk's people and their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskctl.cli import records
from deskctl.cli.options import FormatOpt, JsonOpt, command_group, output_format
from deskctl.cli.state import state

if TYPE_CHECKING:
    from deskctl.render import Col

app = command_group("Staff: supervisors, duty officers and technicians.")


def _columns() -> list[Col]:
    from deskctl.render import Col

    return [
        Col("handle", style="bold"),
        Col("name"),
        Col("role"),
        Col("tier", justify="right"),
        Col("phone"),
        Col("active"),
    ]


@app.command("add")
def add(
    handle: Annotated[str, typer.Argument(help="Short login-like handle, e.g. zhang.")],
    name: Annotated[str, typer.Option("--name", help="Full name as people know it.")],
    role: Annotated[str, typer.Option("--role", help="supervisor, officer or technician.")],
    tier: Annotated[int | None, typer.Option("--tier", help="Support tier 1-3 (default 1).")] = None,
    phone: Annotated[str, typer.Option("--phone", help="Phone number.")] = "",
    db_login: Annotated[str | None, typer.Option("--db-login", help="Team mode: their database login.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Add a staff member (supervisor only; the very first member bootstraps a supervisor)."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.add_staff, handle=handle, name=name, role=role, tier=tier, phone=phone,
                      db_login=db_login)
    render.emit(view, out, title=f"added {view['handle']}")


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include deactivated members.")] = False,
    role: Annotated[str | None, typer.Option("--role", help="Only this role.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """List staff members."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        rows = r.call(svc.list_staff, include_inactive=all_, role=role)
    render.emit(rows, out, columns=_columns())


@app.command("show")
def show(
    handle: Annotated[str, typer.Argument(help="Staff handle.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Show one staff member, with their discipline and commendation records."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = svc.staff_view(svc.get_staff(r.session, handle))
        view["records"] = records.records_for(r, handle)
    render.emit(view, out, table=records.show_tables)


@app.command("edit")
def edit(
    handle: Annotated[str, typer.Argument(help="Staff handle.")],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="New role.")] = None,
    tier: Annotated[int | None, typer.Option("--tier", help="New tier 1-3.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="New phone.")] = None,
    db_login: Annotated[str | None, typer.Option("--db-login", help="Team mode: their database login.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Change a member's name, role, tier or phone (supervisor only)."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.edit_staff, handle=handle, name=name, role=role, tier=tier, phone=phone,
                      db_login=db_login)
    render.emit(view, out, title=f"edited {handle}")


@app.command("deactivate")
def deactivate(
    handle: Annotated[str, typer.Argument(help="Staff handle.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Deactivate a member: history is kept, they can no longer act (supervisor only)."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.deactivate_staff, handle=handle)
    render.emit(view, out, title=f"deactivated {handle}")


records.register(app)
