"""`deskctl shift …`: the 24-hour duty rota.

`shift swap` is one command with three forms, so both spellings of the spec work:
`shift swap 17 --with wang` (ask), `shift swap accept 1` / `shift swap decline 1` (answer),
and `shift swap list` (requests to and from you).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli import complete, shift_attendance, shift_types
from deskctl.cli.options import (
    FormatOpt,
    FromOpt,
    JsonOpt,
    ToOpt,
    WideOpt,
    command_group,
    id_number,
    output_format,
)
from deskctl.cli.state import state
from deskctl.errors import ExitCode, InvalidInput, quote
from deskctl.i18n import N_, _

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table
    from rich.text import Text

    from deskctl.render import Col

app = command_group("Duty rota: shift types, planning, on duty now, swaps, gaps, attendance, handover.")
app.add_typer(shift_types.app, name="type")

WhoOpt = Annotated[
    str | None,
    typer.Option("--who", help="Only this person's shifts (staff handle).", autocompletion=complete.handles),
]
TeamOpt = Annotated[
    str | None,
    typer.Option("--team", help="An on-call rota: a team name, or a tier (2, tier2); desk = desk duty."),
]


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def shift_columns() -> list[Col]:
    from deskctl.render import Col

    return [
        Col("id", justify="right"), Col("day"), Col("type", style="bold"), Col("who"),
        Col("start_at", "start"), Col("end_at", "end"), Col("hours", justify="right"),
        Col("clock_in_at", "in"), Col("clock_out_at", "out"),
        Col("attendance", style_of=lambda v: "red" if v and v not in ("ok", "on duty", "on call") else None),
    ]


# --- planning -------------------------------------------------------------------------------


def _plan_tables(view: dict[str, Any]) -> Iterator[Table]:
    from deskctl import render

    head = [(k, v) for k, v in view.items() if not isinstance(v, list) or k in ("types", "members")]
    title = N_("rota plan (dry run: nothing written)") if view["dry_run"] else N_("rota plan")
    yield render.kv_table(head, title=title)
    yield render.rows_table(view["balance"], [
        render.Col("who", style="bold"), render.Col("shifts", justify="right"),
        render.Col("nights", justify="right"), render.Col("weekends", justify="right"),
        render.Col("hours", justify="right"),
    ], title=N_("balance over the period (shifts already there included)"))
    if view["unfilled"]:
        yield render.rows_table(view["unfilled"], [render.Col(k) for k in ("day", "type", "start_at", "missing")],
                                title=N_("could not be filled (rest or double-booking)"))
    if view["skipped"]:
        yield render.rows_table(view["skipped"], [render.Col("day"), render.Col("type")],
                                title=N_("already planned, skipped (use --replace)"))
    if view["dry_run"]:
        yield render.rows_table(view["shifts"], [
            render.Col("day"), render.Col("type", style="bold"), render.Col("who"),
            render.Col("start_at", "start"), render.Col("end_at", "end"), render.Col("hours", justify="right"),
            render.Col("night"), render.Col("weekend"),
        ], title=N_("shifts"))


@app.command("plan")
def plan(
    from_: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD, desk zone).")],
    to: Annotated[str, typer.Option("--to", help="Last date, included.")],
    types: Annotated[list[str], typer.Option("--type", help="Shift type(s): day, or day,night.",
                                                             autocompletion=complete.shift_types)],
    members: Annotated[list[str], typer.Option("--members", help="Who rotates: zhang,wang,zhao.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and the balance; write nothing.")] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Re-plan dates already planned (shifts not yet started).")
    ] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Rotate members over a period: nights and weekends balanced, rest kept (supervisor only)."""
    from deskctl import render
    from deskctl.services.shifts import rota as svc
    from deskctl.timeparse import parse_date

    out = output_format(fmt, as_json)
    st = state()
    with st.read() if dry_run else st.write() as w:
        now = w.clock.now()
        view = w.call(svc.plan, first=parse_date(from_, tz=w.tz, now=now), last=parse_date(to, tz=w.tz, now=now),
                      types=_split(types), members=_split(members), dry_run=dry_run, replace=replace)
    render.emit(view, out, table=_plan_tables, rows_key="shifts")
    missing = sum(u["missing"] for u in view["unfilled"])
    if missing:
        render.warn(_("{missing} place(s) could not be filled without double-booking or short rest; "
                      "see `deskctl shift gaps`").format(missing=missing))


