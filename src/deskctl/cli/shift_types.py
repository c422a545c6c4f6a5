"""`deskctl shift type …`: shift types with local start and end and a minimum staffing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, command_group, output_format
from deskctl.cli.state import state
from deskctl.i18n import _

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table

    from deskctl.render import Col

app = command_group("Shift types: local start and end, minimum staffing, on-call team.")

TeamOpt = Annotated[
    str | None,
    typer.Option("--team", help="On-call rota of this team: tier2, tier3 (or 2, 3), or a name with --tier."),
]
TierOpt = Annotated[int | None, typer.Option("--tier", help="Tier the team is on call for (2 or 3).")]


def _type_columns() -> list[Col]:
    from deskctl.render import Col

    return [
        Col("name", style="bold"), Col("start"), Col("end"), Col("crosses_midnight", "overnight"),
        Col("night"), Col("min_staff", "min staff", justify="right"), Col("active"),
        Col("team"), Col("tier", justify="right"),
    ]


def _team_text(row: dict[str, Any]) -> str:
    """The table's team column: desk, tier2, or network (3) for a team named freely."""
    if row["team"] is None:
        return "desk"
    return row["team"] if row["team"] == f"tier{row['tier']}" else f"{row['team']} ({row['tier']})"


def _types_table(rows: list[dict[str, Any]]) -> Iterator[Table]:
    from deskctl import render

    cols = [c for c in _type_columns() if c.key != "tier"]  # 80 columns: the tier is in the team's text
    yield render.rows_table([{**r, "team": _team_text(r)} for r in rows], cols)



# --- types ----------------------------------------------------------------------------------


@app.command("add")
def type_add(
    name: Annotated[str, typer.Argument(help="Type name, e.g. day or night.")],
    start: Annotated[str, typer.Option("--start", help="Local start, HH:MM (desk time zone).")],
    end: Annotated[str, typer.Option("--end", help="Local end, HH:MM; at or before the start = next day.")],
    min_staff: Annotated[int, typer.Option("--min-staff", help="People needed on this shift.")] = 1,
    team: TeamOpt = None,
    tier: TierOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Add a shift type (supervisor only): desk duty, or with --team an on-call rota for technicians."""
    from deskctl import render
    from deskctl.services.shifts import types as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.add_type, name=name, start=start, end=end, min_staff=min_staff, team=team, tier=tier)
    render.emit(view, out, title=_("added shift type {name}").format(name=view["name"]))


@app.command("list")
def type_list(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """List shift types."""
    from deskctl import render
    from deskctl.services.shifts import types as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        rows = r.call(svc.list_types)
    render.emit(rows, out, columns=_type_columns(), table=_types_table if rows else None)


@app.command("edit")
def type_edit(
    name: Annotated[str, typer.Argument(help="Type name.")],
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the type.")] = None,
    start: Annotated[str | None, typer.Option("--start", help="New local start, HH:MM.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="New local end, HH:MM.")] = None,
    min_staff: Annotated[int | None, typer.Option("--min-staff", help="New minimum staffing.")] = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--inactive", help="Retire the type (no planning, no gaps) or bring it back."),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option("--team", help="Make it an on-call rota (tier2, tier3, a name with --tier) or desk duty (desk)."),
    ] = None,
    tier: TierOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Change a shift type (supervisor only). Shifts already on the rota keep their times; a type with
    shifts keeps its team."""
    from deskctl import render
    from deskctl.services.shifts import types as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.edit_type, name=name, new_name=new_name, start=start, end=end, min_staff=min_staff,
                      active=active, team=team, tier=tier)
    render.emit(view, out, title=_("edited shift type {name}").format(name=view["name"]))


@app.command("remove")
def type_remove(name: Annotated[str, typer.Argument(help="Type name.")]) -> None:
    """Remove a shift type that no shift uses (supervisor only)."""
    from deskctl import render
    from deskctl.services.shifts import types as svc

    with state().write() as w:
        w.call(svc.remove_type, name=name)
    render.message(_("removed shift type {name}").format(name=name))


