"""`deskctl report …`: daily page, SLA, tickets, inspections, attendance, training, recurring, performance.

Every report takes `--period` or `--from/--to` and `--format table|json|jsonl|csv|md`.
Services compute the view; this module only chooses how it looks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import (
    FromOpt,
    JsonOpt,
    PeriodOpt,
    ToOpt,
    command_group,
    id_number,
    output_format,
)
from deskctl.cli.state import state
from deskctl.i18n import N_, _

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table

app = command_group("Reports and performance assessment.")

ReportFormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", help="Output format: table, json, jsonl, csv or md.", case_sensitive=False),
]


def _format(fmt: str, as_json: bool) -> str:
    return output_format(fmt, as_json, documents=True)


def _build(build: Callable[..., dict], period: str | None, from_: str | None, to: str | None, *,
           date_: str | None = None, default: str = "month", **extra: Any) -> dict:
    """Resolve the period in the desk zone and run one report's `build`."""
    from deskctl.services.reports.common import resolve_period

    st = state()
    now = st.clock.now()
    span = resolve_period(period=period, from_=from_, to=to, date_=date_, tz=st.tz, now=now, default=default)
    return st.read_call(build, now=now, period=span, **extra)


# --- presentation helpers ------------------------------------------------------------------


# Titles and labels of the report tables, marked for translation (render translates a table's
# title and its field names when it shows them; JSON, CSV and Markdown keep them as here).
LABELS = (
    N_("tickets"), N_("backlog by priority"), N_("backlog by age"), N_("SLA breaches"), N_("inspections"),
    N_("inspections missed or overdue"), N_("findings"), N_("on duty"),
    N_("attendance (shifts that started in the period and have ended)"), N_("handovers"),
    N_("tickets opened per day"), N_("compliance by priority"), N_("breaches"), N_("total"), N_("plans"),
    N_("missed or overdue"), N_("attendance"), N_("anomalies"), N_("period"), N_("from"), N_("to"), N_("generated"),
    N_("audit anchor"), N_("daily"), N_("sla"), N_("performance"), N_("opened"), N_("resolved"), N_("closed"),
    N_("cancelled"), N_("flagged"), N_("backlog"), N_("by age"), N_("by priority"), N_("age"), N_("as of"),
    N_("attendance anomalies"), N_("clock in at"), N_("clock out at"), N_("created at"), N_("day"), N_("done"),
    N_("end at"), N_("findings open"), N_("handle"), N_("id"), N_("inspections missed"), N_("label"), N_("late"),
    N_("missed"), N_("name"), N_("note"), N_("occurrence at"), N_("on time"), N_("overdue"), N_("owner"),
    N_("owner rule"), N_("plan"), N_("report"), N_("schedule known"), N_("state"), N_("taken over"),
    N_("taken over at"), N_("taken over by"), N_("target"), N_("timezone"), N_("type"), N_("start at"),
    N_("priority"), N_("status"), N_("assignee"), N_("title"), N_("clock"), N_("breached at"), N_("ticket id"),
    N_("mtta"), N_("response met"), N_("response breached"), N_("response pending"), N_("response compliance %"),
    N_("resolution met"), N_("resolution breached"), N_("resolution pending"), N_("resolution compliance %"),
    N_("ttr mean"), N_("shifts"), N_("scheduled"), N_("worked"), N_("early"), N_("no show"), N_("score"),
    N_("efficiency"), N_("quality"), N_("discipline"), N_("anomaly"), N_("due"), N_("on time %"),
    N_("weights"), N_("finalised"), N_("training"), N_("recurring"), N_("week"), N_("month"), N_("category"),
    N_("channel"), N_("system"),
)
TABLE_LIMIT = 50  # rows of a detail list shown on a terminal; json/csv/md have them all


def _rows(rows: list[dict], title: str, keys: Iterable[str] | None = None, limit: int | None = None) -> Table:
    from deskctl import render

    if not rows:
        return render.kv_table([("", _("(none)"))], title=title)
    if limit is not None and len(rows) > limit:
        title = _("{title} (first {limit} of {total}; --format json, csv or md for all)").format(
            title=_(title), limit=limit, total=len(rows))
        rows = rows[:limit]
    return render.rows_table(rows, render.auto_columns(rows, keys), title=title)


