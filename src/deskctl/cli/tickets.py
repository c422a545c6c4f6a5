"""`deskctl ticket …`: the fault-report lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import (
    FormatOpt,
    JsonOpt,
    LimitOpt,
    SinceOpt,
    UntilOpt,
    ask,
    command_group,
    id_number,
    output_format,
)
from deskctl.cli.state import state
from deskctl.errors import InvalidInput

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table
    from rich.text import Text

    from deskctl.render import Col

app = command_group("Tickets: open, dispatch tier by tier, resolve, confirm.")

IdArg = Annotated[int, typer.Argument(help="Ticket number.", parser=id_number)]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the timeline).")]


def _list_columns() -> list[Col]:
    from deskctl.render import Col

    prio_style = {"P1": "bold red", "P2": "yellow", "P3": "", "P4": "dim"}
    return [
        Col("id", justify="right"),
        Col("priority", "prio", style_of=lambda v: prio_style.get(v)),
        Col("status"),
        Col("tier", justify="right"),
        Col("assignee"),
        Col("system"),
        Col("title"),
        Col("opened_at", "opened"),
        Col("due_at", "due"),
        Col("breached", style_of=lambda v: "bold red" if v else None),
    ]


def _summary(view: dict, verb: str) -> str:
    who = f", {view['assignee']}" if view.get("assignee") else ""
    return (f"ticket {view['id']} {verb}: {view['priority']} {view['status'].replace('_', ' ')}, "
            f"tier {view['tier']}{who}")


def _act(service: Callable[..., dict], verb: str, fmt: str, as_json: bool, **kwargs: Any) -> None:
    """Run one lifecycle use case in a write transaction and show the result."""
    from deskctl import render

    out = output_format(fmt, as_json)
    view = state().write_call(service, **kwargs)
    if out == "table":
        render.line(_summary(view, verb))
    else:
        render.emit(view, out)


@app.command("open")
def open_(
    title: Annotated[str, typer.Argument(help="One line saying what is wrong.")],
    reporter: Annotated[str | None, typer.Option("--reporter", help="Who reported it (user, department).")] = None,
    contact: Annotated[str, typer.Option("--contact", help="How to reach the reporter.")] = "",
    system: Annotated[str, typer.Option("--system", help="Affected system, e.g. vpn.")] = "",
    category: Annotated[str, typer.Option("--category", help="Fault category, e.g. network.")] = "",
    priority: Annotated[
        str | None, typer.Option("--priority", "-p", help="P1..P4 (else from impact × urgency).")
    ] = None,
    impact: Annotated[str | None, typer.Option("--impact", help="high, medium or low.")] = None,
    urgency: Annotated[str | None, typer.Option("--urgency", help="high, medium or low.")] = None,
    channel: Annotated[
        str, typer.Option("--channel", help="phone, email, walk-in, monitoring or inspection.")
    ] = "phone",
    description: Annotated[str, typer.Option("--description", "-d", help="Details.")] = "",
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record a fault report (priority given, or derived from --impact × --urgency)."""
    from deskctl.services.tickets import lifecycle as svc

    if priority and (impact or urgency):
        raise InvalidInput("give --priority or --impact/--urgency, not both")
    reporter = ask("Reporter", reporter)
    _act(svc.open_ticket, "opened", fmt, as_json, title=title, reporter=reporter,
         contact=contact, system=system, category=category, priority=priority, impact=impact,
         urgency=urgency, channel=channel, description=description)


