"""`deskctl ticket …`: the fault-report lifecycle."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli import complete
from deskctl.cli.options import (
    FormatOpt,
    JsonOpt,
    LimitOpt,
    SinceOpt,
    UntilOpt,
    WideOpt,
    ask,
    command_group,
    id_number,
    output_format,
)
from deskctl.cli.state import state
from deskctl.errors import InvalidInput
from deskctl.i18n import N_, P_, _, by_shape, is_chinese, pgettext, value_name

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table
    from rich.text import Text

    from deskctl.render import Col

app = command_group("Tickets: open, dispatch tier by tier, resolve, confirm.")

IdArg = Annotated[
    int, typer.Argument(help="Ticket number.", parser=id_number, metavar="ID", autocompletion=complete.open_tickets)
]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (kept in the timeline; asked on a terminal).")]


def _list_columns() -> list[Col]:
    from deskctl.render import Col

    prio_style = {"P1": "bold red", "P2": "yellow", "P3": "", "P4": "dim"}
    # on a narrow terminal the highest priority numbers drop first (docs/design.md §13)
    return [
        Col("id", justify="right", priority=0),
        Col("priority", "prio", style_of=lambda v: prio_style.get(v), priority=0),
        Col("status", priority=1, min_width=11),
        Col("tier", justify="right", priority=6),
        Col("assignee", priority=2),
        Col("system", priority=5),
        Col("title", priority=0, flex=True),
        Col("opened_at", "opened", priority=4),
        Col("due_at", "due", priority=3),
        Col("breached", style_of=lambda v: "bold red" if v else None, priority=7),
    ]


def _reason(reason: str | None) -> str | None:
    return ask(_("Reason"), reason, option="--reason")


# fields of a ticket as `ticket open` sums them up and `ticket show` lists them (the others are
# table headers already)
FIELD_NAMES = (N_("reporter"), N_("contact"), N_("description"), N_("resolution"))
CLOCKS = (P_("clock", "response"), P_("clock", "resolution"))  # the SLA clocks, by name

# what a change did, as its summary line says it
VERBS = (
    P_("done", "opened"), P_("done", "assigned"), P_("done", "acknowledged"), P_("done", "noted"),
    P_("done", "waiting"), P_("done", "resumed"), P_("done", "escalated"), P_("done", "released"),
    P_("done", "resolved"), P_("done", "closed"), P_("done", "reopened"), P_("done", "closed unconfirmed"),
    P_("done", "cancelled"),
)


def _summary(view: dict, verb: str) -> str:
    """`ticket 1 assigned: P4 assigned, tier 2, li` (工单 1 已派单：P4 已派单，第 2 线，li)."""
    who = f", {view['assignee']}" if view.get("assignee") else ""
    picked = f" ({value_name(view['picked'])})" if view.get("picked") not in (None, "named") else ""
    status = value_name(view["status"]) if is_chinese() else view["status"].replace("_", " ")
    return _("ticket {id} {verb}: {priority} {status}, tier {tier}").format(
        id=view["id"], verb=pgettext("done", verb), priority=view["priority"], status=status, tier=view["tier"]
    ) + (who.replace(", ", _(", ")) + picked)


def _act(service: Callable[..., dict], verb: str, fmt: str, as_json: bool, **kwargs: Any) -> None:
    """Run one lifecycle use case in a write transaction and show the result."""
    from deskctl import render

    out = output_format(fmt, as_json)
    view = state().write_call(service, **kwargs)
    if out == "table":
        render.line(_summary(view, verb))
    else:
        render.emit(view, out)


TitleArg = Annotated[str | None, typer.Argument(help="One line saying what is wrong.", metavar="TITLE")]
ReporterOpt = Annotated[str | None, typer.Option("--reporter", "-r", help="Who reported it (user, department).")]
ContactOpt = Annotated[str | None, typer.Option("--contact", "-c", help="How to reach the reporter.")]
SystemOpt = Annotated[str | None, typer.Option("--system", "-s", help="Affected system, e.g. vpn.")]
CategoryOpt = Annotated[str | None, typer.Option("--category", "-C", help="Fault category, e.g. network.")]
PriorityOpt = Annotated[str | None, typer.Option("--priority", "-p", help="P1..P4 (else from impact × urgency).",
                                                  autocompletion=complete.choices(complete.PRIORITIES))]
ImpactOpt = Annotated[str | None, typer.Option("--impact", "-i", help="high, medium or low.",
                                                autocompletion=complete.choices(complete.LEVELS))]
UrgencyOpt = Annotated[str | None, typer.Option("--urgency", "-u", help="high, medium or low.",
                                                 autocompletion=complete.choices(complete.LEVELS))]
ChannelOpt = Annotated[
    str | None, typer.Option("--channel", help="phone, email, walk-in, monitoring or inspection.",
                             autocompletion=complete.choices(complete.CHANNELS))
]
DescriptionOpt = Annotated[str | None, typer.Option("--description", "-d", help="Details.")]


@app.command("open")
def open_(
    title: TitleArg = None,
    reporter: ReporterOpt = None,
    contact: ContactOpt = None,
    system: SystemOpt = None,
    category: CategoryOpt = None,
    priority: PriorityOpt = None,
    impact: ImpactOpt = None,
    urgency: UrgencyOpt = None,
    channel: ChannelOpt = None,
    description: DescriptionOpt = None,
    template: Annotated[
        str | None, typer.Option("--template", "-t", help="Start from a saved template (`ticket template list`).",
                                 autocompletion=complete.templates)
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record a fault report (priority given, or derived from --impact × --urgency).

    On a terminal what is missing is asked for; without one nothing is asked.
    """
    import sys

    from deskctl import render
    from deskctl.cli.options import interactive
    from deskctl.services.tickets import lifecycle as svc
    from deskctl.services.tickets.similar import resolution_hints, similar_open

    out = output_format(fmt, as_json)
    if priority and (impact or urgency):
        raise InvalidInput(_("give --priority or --impact/--urgency, not both"))
    fields: dict[str, Any] = {}
    if template:
        from deskctl.services.tickets.templates import template_fields

        with state().read() as r:
            fields = r.call(template_fields, name=template)
        if priority or impact or urgency:  # the call's own priority wins over the template's
            fields.pop("priority", None), fields.pop("impact", None), fields.pop("urgency", None)
    given = {"title": title, "reporter": reporter, "contact": contact, "system": system, "category": category,
             "priority": priority, "impact": impact, "urgency": urgency, "channel": channel,
             "description": description}
    fields.update({k: v for k, v in given.items() if v is not None})
    if interactive() and not (fields.get("title") and fields.get("reporter")):
        _walk_fields(fields)
    fields["title"] = ask(_("Title"), fields.get("title"), option="TITLE")
    fields["reporter"] = ask(_("Reporter"), fields.get("reporter"), option="--reporter")
    with state().write() as w:
        view = w.call(svc.open_ticket, **{k: v for k, v in fields.items() if v is not None})
        similar = w.call(similar_open, ticket_id=view["id"])
        hints = w.call(resolution_hints, ticket_id=view["id"])
    view["similar_open"], view["resolution_hints"] = similar, hints
    if out == "table":
        typer.echo(render.visible(_summary(view, "opened")))
    else:
        render.emit(view, out)
    if not render.on_terminal(sys.stderr):
        return  # hints are for the officer at the terminal; scripts read them in the JSON
    for other in similar:
        who = (_("assigned to {assignee}").format(assignee=other["assignee"]) if other["assignee"]
               else _("not assigned"))
        render.message(_("similar open: #{id} {title} ({who})").format(id=other["id"], title=other["title"], who=who))
    for hint in hints:
        render.message(_("fixed before: #{id} {resolution}").format(
            id=hint["id"], resolution=" ".join(hint["resolution"].split())[:100]))


