"""`deskctl inspect …`: periodic inspections — plans, what is due (cron), runs and findings."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli import complete, options
from deskctl.cli.options import (
    FormatOpt,
    JsonOpt,
    SinceOpt,
    UntilOpt,
    WideOpt,
    command_group,
    id_number,
    output_format,
)
from deskctl.cli.state import state
from deskctl.errors import ExitCode, InvalidInput
from deskctl.i18n import N_, _, pgettext, value_name

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from rich.table import Table

    from deskctl.render import Col
    from deskctl.services.context import Unit

PlanArg = Annotated[str, typer.Argument(help="Plan name.", metavar="PLAN", autocompletion=complete.plans)]

app = command_group("Periodic inspections: plans, what is due, runs and findings.")
plan_app = command_group("Inspection plans: checklist, recurrence, owner (supervisor only).")
app.add_typer(plan_app, name="plan")

EveryOpt = Annotated[
    str,
    typer.Option("--every", help="daily HH:MM | weekly mon[,thu] HH:MM | monthly N HH:MM | every Nh | "
                                 "every Nm | an RRULE like FREQ=WEEKLY;BYDAY=MO;BYHOUR=10."),
]


def _plan_columns() -> list[Col]:
    from deskctl.render import Col

    return [Col("name", style="bold"), Col("target"), Col("schedule"), Col("owner"), Col("priority"),
            Col("status"), Col("items", justify="right"), Col("next_at", "next"),
            Col("last_run_at", "last run")]


def _due_columns() -> list[Col]:
    from deskctl.render import Col

    def state_style(value: Any) -> str | None:
        return "bold red" if value == "overdue" else "yellow"

    return [Col("plan", style="bold"), Col("target"), Col("due_at", "due"), Col("state", style_of=state_style),
            Col("overdue_at", "overdue after"), Col("owner"), Col("priority")]


def _history_columns() -> list[Col]:
    from deskctl.render import Col

    def state_style(value: Any) -> str | None:
        return {"missed": "bold red", "late": "yellow"}.get(value)

    return [Col("occurrence_at", "occurrence"), Col("plan", style="bold"), Col("target"),
            Col("state", style_of=state_style), Col("performed_at", "performed"), Col("by"),
            Col("ok", justify="right"), Col("failed", justify="right"), Col("skipped", justify="right"),
            Col("tickets"), Col("run", justify="right")]


def _result_columns() -> list[Col]:
    from deskctl.render import Col

    return [Col("n", justify="right"), Col("item"), Col("result"), Col("note"), Col("value"),
            Col("ticket_id", "ticket"), Col("ticket_action", "ticket action"),
            Col("ticket_status", "ticket status")]


def _plan_tables(view: dict[str, Any]) -> Iterator[Table]:
    from deskctl import render

    head = [(k, v) for k, v in view.items() if k not in ("checklist", "upcoming", "recent_runs", "open")]
    opened = view.get("open")
    head.append((N_("open occurrence"),
                 f"{_when(opened['due_at'])} ({value_name(opened['state'])})" if opened else ""))
    yield render.kv_table(head, title=_("inspection plan {name}").format(name=view["name"]))
    yield render.rows_table(view["checklist"], [render.Col("n", justify="right"), render.Col("text", "item")],
                            title=N_("checklist"))
    if view["upcoming"]:
        yield render.rows_table([{"at": t} for t in view["upcoming"]], [render.Col("at", "upcoming")])
    if view["recent_runs"]:
        yield render.rows_table(view["recent_runs"], _history_columns(), title=N_("recent runs"))


def _run_tables(view: dict[str, Any]) -> Iterator[Table]:
    from deskctl import render

    head = [(k, v) for k, v in view.items() if k not in ("results", "findings")]
    yield render.kv_table(head, title=_("inspection run {id}").format(id=view["id"]))
    yield render.rows_table(view["results"], _result_columns(), title=N_("results"))


def _when(value: datetime) -> str:
    """An instant as a short local time, for messages and table cells."""
    return value.astimezone(state().tz).strftime("%Y-%m-%d %H:%M")


def _until(text: str | None, r: Unit) -> Any:
    """An upper bound: a bare date is the end of that day."""
    from deskctl.timeparse import parse_until

    return parse_until(text, tz=r.tz, now=r.clock.now()) if text else None


def _instant(text: str | None, r: Unit) -> Any:
    from deskctl.timeparse import parse_instant

    return parse_instant(text, tz=r.tz, now=r.clock.now()) if text else None


# --- plans ---------------------------------------------------------------------------------


@plan_app.command("add")
def plan_add(
    name: Annotated[str, typer.Argument(help="Unique plan name, e.g. core-network.")],
    target: Annotated[str, typer.Option("--target", help="The system inspected (becomes the tickets' system).")],
    every: EveryOpt,
    item: Annotated[list[str], typer.Option("--item", help="A checklist item, in order (repeat).")],
    grace: Annotated[str, typer.Option("--grace", help="How long after the due time it becomes overdue.")] = "1h",
    owner: Annotated[
        str, typer.Option("--owner", help="A staff handle, or on-duty (whoever is on shift).")
    ] = "on-duty",
    priority: Annotated[str, typer.Option("--priority", help="Priority of tickets for findings, P1-P4.")] = "P3",
    start: Annotated[str | None, typer.Option("--start", help="Owes occurrences from this time (default now).")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Add an inspection plan (supervisor)."""
    from deskctl import render
    from deskctl.services.inspections import plans as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.add_plan, name=name, target=target, every=every, items=item, grace=grace, owner=owner,
                      priority=priority, start=_instant(start, w))
    render.emit(view, out, table=_plan_tables, rows_key="checklist")