def _kv(pairs: dict, title: str) -> Table:
    from deskctl import render

    return render.kv_table([(render.header_for(k), render.shown(k, v)) for k, v in pairs.items()], title=title)


def _head(view: dict, extra: Iterable[tuple[str, Any]] = ()) -> Table:
    from deskctl import render

    p = view["period"]
    return render.kv_table(
        [("period", p["label"]), ("from", p["from"]), ("to", p["to"]), ("generated", view["generated_at"]), *extra],
        title=_("report {name}").format(name=_(view["report"])),
    )


def _document(view: dict, sections: list[tuple[str, Any]]) -> tuple[str, str, list[tuple[str, Any]]]:
    """The report as a document (title, intro, sections) for `--format md`."""
    from deskctl.render import plain_text

    p = view["period"]
    intro = _("From {start} to {end} ({timezone}), generated {generated}.").format(
        start=plain_text(p["from"]), end=plain_text(p["to"]), timezone=view["timezone"],
        generated=plain_text(view["generated_at"]))
    if view.get("audit_anchor"):
        intro += _(" Audit anchor: `{anchor}`.").format(anchor=plain_text(view["audit_anchor"]))
    title = _("{report} report — {period}").format(report=_(view["report"]), period=p["label"])
    return title, intro, [(_(heading), data) for heading, data in sections]


def _emit(view: dict, out: str, *, rows_key: str, sections: list[tuple[str, Any]],
          table: Callable[[dict], Iterable] | None = None, csv_rows: list[dict] | None = None,
          csv_keys: Iterable[str] = (), csv_only: bool = False) -> None:
    """Write a report. `csv_rows` replace the main rows in CSV (and JSONL, unless `csv_only`)."""
    from deskctl import render

    if out == "csv" or (out == "jsonl" and csv_rows is not None and not csv_only):
        rows = csv_rows if csv_rows is not None else view[rows_key]
        cols = [render.Col(k) for k in (rows[0] if rows else csv_keys)] or None
        render.emit({"rows": rows}, out, rows_key="rows", columns=cols)
        return

    def default_tables(v: dict) -> Iterator[Table]:
        yield _head(v)
        for i, (title, data) in enumerate(sections):
            detail = i > 0  # the first section is the report's summary: always whole
            yield (_kv(data, title) if isinstance(data, dict)
                   else _rows(data, title, limit=TABLE_LIMIT if detail else None))

    render.emit(view, out, rows_key=rows_key, table=table or default_tables, document=_document(view, sections))


def _short_ids(ids: list[int], keep: int = 12) -> str:
    shown = ", ".join(str(i) for i in ids[:keep])
    return shown if len(ids) <= keep else f"{shown} … (+{len(ids) - keep})"


# --- the reports ---------------------------------------------------------------------------


@app.command("daily")
def daily(
    date_: Annotated[str | None, typer.Option("--date", help="The day (YYYY-MM-DD, today, yesterday).")] = None,
    period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
    fmt: ReportFormatOpt = "table", as_json: JsonOpt = False,
) -> None:
    """The supervisor's morning page: tickets, backlog, breaches, inspections, duty, handovers."""
    from deskctl import render
    from deskctl.services.reports import daily as daily_report
    from deskctl.services.reports.daily import summary_rows

    out = _format(fmt, as_json)
    view = _build(daily_report.build, period, from_, to, date_=date_, default="today")
    duty_keys = ("handle", "type", "start_at", "end_at", "clock_in_at", "clock_out_at", "attendance")
    sections = [
        ("tickets", view["tickets"]),
        ("backlog by priority", view["backlog"]["by_priority"]),
        ("backlog by age", view["backlog"]["by_age"]),
        ("SLA breaches", view["sla_breaches"]),
        ("inspections", view["inspections"]),
        ("inspections missed or overdue", view["inspections_missed"]),
        ("findings", view["findings"]),
        ("on duty", [{k: d[k] for k in duty_keys} for d in view["on_duty"]]),
        ("attendance (shifts that started in the period and have ended)", view["attendance"]),
        ("handovers", view["handovers"]),
    ]

    def tables(v: dict) -> Iterator[Table]:
        yield _head(v, [("audit anchor", v["audit_anchor"])])
        yield _kv(v["tickets"], "tickets")
        yield render.bar_chart([(d["day"][5:], d["opened"]) for d in v["tickets_per_day"]], "tickets opened per day")
        yield _kv({**v["backlog"]["by_priority"], "total": v["backlog"]["total"]}, "backlog by priority")
        yield render.bar_chart([(b["age"], b["tickets"]) for b in v["backlog"]["by_age"]], "backlog by age")
        for title, data in sections[3:]:
            yield _kv(data, title) if isinstance(data, dict) else _rows(data, title, limit=TABLE_LIMIT)

    _emit(view, out, rows_key="tickets_per_day", sections=sections, table=tables, csv_rows=summary_rows(view))