def _walk_fields(fields: dict[str, Any]) -> None:
    """On a terminal: ask for each missing field in order, then confirm the summary."""
    from deskctl import render
    from deskctl.cli.options import ask_choice, confirm
    from deskctl.domain.ticket_states import LEVELS
    from deskctl.render import NAMED_VALUES

    for key, label, option in (("title", N_("Title"), "TITLE"), ("reporter", N_("Reporter"), "--reporter")):
        fields[key] = ask(_(label), fields.get(key), option=option)
    for key, label in (("contact", N_("Contact")), ("system", N_("System"))):
        if fields.get(key) is None:
            fields[key] = typer.prompt(_(label), default="", show_default=False, err=True).strip() or None
    if not fields.get("priority"):
        for key, label in (("impact", N_("Impact")), ("urgency", N_("Urgency"))):
            if not fields.get(key):
                fields[key] = ask_choice(_(label), LEVELS, "medium")
    shown = _(", ").join(f"{_(k)} {value_name(v) if k in NAMED_VALUES else v}" for k, v in fields.items() if v)
    render.message(_("ticket: {fields}").format(fields=shown))
    if not confirm(_("Open it?"), default=True):
        render.message(_("not opened"))
        raise typer.Exit(1)


@app.command("edit")
def edit(
    ticket_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title (one line).")] = None,
    reporter: ReporterOpt = None,
    contact: ContactOpt = None,
    system: SystemOpt = None,
    category: CategoryOpt = None,
    priority: PriorityOpt = None,
    impact: ImpactOpt = None,
    urgency: UrgencyOpt = None,
    channel: ChannelOpt = None,
    description: DescriptionOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Correct fields of a ticket not yet closed; each change goes in the timeline (old → new).

    A new priority (or impact/urgency) recomputes the SLA deadlines from the opening instant.
    """
    from deskctl import render
    from deskctl.services.tickets.edit import edit_ticket

    out = output_format(fmt, as_json)
    view = state().write_call(edit_ticket, ticket_id=ticket_id, title=title, reporter=reporter, contact=contact,
                              system=system, category=category, priority=priority, impact=impact,
                              urgency=urgency, channel=channel, description=description)
    if out != "table":
        render.emit(view, out)
        return
    for change in view["changes"]:
        old = render.plain_text(change["from"]) or _("(empty)")
        new = render.plain_text(change["to"]) or _("(empty)")
        typer.echo(render.visible(_("ticket {id} {field}: {old} → {new}").format(
            id=view["id"], field=_(change["field"]), old=old, new=new)))
    if view["sla_recomputed"]:
        response, resolution = view["response_due_at"], view["resolution_due_at"]
        render.message(_("SLA recomputed from the opening for {priority}: response {response}, resolution "
                         "{resolution}").format(
            priority=view["priority"],
            response=_("due {at}").format(at=render.instant(response)) if response else _("clock stopped"),
            resolution=(_("due {at}").format(at=render.instant(resolution)) if resolution
                        else _("clock paused or stopped"))))


@app.command("list")
def list_(
    status: Annotated[
        list[str] | None,
        typer.Option("--status", "-s", help="Status (repeatable or comma-separated); open (default) or all."),
    ] = None,
    priority: Annotated[str | None, typer.Option("--priority", "-p", help="Only this priority.")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", help="Only tickets assigned to this handle.",
                                                                 autocompletion=complete.handles)] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only tickets assigned to me.")] = False,
    system: Annotated[str | None, typer.Option("--system", help="Only this system.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    breached: Annotated[bool, typer.Option("--breached", help="Only tickets whose SLA is breached.")] = False,
    search: Annotated[
        str | None,
        typer.Option("--search", help="Text in title, description, reporter, notes or resolution (Chinese too)."),
    ] = None,
    reporter: Annotated[
        str | None, typer.Option("--reporter", "-r", help="Only tickets from this reporter (part of the name).")
    ] = None,
    limit: LimitOpt = 50,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """List tickets, newest first (open ones unless --status says otherwise)."""
    from deskctl import render
    from deskctl.services.tickets.views import iter_tickets
    from deskctl.timeparse import parse_instant, parse_until

    out = output_format(fmt, as_json)
    if mine and assignee:
        raise InvalidInput(_("give --assignee or --mine, not both"))
    st = state()
    now = st.clock.now()
    since_at = parse_instant(since, tz=st.tz, now=now) if since else None
    until_at = parse_until(until, tz=st.tz, now=now) if until else None
    with st.read() as r:
        rows = r.call(iter_tickets, statuses=status, priority=priority, assignee=r.actor if mine else assignee,
                      system=system, since=since_at, until=until_at, breached=breached, search=search, limit=limit,
                      reporter=reporter)
        columns = _list_columns()
        if search:
            columns.insert(columns.index(next(c for c in columns if c.key == "title")) + 1,
                           render.Col("match", priority=0, flex=True))
        render.stream(rows, out, columns=columns)


def _value(value: object, kind: str) -> str:
    """A timeline's from/to: a state by its name; what an `edited` event changed, as typed."""
    from deskctl import render

    text = render.plain_text(value)
    return value_name(text) if isinstance(value, str) and kind != "edited" else text


def _show_tables(view: dict) -> Iterator[Table | Text]:
    from deskctl import render
    from deskctl.timeparse import format_duration

    skip = {"sla", "timeline", "version"}
    fields = [(k, v) for k, v in view.items() if k not in skip and v not in (None, "", False)]
    yield render.kv_table(fields, title=_("ticket {id}").format(id=view["id"]))
    sla_rows = [
        {
            "clock": pgettext("clock", name),
            "state": c["state"] if c.get("breach_recorded") is not False else P_("value", "breached (not recorded)"),
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
        [render.Col("clock"), render.Col("state", style_of=state_style.get, priority=0),
         render.Col("target", "limit", priority=3), render.Col("elapsed", priority=4), render.Col("paused", priority=5),
         render.Col("remaining", priority=2), render.Col("due_at", "due", priority=1)],
        title=N_("SLA"),
    )
    for name, c in view["sla"].items():
        if c.get("breach_recorded") is False:
            yield render.safe(_(
                "{clock}: past its deadline, breach not yet recorded (the next `deskctl ticket sweep`, "
                "or any command on the ticket, records it)").format(clock=pgettext("clock", name)), style="yellow")
    timeline = [
        {
            "at": e["at"],
            "actor": e["actor"],
            "what": value_name(e["kind"]),
            "change": (f"{_value(e['from'], e['kind'])} {render.arrow()} {_value(e['to'], e['kind'])}"
                       if e["to"] else ""),
            "details": "; ".join(f"{render.field_label(k)}: {render.plain_text(v)}" for k, v in e["details"].items()),
        }
        for e in view["timeline"]
    ]
    yield render.rows_table(
        timeline,
        [render.Col("at", priority=0), render.Col("actor", priority=2), render.Col("what", priority=0),
         render.Col("change", priority=1, flex=True), render.Col("details", priority=0, flex=True)],
        title=N_("timeline"),
    )


@app.command("show")
def show(ticket_id: IdArg, fmt: FormatOpt = "table", as_json: JsonOpt = False, wide: WideOpt = False) -> None:
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
    handle: Annotated[str, typer.Argument(help="Who takes it.", metavar="HANDLE", autocompletion=complete.handles)],
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
def wait(ticket_id: IdArg, reason: ReasonOpt = None, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Wait for the user or a third party (pauses the resolution clock)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.wait_ticket, "waiting", fmt, as_json, ticket_id=ticket_id, reason=_reason(reason))


@app.command("resume")
def resume(ticket_id: IdArg, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Resume work on a waiting ticket (restarts the resolution clock)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.resume_ticket, "resumed", fmt, as_json, ticket_id=ticket_id)


@app.command("escalate")
def escalate(
    ticket_id: IdArg,
    reason: ReasonOpt = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="Who takes it (default: the next tier's technician on call, else its least loaded).",
                     autocompletion=complete.handles),
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Move a ticket up one tier and reassign it (to whoever is on call for that tier)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.escalate_ticket, "escalated", fmt, as_json, ticket_id=ticket_id, reason=_reason(reason), to=to)


@app.command("release")
def release(
    ticket_id: IdArg,
    reason: ReasonOpt,
    to: Annotated[
        str | None, typer.Option("--to", help="The officer who takes it (default: the officer on duty now).")
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Hand a ticket back to the desk, tier 1 (its assignee or a supervisor)."""
    from deskctl.services.tickets import handback as svc

    _act(svc.release_ticket, "released", fmt, as_json, ticket_id=ticket_id, reason=reason, to=to)


@app.command("resolve")
def resolve(
    ticket_id: IdArg,
    resolution: Annotated[
        str | None, typer.Option("--resolution", help="What was wrong and what fixed it (asked on a terminal).")
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Mark the fault fixed (the user is then asked to confirm)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.resolve_ticket, "resolved", fmt, as_json, ticket_id=ticket_id,
         resolution=ask(_("Resolution"), resolution, option="--resolution"))


@app.command("confirm")
def confirm(
    ticket_id: IdArg,
    rating: Annotated[
        int | None,
        typer.Option("--rating", help="The user's satisfaction, 1 (poor) to 5 (excellent); none if not given.",
                     min=1, max=5),
    ] = None,
    comment: Annotated[str, typer.Option("--comment", help="The user's words.")] = "",
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record the reporting user's confirmation (and rating, when given); closes the ticket."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.confirm_ticket, "closed", fmt, as_json, ticket_id=ticket_id, rating=rating, comment=comment)


@app.command("reopen")
def reopen(ticket_id: IdArg, reason: ReasonOpt = None, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """The user is not satisfied: back to in progress (the reopen count is kept)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.reopen_ticket, "reopened", fmt, as_json, ticket_id=ticket_id, reason=_reason(reason))


@app.command("close")
def close(
    ticket_id: IdArg,
    reason: ReasonOpt = None,
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
            _(
                "closing needs the user's confirmation (`deskctl ticket confirm {ticket_id} --rating N`); to "
                "close without it, say --unconfirmed"
            ).format(ticket_id=ticket_id)
        )
    _act(svc.close_unconfirmed, "closed unconfirmed", fmt, as_json, ticket_id=ticket_id, reason=_reason(reason))


@app.command("cancel")
def cancel(
    ticket_id: IdArg,
    reason: ReasonOpt = None,
    duplicate_of: Annotated[
        int | None, typer.Option("--duplicate-of", help="The ticket this one duplicates.", parser=id_number)
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Cancel an open ticket (opened by mistake, or a duplicate)."""
    from deskctl.services.tickets import lifecycle as svc

    _act(svc.cancel_ticket, "cancelled", fmt, as_json, ticket_id=ticket_id, reason=_reason(reason),
         duplicate_of=duplicate_of)


# what `ticket sweep` did (services/tickets/sweep.py: English in JSON), as its lines say it
SWEEP_ACTIONS = (N_("response breach recorded"), N_("resolution breach recorded"), N_("escalation impossible"),
                 N_("escalated"), N_("closed unconfirmed"), N_("notified"))
SWEEP_DETAILS = [
    (re.compile(r"due (?P<at>.+)"), N_("due {at}")),
    (re.compile(r"already at tier (?P<tier>\d+)"), N_("already at tier {tier}")),
    (re.compile(r"tier (?P<tier>\d+), assignee (?P<assignee>.+?); (?P<picked>.*)"),
     N_("tier {tier}, assignee {assignee}; {picked}")),
    (re.compile(r"resolved more than (?P<window>.+) ago"), N_("resolved more than {window} ago")),
    (re.compile(r"(?P<n>\d+) time-based notification\(s\) queued for `deskctl notify run`"),
     N_("{n} time-based notification(s) queued for `deskctl notify run`")),
]


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
            detail = by_shape(a["detail"], SWEEP_DETAILS, values=("picked",))
            render.line(_("ticket {id}: {action} ({detail})").format(
                id=a["ticket"], action=_(a["action"].replace("_", " ")), detail=detail))
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
        result = w.call(import_tickets, rows=rows, progress=lambda items: render.progress(items, _("importing")))
    if out == "table":
        render.line(_("imported {n} tickets ({first}–{last})").format(
            n=result["imported"], first=result["first_id"], last=result["last_id"]))
    else:
        render.emit(result, out)


template_app = command_group("Ticket templates: a frequent fault's fields under a name.")
app.add_typer(template_app, name="template")


@template_app.command("add")
def template_add(
    name: Annotated[str, typer.Argument(help="One word, e.g. vpn.", metavar="NAME")],
    title: Annotated[str, typer.Option("--title", help="The title tickets get.")],
    system: SystemOpt = None,
    category: CategoryOpt = None,
    priority: PriorityOpt = None,
    impact: ImpactOpt = None,
    urgency: UrgencyOpt = None,
    channel: ChannelOpt = None,
    description: DescriptionOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Keep a template: `ticket open --template NAME -r REPORTER` then opens it in one line."""
    from deskctl import render
    from deskctl.services.tickets.templates import add_template

    out = output_format(fmt, as_json)
    view = state().write_call(add_template, name=name, title=title, system=system or "", category=category or "",
                              priority=priority, impact=impact, urgency=urgency, channel=channel,
                              description=description or "")
    render.emit(view, out, title=_("template {name} added").format(name=view["name"]))


@template_app.command("list")
def template_list(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Every ticket template."""
    from deskctl import render
    from deskctl.services.tickets.templates import list_templates

    out = output_format(fmt, as_json)
    with state().read() as r:
        rows = r.call(list_templates)
    render.emit(rows, out, columns=[
        render.Col("name", priority=0), render.Col("title", priority=0, flex=True), render.Col("system", priority=1),
        render.Col("priority", "prio", priority=2), render.Col("impact", priority=3),
        render.Col("urgency", priority=3), render.Col("category", priority=4), render.Col("channel", priority=5)])


@template_app.command("remove")
def template_remove(
    name: Annotated[
        str, typer.Argument(help="The template's name.", metavar="NAME", autocompletion=complete.templates)
    ],
) -> None:
    """Remove a ticket template (tickets opened from it keep their fields)."""
    from deskctl import render
    from deskctl.services.tickets.templates import remove_template

    view = state().write_call(remove_template, name=name)
    render.message(_("template {name} removed").format(name=view["name"]))