@plan_app.command("list")
def plan_list(
    all_: Annotated[bool, typer.Option("--all", help="Include retired plans.")] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """List inspection plans with their next occurrence and last run."""
    from deskctl import render
    from deskctl.services.inspections import plans as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        rows = r.call(svc.list_plans, include_retired=all_)
    render.emit(rows, out, columns=_plan_columns())


@plan_app.command("show")
def plan_show(
    name: PlanArg,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Show a plan: checklist, schedule, upcoming occurrences and recent runs."""
    from deskctl import render
    from deskctl.services.inspections import plans as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(svc.show_plan, name=name)
    render.emit(view, out, table=_plan_tables, rows_key="checklist")


@plan_app.command("edit")
def plan_edit(
    name: PlanArg,
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the plan.")] = None,
    target: Annotated[str | None, typer.Option("--target", help="New target system.")] = None,
    every: Annotated[str | None, typer.Option("--every", help="New schedule (owed from now on).")] = None,
    item: Annotated[list[str] | None, typer.Option("--item", help="Replace the checklist (repeat).")] = None,
    add_item: Annotated[list[str] | None, typer.Option("--add-item", help="Append a checklist item (repeat).")] = None,
    grace: Annotated[str | None, typer.Option("--grace", help="New grace window, e.g. 30m.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="A staff handle, or on-duty.")] = None,
    priority: Annotated[str | None, typer.Option("--priority", help="Priority of findings, P1-P4.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Change a plan (supervisor); its history is kept."""
    from deskctl import render
    from deskctl.services.inspections import plans as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.edit_plan, name=name, new_name=new_name, target=target, every=every, items=item or None,
                      add_items=add_item or None, grace=grace, owner=owner, priority=priority)
    render.emit(view, out, table=_plan_tables, rows_key="checklist")


def _transition(action: str, name: str, fmt: str, as_json: bool) -> None:
    from deskctl import render
    from deskctl.services.inspections import plans as svc

    out = output_format(fmt, as_json)
    fn = {"pause": svc.pause_plan, "resume": svc.resume_plan, "remove": svc.remove_plan}[action]
    with state().write() as w:
        view = w.call(fn, name=name)
    render.emit(view, out, table=_plan_tables, rows_key="checklist")


@plan_app.command("pause")
def plan_pause(name: PlanArg, fmt: FormatOpt = "table",
               as_json: JsonOpt = False) -> None:
    """Pause a plan (supervisor): it owes nothing until resumed."""
    _transition("pause", name, fmt, as_json)


@plan_app.command("resume")
def plan_resume(name: PlanArg, fmt: FormatOpt = "table",
                as_json: JsonOpt = False) -> None:
    """Resume a paused plan (supervisor): it owes occurrences from now on."""
    _transition("resume", name, fmt, as_json)


@plan_app.command("remove")
def plan_remove(name: PlanArg, fmt: FormatOpt = "table",
                as_json: JsonOpt = False) -> None:
    """Retire a plan (supervisor); its runs and findings stay in the history."""
    _transition("remove", name, fmt, as_json)


# --- due ------------------------------------------------------------------------------------


@app.command("due")
def due(
    within: Annotated[
        str | None, typer.Option("--within", help="Also list occurrences this far ahead, e.g. 2h.")
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """For cron: occurrences due now without a run. Prints nothing when nothing is due; exit 1
    when something is overdue."""
    from deskctl import render
    from deskctl.services.inspections import plans as svc
    from deskctl.timeparse import parse_duration

    out = output_format(fmt, as_json)
    span = parse_duration(within) if within else timedelta(0)
    with state().read() as r:
        rows = r.call(svc.list_due, within=span)
    if rows or out != "table":
        render.emit(rows, out, columns=_due_columns())
    if any(row["state"] == "overdue" for row in rows):
        raise typer.Exit(ExitCode.CHECK_FOUND)


# --- runs -----------------------------------------------------------------------------------


def _read_results(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(_("results file {source} does not exist").format(source=source)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("cannot read results file {source}: {reason}").format(
            source=source, reason=getattr(exc, "strerror", None) or exc)) from None


# answers the checklist walk accepts besides the service's words (ok, pass, fail, skip, …): the
# officer's own, in any interface language
ANSWERS = {"通过": "ok", "正常": "ok", "失败": "fail", "异常": "fail", "跳过": "skipped"}


def _answer(text: str) -> tuple[str | None, str]:
    """(result, note) of an answer such as `fail: Gi0/12 down`, `失败：端口断开` or `跳过`."""
    from deskctl.services.inspections.runs import RESULTS

    word, _sep, note = text.replace("：", ":").partition(":")
    word = word.strip().lower()
    return RESULTS.get(word) or ANSWERS.get(word), note.strip()


def _ask_results(prep: dict) -> list[dict] | None:
    """Walk the checklist on a terminal: one prompt per item, a summary, confirm."""
    from deskctl import render

    items = prep["checklist"]
    render.message(_("inspection {plan} ({target}), occurrence {at}: {n} item(s)").format(
        plan=prep["plan"], target=prep["target"], at=_when(prep["occurrence_at"]), n=len(items)))
    entries = []
    for item in items:
        while True:
            answer = typer.prompt(f"[{item['n']}/{len(items)}] {render.visible(item['text'])} — "
                                  + _("ok, fail or skip"), default="ok")
            result, note = _answer(answer)
            if result:
                break
            render.message(_("answer ok, fail or skip (optionally followed by ': note')"))
        if result == "fail" and not note:
            note = typer.prompt("  " + _("what is wrong (note)"), default="", show_default=False).strip()
        entries.append({"n": item["n"], "result": result, "note": note, "value": "",
                        "where": f"item {item['n']}"})
    summary = [{"n": e["n"], "item": i["text"], "result": e["result"], "note": e["note"]}
               for e, i in zip(entries, items, strict=True)]
    render.print_renderables(render.rows_table(summary, [render.Col("n"), render.Col("item"),
                                                         render.Col("result"), render.Col("note")]))
    if not options.confirm(_("Record this run?"), default=True, err=False):
        render.message(_("nothing recorded"))
        return None
    return entries


@app.command("run")
def run(
    plan: PlanArg,
    at: Annotated[str | None, typer.Option("--at", help="The occurrence to record (default: the open one).")] = None,
    ok: Annotated[list[str] | None, typer.Option("--ok", help="Items that passed: 1,3 (or all for the rest).")] = None,
    fail: Annotated[
        list[str] | None, typer.Option("--fail", help="A failed item with a note: 2:\"Gi0/12 down\" (repeat).")
    ] = None,
    skip: Annotated[list[str] | None, typer.Option("--skip", help="Items skipped: 4,5.")] = None,
    results: Annotated[str | None, typer.Option("--results", help="JSON results file, or - for stdin.")] = None,
    no_ticket: Annotated[bool, typer.Option("--no-ticket", help="Do not open tickets for failed items.")] = False,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Record an inspection run; each failed item opens a ticket (all or nothing).

    On a terminal without --ok/--fail/--skip/--results it walks the checklist item by item.
    """
    from deskctl import render
    from deskctl.services.inspections import runs as svc

    out = output_format(fmt, as_json)
    given = bool(ok or fail or skip)
    if results is not None and given:
        raise InvalidInput(_("give either --results or --ok/--fail/--skip, not both"))
    st = state()
    entries: list[dict] | None = None
    if results is not None:
        entries = svc.results_from_document(_read_results(results))
    elif given:
        entries = svc.results_from_options(ok or [], fail or [], skip or [])
    when = None
    if entries is None:
        if not options.interactive():
            raise InvalidInput(_(
                    "no results given: pass --ok/--fail/--skip or --results FILE (no terminal to walk the "
                    "checklist on)"
                ))
        with st.read() as r:
            when = _instant(at, r)
            prep = r.call(svc.prepare_run, plan=plan, at=when)
        entries = _ask_results(prep)
        if entries is None:
            return
        when = prep["occurrence_at"]
    with st.write() as w:
        if when is None:
            when = _instant(at, w)
        view = w.call(svc.run_inspection, plan=plan, entries=entries, at=when, no_ticket=no_ticket)
    render.emit(view, out, table=_run_tables, rows_key="results")
    for finding in view["findings"]:
        if finding["ticket_id"]:
            render.message(_("item {n} failed: ticket {ticket} {action}").format(
                n=finding["n"], ticket=finding["ticket_id"], action=pgettext("done", finding["ticket_action"])))


@app.command("show")
def show(
    run_id: Annotated[int, typer.Argument(help="Run number (see `inspect history`).", parser=id_number)],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Show one recorded run: every item's result, the findings and their tickets' current state."""
    from deskctl import render
    from deskctl.services.inspections import runs as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(svc.show_run, run_id=run_id)
    render.emit(view, out, table=_run_tables, rows_key="results")


@app.command("history")
def history(
    plan: Annotated[str | None, typer.Option("--plan", help="Only this plan.", autocompletion=complete.plans)] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    state_: Annotated[str | None, typer.Option("--state", help="Only on_time, late or missed.")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", help="At most this many rows.", parser=id_number)
    ] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """Runs and missed occurrences, newest first (default: the last 30 days)."""
    from deskctl import render
    from deskctl.services.inspections import history as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        rows = r.call(svc.history, plan=plan, since=_instant(since, r), until=_until(until, r), state=state_,
                      limit=limit)
    render.stream(rows, out, columns=_history_columns())
