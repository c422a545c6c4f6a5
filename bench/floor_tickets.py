"""The floor for the ticket commands: a minimal Typer + Rich + SQLModel script, no deskctl.

    python bench/floor_tickets.py open TITLE --reporter R [--system S --impact I --urgency U]
    python bench/floor_tickets.py list
    python bench/floor_tickets.py show ID
    python bench/floor_tickets.py status

Each command opens the same database file with the same connection settings as deskctl
(busy_timeout, foreign_keys, synchronous=FULL; writes in BEGIN IMMEDIATE), runs the same
query deskctl runs, and prints a Rich table of the same shape to stdout. What it leaves out is
exactly deskctl's own overhead: config, acting-user checks through the ORM, services, SLA
calendars, the render layer. Reads DESKCTL_DB, DESKCTL_NOW and DESKCTL_USER like deskctl.

- list: the newest 50 open tickets by opened_at (the (status, opened_at) index), with
  the assignee's handle, due time and breach flag.
- show: one ticket, the handles it refers to, and its events in order.
- open: in one BEGIN IMMEDIATE transaction, the acting user's staff row, one ticket row and
  its "opened" audit event linked into the hash chain (the rows deskctl writes).
- status: open tickets by priority, the open tickets for breached / at risk, and mine.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy import event
from sqlmodel import Session, create_engine, text

OPEN = ("new", "assigned", "in_progress", "waiting")
ZONE = ZoneInfo(os.environ.get("BENCH_TZ", "Asia/Shanghai"))
SLA = {"P1": (900, 14400), "P2": (1800, 28800), "P3": (7200, 259200), "P4": (28800, 432000)}
MATRIX = {"high": {"high": "P1", "medium": "P2", "low": "P3"},
          "medium": {"high": "P2", "medium": "P3", "low": "P3"},
          "low": {"high": "P3", "medium": "P4", "low": "P4"}}

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def _engine():
    engine = create_engine(f"sqlite:///{os.environ['DESKCTL_DB']}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(conn, _record):
        conn.isolation_level = None
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode else "BEGIN")

    return engine


def _now() -> datetime:
    raw = os.environ.get("DESKCTL_NOW")
    return datetime.fromisoformat(raw).astimezone(UTC) if raw else datetime.now(UTC)


def _at(value) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _local(value) -> str:
    at = _at(value)
    return "" if at is None else at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


def _console() -> Console:
    return Console(width=160, highlight=False, emoji=False, markup=False)


def _sql_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@app.command("list")
def list_(limit: int = 50) -> None:
    """Newest open tickets."""
    now = _now()
    with Session(_engine()) as session:
        rows = session.execute(text(
            "SELECT t.id, t.priority, t.status, t.tier, s.handle, t.system, t.title, t.opened_at,"
            " t.response_due_at, t.resolution_due_at, t.response_breached_at, t.resolution_breached_at"
            " FROM ticket t LEFT JOIN staff s ON s.id = t.assignee_id"
            " WHERE t.status IN ('new', 'assigned', 'in_progress', 'waiting')"
            " ORDER BY t.opened_at DESC, t.id DESC LIMIT :limit"
        ), {"limit": limit}).all()
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for name in ("id", "prio", "status", "tier", "assignee", "system", "title", "opened", "due", "breached"):
        table.add_column(name)
    for r in rows:
        due = r[8] if r[2] in ("new", "assigned") else r[9] if r[2] == "in_progress" else None
        late = bool(r[10] or r[11] or (due and _at(due) < now))
        table.add_row(str(r[0]), r[1], r[2], str(r[3]), r[4] or "", r[5], r[6], _local(r[7]),
                      _local(due), "yes" if late else "no")
    _console().print(table)


@app.command("show")
def show(ticket_id: int) -> None:
    """One ticket and its timeline."""
    with Session(_engine()) as session:
        row = session.execute(text("SELECT * FROM ticket WHERE id = :id"), {"id": ticket_id}).mappings().first()
        if row is None:
            raise typer.Exit(3)
        ids = [i for i in (row["assignee_id"], row["opened_by_id"], row["resolved_by_id"]) if i]
        handles = dict(session.execute(
            text(f"SELECT id, handle FROM staff WHERE id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})")
        ).all())
        events = session.execute(text(
            "SELECT id, at, actor, kind, from_value, to_value, details FROM event"
            " WHERE entity = 'ticket' AND entity_id = :id ORDER BY id"
        ), {"id": ticket_id}).all()
    fields = Table(show_header=False, title=f"ticket {ticket_id}", box=box.SIMPLE)
    fields.add_column("field")
    fields.add_column("value")
    for key, value in row.items():
        if key.endswith("_id") and value:
            value = handles.get(value, value)
        elif key.endswith("_at"):
            value = _local(value)
        if value not in (None, ""):
            fields.add_row(key, str(value))
    timeline = Table(title="timeline", box=box.SIMPLE_HEAD, show_edge=False)
    for name in ("at", "actor", "what", "change", "details"):
        timeline.add_column(name)
    for e in events:
        details = "; ".join(f"{k}: {v}" for k, v in json.loads(e[6]).items())
        change = f"{e[4] or ''} → {e[5]}" if e[5] else ""
        timeline.add_row(_local(e[1]), e[2], e[3], change, details)
    console = _console()
    console.print(fields)
    console.print(timeline)


def _digest(values: list) -> str:
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@app.command("open")
def open_(
    title: str,
    reporter: Annotated[str, typer.Option()],
    system: Annotated[str, typer.Option()] = "",
    impact: Annotated[str, typer.Option()] = "medium",
    urgency: Annotated[str, typer.Option()] = "medium",
) -> None:
    """Record a ticket and its opened event."""
    now = _now()
    actor = os.environ.get("DESKCTL_USER", "")
    priority = MATRIX[impact][urgency]
    resp, res = SLA[priority]
    stamp = _sql_time(now)
    engine = _engine().execution_options(immediate=True)
    with Session(engine) as session:
        staff_id = session.execute(
            text("SELECT id FROM staff WHERE handle = :h AND active"), {"h": actor}
        ).scalar_one()
        ticket_id = session.execute(text(
            "INSERT INTO ticket (title, description, reporter, contact, system, category, channel,"
            " priority, impact, urgency, status, tier, opened_by_id, opened_at, paused_seconds,"
            " response_due_at, resolution_due_at, resolution, rating_comment, close_reason,"
            " cancel_reason, reopen_count, reassign_count, updated_at, version)"
            " VALUES (:title, '', :reporter, '', :system, '', 'phone', :priority, :impact, :urgency,"
            " 'new', 1, :by, :at, 0, :resp, :res, '', '', '', '', 0, 0, :at, 1) RETURNING id"
        ), {"title": title, "reporter": reporter, "system": system, "priority": priority,
            "impact": impact, "urgency": urgency, "by": staff_id, "at": stamp,
            "resp": _sql_time(now + timedelta(seconds=resp)),
            "res": _sql_time(now + timedelta(seconds=res))}).scalar_one()
        last = session.execute(text("SELECT id, hash FROM event ORDER BY id DESC LIMIT 1")).first()
        event_id, prev = (last[0] + 1, last[1]) if last else (1, "0" * 64)
        details = json.dumps({"channel": "phone", "priority": priority, "reporter": reporter,
                              "title": title}, ensure_ascii=False, sort_keys=True)
        digest = _digest([event_id, prev, now.isoformat(), actor, "ticket", ticket_id, "opened",
                          None, "new", details])
        session.execute(text(
            "INSERT INTO event (id, at, actor, entity, entity_id, kind, from_value, to_value, details,"
            " prev_hash, hash) VALUES (:id, :at, :actor, 'ticket', :tid, 'opened', NULL, 'new',"
            " :details, :prev, :hash)"
        ), {"id": event_id, "at": stamp, "actor": actor, "tid": ticket_id, "details": details,
            "prev": prev, "hash": digest})
        session.commit()
    print(f"ticket {ticket_id} opened: {priority} new, tier 1")


@app.command("status")
def status() -> None:
    """Open tickets by priority, breached, at risk, mine."""
    now = _now()
    actor = os.environ.get("DESKCTL_USER", "")
    with Session(_engine()) as session:
        counts = dict(session.execute(text(
            "SELECT priority, count(*) FROM ticket WHERE status IN"
            " ('new', 'assigned', 'in_progress', 'waiting') GROUP BY priority"
        )).all())
        rows = session.execute(text(
            "SELECT t.id, t.priority, t.status, s.handle, t.title, t.opened_at, t.response_due_at,"
            " t.resolution_due_at, t.response_breached_at, t.resolution_breached_at"
            " FROM ticket t LEFT JOIN staff s ON s.id = t.assignee_id"
            " WHERE t.status IN ('new', 'assigned', 'in_progress', 'waiting') ORDER BY t.opened_at"
        )).all()
    breached, at_risk, mine = [], [], []
    for r in rows:
        due = _at(r[6] if r[2] in ("new", "assigned") else r[7] if r[2] == "in_progress" else None)
        if r[8] or r[9] or (due and due < now):
            breached.append(r)
        elif due and (now - _at(r[5])) >= 0.8 * (due - _at(r[5])):
            at_risk.append(r)
        if r[3] == actor:
            mine.append(r)
    console = _console()
    head = Table(show_header=False, title="status", box=box.SIMPLE)
    head.add_column("priority")
    head.add_column("open")
    for p in ("P1", "P2", "P3", "P4"):
        head.add_row(p, str(counts.get(p, 0)))
    console.print(head)
    for title, group in (("sla breached", breached), ("sla at risk", at_risk), ("my tickets", mine)):
        table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False)
        for name in ("id", "priority", "status", "assignee", "title"):
            table.add_column(name)
        for r in group[:20]:
            table.add_row(str(r[0]), r[1], r[2], r[3] or "", r[4])
        console.print(table)


if __name__ == "__main__":
    app()