@app.command("assign")
def assign(
    day: Annotated[str, typer.Argument(help="Date (YYYY-MM-DD, today, tomorrow).")],
    type_name: Annotated[str, typer.Argument(metavar="TYPE", help="Shift type.", autocompletion=complete.shift_types)],
    handle: Annotated[str, typer.Argument(metavar="HANDLE", help="Who works it.", autocompletion=complete.handles)],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Put one person on one shift type on one date (supervisor only)."""
    from deskctl import render
    from deskctl.services.shifts import rota as svc
    from deskctl.timeparse import parse_date

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.assign, day=parse_date(day, tz=w.tz, now=w.clock.now()), type_name=type_name, handle=handle)
    render.emit(view, out, title=_("shift {id} assigned").format(id=view["id"]))


@app.command("unassign")
def unassign(
    target: Annotated[str, typer.Argument(help="Shift ID, or a date followed by TYPE and HANDLE.")],
    type_name: Annotated[str | None, typer.Argument(metavar="[TYPE]", help="Shift type (with a date).")] = None,
    handle: Annotated[str | None, typer.Argument(metavar="[HANDLE]", help="Who (with a date).")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Take a shift that has not started off the rota (supervisor only)."""
    from deskctl import render
    from deskctl.services.shifts import rota as svc
    from deskctl.services.shifts.views import get_shift
    from deskctl.timeparse import parse_date

    out = output_format(fmt, as_json)
    with state().write() as w:
        if target.isdigit() and type_name is None:
            shift = get_shift(w.session, int(target))
        elif type_name and handle:
            day = parse_date(target, tz=w.tz, now=w.clock.now())
            shift = svc.find_shift(w.session, day=day, type_name=type_name, handle=handle)
        else:
            raise InvalidInput(_("give a shift ID, or DATE TYPE HANDLE (e.g. 2026-12-01 night zhang)"))
        view = w.call(svc.unassign, shift=shift)
    render.emit(view, out, title=_("shift {id} unassigned").format(id=view["id"]))


@app.command("cover")
def cover(
    shift_id: Annotated[int, typer.Argument(metavar="ID", help="Shift ID.", parser=id_number)],
    by: Annotated[str, typer.Option("--by", help="Who takes the shift over.", autocompletion=complete.handles)],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Put someone else on a shift directly, no request needed (supervisor only)."""
    from deskctl import render
    from deskctl.services.shifts import rota as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.cover, shift_id=shift_id, handle=by)
    render.emit(view, out, title=_("shift {id} covered by {by}").format(id=shift_id, by=by))


# --- looking ------------------------------------------------------------------------------


@app.command("list")
def list_(
    from_: FromOpt = None,
    to: ToOpt = None,
    who: WhoOpt = None,
    type_name: Annotated[str | None, typer.Option("--type", help="Only this shift type.",
                                                           autocompletion=complete.shift_types)] = None,
    team: TeamOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """Shifts overlapping a window (default: today and the next 6 days), desk duty and on call."""
    from deskctl import render
    from deskctl.services.shifts import views as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        now = r.clock.now()
        window = svc.parse_window(from_, to, tz=r.tz, now=now, default_days=7)
        rows = r.call(svc.iter_shifts, now=now, window=window, who=who, type_name=type_name, team=team)
        render.stream(rows, out, columns=shift_columns())


@app.command("mine")
def mine(
    from_: FromOpt = None,
    to: ToOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """Your own shifts (default: today and the next 13 days)."""
    from deskctl import render
    from deskctl.services.shifts import views as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        now = r.clock.now()
        window = svc.parse_window(from_, to, tz=r.tz, now=now, default_days=14)
        rows = r.call(svc.list_shifts, now=now, window=window, who=r.actor)
    render.emit(rows, out, columns=shift_columns())


def _nobody(view: dict[str, Any]) -> str:
    return (_("NOBODY IS ON CALL NOW ({team})").format(team=view["team"]) if "team" in view
            else _("NOBODY IS ON DUTY NOW"))


def _now_tables(view: dict[str, Any]) -> Iterator[Table | Text]:
    from deskctl import render

    team = view.get("team")
    if view["nobody_on_duty"]:
        yield render.safe(_nobody(view), style="bold red")
    elif team:
        cols = [render.Col(k) for k in ("who", "type", "since", "until")]
        yield render.rows_table(view["on_duty"], cols, title=_("on call now ({team})").format(team=team))
    else:
        cols = [render.Col(k) for k in ("who", "type", "since", "until", "clocked_in_at", "attendance")]
        yield render.rows_table(view["on_duty"], cols, title=N_("on duty now"))
    yield render.kv_table(
        [(N_("next handover") if not team else N_("next change"), view["next_handover_at"] or _("nothing planned")),
         (N_("takes over"), _(", ").join(r["who"] for r in view["takes_over"]) or _("nobody planned"))],
    )
    if view.get("on_call"):
        yield render.rows_table(view["on_call"], [render.Col(k) for k in ("team", "who", "until")], title=N_("on call"))


@app.command("now")
def now(team: TeamOpt = None, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Who is on duty now (with --team: on call), until when, who takes over next (exit 0 even if nobody)."""
    from deskctl import render
    from deskctl.services.shifts import views as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(svc.duty_now, team=team)
    render.emit(view, out, table=_now_tables, rows_key="on_duty")
    if view["nobody_on_duty"] and out != "table":
        render.warn(_nobody(view))


@app.command("gaps")
def gaps(
    from_: FromOpt = None,
    to: ToOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="table, json, jsonl or csv (given: prints even when there is no gap)."),
    ] = None,
    team: TeamOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Desk duty intervals with fewer people than a type's minimum, or no type at all; with --team, an
    on-call rota's shortfalls (exit 1 if any; silent if none)."""
    from deskctl import render
    from deskctl.services.shifts import views as svc

    asked = fmt is not None or as_json
    out = output_format(fmt or "table", as_json)
    with state().read() as r:
        now = r.clock.now()
        window = svc.parse_window(from_, to, tz=r.tz, now=now, default_days=7, from_now=True)
        rows = r.call(svc.coverage_gaps, window=window, team=team)
    if rows or asked:
        render.stream(rows, out, columns=[
            render.Col("start_at", "from"), render.Col("end_at", "to"),
            render.Col("duration_seconds", "length", fmt=_duration), render.Col("type", style="bold"),
            render.Col("have", justify="right"), render.Col("need", justify="right"), render.Col("problem"),
        ])
    if rows:
        raise typer.Exit(ExitCode.CHECK_FOUND)


def _duration(seconds: Any) -> str:
    from deskctl.timeparse import format_duration

    return format_duration(seconds)


# --- swaps ----------------------------------------------------------------------------------


def _swap_columns() -> list[Col]:
    from deskctl.render import Col

    return [Col(k) for k in ("id", "shift_id", "day", "type", "start_at", "from", "to", "status", "created_at")]


@app.command("swap")
def swap(
    what: Annotated[
        str,
        typer.Argument(metavar="ID|accept|decline|list", help="A shift ID to give away, or accept / decline / list."),
    ],
    request: Annotated[
        int | None,
        typer.Argument(metavar="REQ", help="Swap request number (with accept or decline).", parser=id_number),
    ] = None,
    with_: Annotated[str | None, typer.Option("--with", help="Colleague asked to take the shift.",
                                                      autocompletion=complete.handles)] = None,
    everyone: Annotated[
        bool, typer.Option("--all", help="With list: every request, not just yours and pending.")
    ] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Swaps: `swap ID --with H` asks H to take your shift; H answers `swap accept REQ` or
    `swap decline REQ`; `swap list` shows pending requests to and from you."""
    from deskctl import render
    from deskctl.services.shifts import swaps as svc

    out = output_format(fmt, as_json)
    word = what.strip().lower()
    if word == "list":
        with state().read() as r:
            rows = r.call(svc.list_swaps, everyone=everyone, pending_only=not everyone)
        render.emit(rows, out, columns=_swap_columns())
        return
    if word in ("accept", "decline"):
        if request is None:
            raise InvalidInput(_(
                    "which request? `deskctl shift swap {word} REQ` (see `shift swap list`)"
                ).format(word=word))
        with state().write() as w:
            if word == "accept":
                view = w.call(svc.accept_swap, request_id=request)
            else:
                view = w.call(svc.decline_swap, request_id=request)
        done = (_("swap request {id} accepted") if view["status"] == "accepted"
                else _("swap request {id} declined") if view["status"] == "declined"
                else "swap request {id} " + view["status"])
        render.emit(view, out, title=done.format(id=request))
        return
    if not word.isdigit():
        raise InvalidInput(_("{what}: give a shift ID, or accept REQ, decline REQ, list").format(what=quote(what)))
    if not with_:
        raise InvalidInput(_("who should take it? `deskctl shift swap ID --with HANDLE`"))
    if request is not None:
        raise InvalidInput(_("a swap request takes one shift ID and --with HANDLE"))
    with state().write() as w:
        view = w.call(svc.request_swap, shift_id=int(word), with_handle=with_)
    render.emit(view, out, title=_("swap request {id} sent to {to}").format(id=view["id"], to=view["to"]))
    if out == "table":
        render.message(_("{to} answers with `deskctl shift swap accept {id}` (or decline)").format(
            to=view["to"], id=view["id"]))


shift_attendance.register(app)  # clock-in, clock-out, handover, takeover: listed here, after swap


# --- calendar -------------------------------------------------------------------------------


@app.command("export")
def export(
    ics: Annotated[str, typer.Option("--ics", metavar="FILE", help="Write an iCalendar file here ('-' = stdout).")],
    who: WhoOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Write shifts as an RFC 5545 calendar; each shift keeps its UID, so re-imports update."""
    import os
    from pathlib import Path

    from deskctl import render
    from deskctl.errors import Conflict
    from deskctl.services.shifts import views as svc
    from deskctl.store.location import refuse_own_files

    target = None if ics == "-" else Path(ics).expanduser()
    if target is not None:
        if target.is_dir():
            raise InvalidInput(_("{target} is a folder; give a file name").format(target=target))
        if not target.parent.is_dir():
            raise InvalidInput(_("folder {parent} does not exist; nothing written").format(parent=target.parent))
        own = state().db_file
        if own is not None:
            refuse_own_files(target, own, what="the calendar")
        if os.path.lexists(target) and not force:
            raise Conflict(_("{target} exists; pass --force to replace it").format(target=target))
    from deskctl.store.diagnose import storage_errors
    from deskctl.store.files import PartFile

    with state().read() as r:
        now = r.clock.now()
        window = svc.parse_window(from_, to, tz=r.tz, now=now, default_days=366) if from_ or to else None
        chunks = r.call(svc.ics_chunks, now=now, window=window, who=who)
        if target is None:
            for chunk in chunks:
                render.out_bytes(chunk)
            render.flush()
            return
        count = -2  # the calendar's head and end are chunks too
        with storage_errors(target, doing=f"write {target}"), PartFile(target) as part:
            for chunk in chunks:
                part.write(chunk)
                count += 1
            part.publish_or_refuse(target, force=force)
    render.message(_("wrote {count} shift(s) to {target}").format(count=count, target=target))