@app.command("list")
def list_(
    status: Annotated[
        list[str] | None,
        typer.Option("--status", "-s", help="Status (repeatable or comma-separated); open (default) or all."),
    ] = None,
    priority: Annotated[str | None, typer.Option("--priority", "-p", help="Only this priority.")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", help="Only tickets assigned to this handle.")] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only tickets assigned to me.")] = False,
    system: Annotated[str | None, typer.Option("--system", help="Only this system.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    breached: Annotated[bool, typer.Option("--breached", help="Only tickets whose SLA is breached.")] = False,
    search: Annotated[str | None, typer.Option("--search", help="Text in title, description or reporter.")] = None,
    limit: LimitOpt = 50,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """List tickets, newest first (open ones unless --status says otherwise)."""
    from deskctl import render
    from deskctl.services.tickets.views import iter_tickets
    from deskctl.timeparse import parse_instant, parse_until

    out = output_format(fmt, as_json)
    if mine and assignee:
        raise InvalidInput("give --assignee or --mine, not both")
    st = state()
    now = st.clock.now()
    since_at = parse_instant(since, tz=st.tz, now=now) if since else None
    until_at = parse_until(until, tz=st.tz, now=now) if until else None
    with st.read() as r:
        rows = r.call(iter_tickets, statuses=status, priority=priority, assignee=r.actor if mine else assignee,
                      system=system, since=since_at, until=until_at, breached=breached, search=search, limit=limit)
        render.stream(rows, out, columns=_list_columns())


def _show_tables(view: dict) -> Iterator[Table | Text]:
    from deskctl import render
    from deskctl.timeparse import format_duration

    skip = {"sla", "timeline", "version"}
    fields = [(k, v) for k, v in view.items() if k not in skip and v not in (None, "", False)]
    yield render.kv_table(fields, title=f"ticket {view['id']}")
    sla_rows = [
        {
            "clock": name,
            "state": c["state"] if c.get("breach_recorded") is not False else "breached (not recorded)",
            "target": format_duration(c["target_seconds"]),
            "elapsed": format_duration(c["elapsed_seconds"]),
            "paused": format_duration(c["paused_seconds"]),
            "remaining": format_duration(c["remaining_seconds"]),
            "due_at": c["due_at"],
        }
        for name, c in view["sla"].items()
    ]
    state_style = {"breached": "bold red", "met": "green", "paused": "yellow"}
    yield render.rows_table(
        sla_rows,
        [render.Col("clock"), render.Col("state", style_of=state_style.get), render.Col("target"),
         render.Col("elapsed"), render.Col("paused"), render.Col("remaining"), render.Col("due_at", "due")],
        title="SLA",
    )
    for name, c in view["sla"].items():
        if c.get("breach_recorded") is False:
            yield render.safe(
                f"{name}: past its deadline, breach not yet recorded (the next `deskctl ticket sweep`, "
                "or any command on the ticket, records it)", style="yellow")
    timeline = [
        {
            "at": e["at"],
            "actor": e["actor"],
            "what": e["kind"],
            "change": f"{render.plain_text(e['from'])} → {render.plain_text(e['to'])}" if e["to"] else "",
            "details": "; ".join(f"{k}: {render.plain_text(v)}" for k, v in e["details"].items()),
        }
        for e in view["timeline"]
    ]
    yield render.rows_table(
        timeline,
        [render.Col("at"), render.Col("actor"), render.Col("what"), render.Col("change"), render.Col("details")],
        title="timeline",
    )


@app.command("show")
def show(ticket_id: IdArg, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Fields, SLA clocks (elapsed, paused, remaining) and the full timeline."""
    from deskctl import render
    from deskctl.services.tickets.views import show_ticket

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(show_ticket, ticket_id=ticket_id)
    render.emit(view, out, table=_show_tables, rows_key="timeline" if out in ("csv",) else None)


@app.command("assign")
def assign(
    ticket_id: IdArg,
    handle: Annotated[str, typer.Argument(help="Who takes it.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Dispatch a ticket to a person (it moves to their tier)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.assign_ticket, "assigned", fmt, as_json, ticket_id=ticket_id, handle=handle)


@app.command("ack")
def ack(ticket_id: IdArg, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Acknowledge a ticket assigned to you (stops the response clock)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.ack_ticket, "acknowledged", fmt, as_json, ticket_id=ticket_id)


@app.command("note")
def note(
    ticket_id: IdArg,
    text: Annotated[str, typer.Argument(help="The note.")],
    to_user: Annotated[bool, typer.Option("--to-user", help="Mark as feedback given to the reporting user.")] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Add a work note (or, with --to-user, record feedback given to the user)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.add_note, "noted", fmt, as_json, ticket_id=ticket_id, text=text, to_user=to_user)


@app.command("wait")
def wait(ticket_id: IdArg, reason: ReasonOpt, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Wait for the user or a third party (pauses the resolution clock)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.wait_ticket, "waiting", fmt, as_json, ticket_id=ticket_id, reason=reason)


@app.command("resume")
def resume(ticket_id: IdArg, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Resume work on a waiting ticket (restarts the resolution clock)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.resume_ticket, "resumed", fmt, as_json, ticket_id=ticket_id)


@app.command("escalate")
def escalate(
    ticket_id: IdArg,
    reason: ReasonOpt,
    to: Annotated[
        str | None, typer.Option("--to", help="Who takes it (default: least-loaded technician of the next tier).")
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Move a ticket up one tier and reassign it."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.escalate_ticket, "escalated", fmt, as_json, ticket_id=ticket_id, reason=reason, to=to)


@app.command("resolve")
def resolve(
    ticket_id: IdArg,
    resolution: Annotated[str, typer.Option("--resolution", help="What was wrong and what fixed it.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Mark the fault fixed (the user is then asked to confirm)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.resolve_ticket, "resolved", fmt, as_json, ticket_id=ticket_id, resolution=resolution)


@app.command("confirm")
def confirm(
    ticket_id: IdArg,
    rating: Annotated[
        int, typer.Option("--rating", help="The user's satisfaction, 1 (poor) to 5 (excellent).", min=1, max=5)
    ],
    comment: Annotated[str, typer.Option("--comment", help="The user's words.")] = "",
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record the reporting user's confirmation and rating; closes the ticket."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.confirm_ticket, "closed", fmt, as_json, ticket_id=ticket_id, rating=rating, comment=comment)


@app.command("reopen")
def reopen(ticket_id: IdArg, reason: ReasonOpt, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """The user is not satisfied: back to in progress (the reopen count is kept)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.reopen_ticket, "reopened", fmt, as_json, ticket_id=ticket_id, reason=reason)


@app.command("close")
def close(
    ticket_id: IdArg,
    reason: ReasonOpt,
    unconfirmed: Annotated[
        bool, typer.Option("--unconfirmed", help="Required: close without the user's confirmation.")
    ] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Close a resolved ticket without the user's confirmation (flagged unconfirmed)."""
    from deskctl.services.tickets import lifecycle as svc

    if not unconfirmed:
        raise InvalidInput(
            f"closing needs the user's confirmation (`deskctl ticket confirm {ticket_id} --rating N`); "
            "to close without it, say --unconfirmed"
        )
    _act(svc.close_unconfirmed, "closed unconfirmed", fmt, as_json, ticket_id=ticket_id, reason=reason)


@app.command("cancel")
def cancel(
    ticket_id: IdArg,
    reason: ReasonOpt,
    duplicate_of: Annotated[
        int | None, typer.Option("--duplicate-of", help="The ticket this one duplicates.", parser=id_number)
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Cancel an open ticket (opened by mistake, or a duplicate)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.cancel_ticket, "cancelled", fmt, as_json, ticket_id=ticket_id, reason=reason,
         duplicate_of=duplicate_of)


@app.command("sweep")
def sweep(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Cron: record SLA breaches, escalate response breaches once, close stale resolved tickets.

    Prints one line per action, nothing when there was nothing to do.
    """
    from deskctl import render
    from deskctl.services.tickets.sweep import sweep as run_sweep

    out = output_format(fmt, as_json)
    with state().write() as w:
        actions = w.call(run_sweep)
    if out == "table":
        for a in actions:
            render.line(f"ticket {a['ticket']}: {a['action'].replace('_', ' ')} ({a['detail']})")
    else:
        render.emit(actions, out)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV (with a header row) or JSON list; - for stdin.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Import tickets from CSV or JSON: all of them or, on the first bad row, none."""
    import sys

    from deskctl import render
    from deskctl.services.tickets.importer import import_tickets, read_rows

    out = output_format(fmt, as_json)
    text = sys.stdin.read() if str(file) == "-" else None
    rows = read_rows(file, text)
    with state().write() as w:
        result = w.call(import_tickets, rows=rows, progress=lambda items: render.progress(items, "importing"))
    if out == "table":
        render.line(f"imported {result['imported']} tickets ({result['first_id']}–{result['last_id']})")
    else:
        render.emit(result, out)