@app.command("sla")
def sla(period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
        fmt: ReportFormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Response and resolution compliance per priority, MTTA, time to resolve, the breaches."""
    from deskctl.services.reports import sla as sla_report
    out = _format(fmt, as_json)
    view = _build(sla_report.build, period, from_, to)
    compact = ("priority", "tickets", "response_met", "response_breached", "response_pending",
               "response_compliance_pct", "mtta_seconds", "resolution_met", "resolution_breached",
               "resolution_pending", "resolution_compliance_pct", "ttr_mean_seconds")
    rows = [{k: r[k] for k in compact} for r in [*view["priorities"], view["total"]]]
    breach_keys = ("ticket_id", "priority", "clock", "breached_at", "status", "assignee", "title")
    sections = [("compliance by priority", rows),
                ("breaches", [{k: b[k] for k in breach_keys} for b in view["breaches"]])]
    _emit(view, out, rows_key="priorities", sections=sections)


@app.command("tickets")
def tickets(
    by: Annotated[str, typer.Option("--by", help="system, category, priority, assignee, channel, day, week "
                                    "or month.")] = "system",
    period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
    fmt: ReportFormatOpt = "table", as_json: JsonOpt = False,
) -> None:
    """Tickets opened in the period grouped one way: counts, time to resolve, reopen rate."""
    from deskctl import render
    from deskctl.services.reports import tickets as tickets_report
    from deskctl.services.reports.tickets import check_dimension

    out = _format(fmt, as_json)
    by = check_dimension(by)
    view = _build(tickets_report.build, period, from_, to, by=by)
    by_title = _("tickets by {by}").format(by=_(by))
    sections = [(by_title, view["groups"]), ("total", view["total"])]

    def tables(v: dict) -> Iterator[Table]:
        yield _head(v)
        if by in ("day", "week", "month"):
            yield render.bar_chart([(g["key"], g["opened"]) for g in v["groups"]],
                                   _("tickets opened per {by}").format(by=_(by)))
        yield _rows(v["groups"], by_title)
        yield _kv(v["total"], "total")

    _emit(view, out, rows_key="groups", sections=sections, table=tables,
          csv_keys=tuple(view["total"].keys()))


@app.command("inspections")
def inspections(period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
                fmt: ReportFormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Per inspection plan: on time, late, missed; findings and their tickets' state."""
    from deskctl import render
    from deskctl.services.reports import inspections as inspections_report

    out = _format(fmt, as_json)
    view = _build(inspections_report.build, period, from_, to)
    if not view["schedule_known"] and out == "table":
        render.message(_(view["note"]))
    sections = [("plans", view["plans"]), ("total", view["total"]), ("missed or overdue", view["missed"]),
                ("findings", view["findings"])]
    _emit(view, out, rows_key="plans", sections=sections,
          csv_keys=("plan", "target", "status", "due", "done", "on_time", "late", "missed", "overdue", "on_time_pct"))


@app.command("attendance")
def attendance(period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
               fmt: ReportFormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Per person: shifts, hours scheduled and worked, late, early leave, no-shows."""
    from deskctl.services.reports import attendance as attendance_report
    out = _format(fmt, as_json)
    view = _build(attendance_report.build, period, from_, to)
    anomaly_keys = ("handle", "type", "day", "start_at", "clock_in_at", "clock_out_at", "anomaly")
    sections = [("attendance", view["people"]), ("total", view["total"]),
                ("anomalies", [{k: a[k] for k in anomaly_keys} for a in view["anomalies"]])]
    _emit(view, out, rows_key="people", sections=sections,
          csv_keys=("handle", "name", "shifts", "scheduled_seconds", "worked_seconds", "late", "early", "no_show",
                    "no_clock_out", "late_seconds"))


@app.command("training")
def training(period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
             fmt: ReportFormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Per person: last training, hours trained in the period, overdue under training.interval."""
    from deskctl.services.reports import training as training_report
    out = _format(fmt, as_json)
    view = _build(training_report.build, period, from_, to)
    sections = [("training", view["people"]), ("total", view["total"])]
    _emit(view, out, rows_key="people", sections=sections,
          csv_keys=("handle", "name", "role", "last_training_on", "last_topic", "last_passed_on",
                    "sessions_in_period", "passed_in_period", "hours_in_period", "due_on", "overdue",
                    "days_overdue"))


@app.command("recurring")
def recurring(
    threshold: Annotated[
        int | None,
        typer.Option("--threshold", parser=id_number,
                     help="Tickets that make a recurring fault (default: config recurring.threshold)."),
    ] = None,
    period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
    fmt: ReportFormatOpt = "table", as_json: JsonOpt = False,
) -> None:
    """Systems, categories and reporters with repeated faults: candidates for improvements."""
    from deskctl.services.reports import recurring as recurring_report
    out = _format(fmt, as_json)
    view = _build(recurring_report.build, period, from_, to, threshold=threshold)
    groups = view["groups"]
    if out == "table":
        groups = [{**g, "ticket_ids": _short_ids(g["ticket_ids"])} for g in groups]
    sections = [(_("recurring faults (≥ {n} tickets)").format(n=view["threshold"]), groups)]
    _emit(view, out, rows_key="groups", sections=sections,
          csv_keys=("dimension", "key", "tickets", "first_at", "last_at", "ticket_ids", "improvements"))


@app.command("performance")
def performance(
    period: PeriodOpt = None, from_: FromOpt = None, to: ToOpt = None,
    finalize: Annotated[bool, typer.Option("--finalize", help="Sign the period off: store this report "
                                           "unchanged by later data (supervisor).")] = False,
    comment: Annotated[str, typer.Option("--comment", help="Sign-off comment (with --finalize).")] = "",
    replace: Annotated[bool, typer.Option("--replace", help="With --finalize: replace an earlier sign-off.")] = False,
    live: Annotated[bool, typer.Option("--live", help="Recompute from today's data even if the period "
                                       "was finalised.")] = False,
    fmt: ReportFormatOpt = "table", as_json: JsonOpt = False,
) -> None:
    """Per person efficiency, quality, discipline (0-100) and the weighted score (docs/assessment.md)."""
    from deskctl import render
    from deskctl.errors import InvalidInput
    from deskctl.services.reports import performance as svc
    from deskctl.services.reports.common import resolve_period

    out = _format(fmt, as_json)
    if (comment or replace) and not finalize:
        raise InvalidInput(_("--comment and --replace go with --finalize"))
    if finalize and live:
        raise InvalidInput(_("--live and --finalize do not go together"))
    st = state()
    now = st.clock.now()
    span = resolve_period(period=period, from_=from_, to=to, tz=st.tz, now=now)
    view: dict | None
    if finalize:
        with st.write() as w:
            view = w.call(svc.finalize, period=span, comment=comment, replace=replace)
        render.message(_("performance for {period} finalised by {who}").format(
            period=span.label, who=view["finalized"]["by"]))
    else:
        with st.read() as r:
            view = None if live else svc.snapshot(r.session, span.label)
            if view is None:
                view = r.call(svc.build, now=now, period=span)
    keys = ("handle", "role", "handled", "efficiency", "quality", "discipline", "score", "note")
    rows = [{k: p[k] for k in keys} for p in view["people"]]
    fin = view.get("finalized")
    sections = [("performance", rows), ("weights", view["weights"])]
    if fin:
        sections.append(("finalised", fin))

    def tables(v: dict) -> Iterator[Table]:
        yield _head(v)
        yield _rows(rows, N_("performance (0-100; score = weighted mean of the components)"))
        yield _kv({**v["weights"], "min_tickets": v["min_tickets"],
                   "team median handled per shift": v["baseline"]["team_median_handled_per_shift"]},
                  N_("weights and baseline"))
        if fin:
            yield _kv(fin, "finalised")

    _emit(view, out, rows_key="people", sections=sections, table=tables, csv_rows=svc.flat_rows(view), csv_only=True,
          csv_keys=("handle", "name", "role", "handled", "efficiency", "quality", "discipline", "score",
                    "insufficient_data"))
