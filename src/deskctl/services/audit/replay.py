"""Replaying the audit trail against the rows it describes (docs/design.md §3, docs/audit.md).

The hash chain proves the events were not edited; it says nothing about the tables. Replay
folds each ticket's, shift's and inspection run's events, in order, into the values the row
must hold (a ticket's status, priority, tier, assignee, resolved and closed instants and reopen
count; a shift's holder and clock-in/out; a run's plan, occurrence, performer, instant and result
counts) and compares them with the row, so a row changed with plain SQL is named.

It streams: events are read in chunks ordered by (entity, entity_id, id) — the `ix_event_entity`
index — and merge-joined with the table read in chunks by id, so memory stays flat whatever the
size of the desk. Events of kinds replay does not know (notes, breaches, …) change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from itertools import groupby
from typing import Any, NamedTuple

from sqlalchemy import String, func, select, tuple_, type_coerce
from sqlmodel import Session, col

from deskctl.store.tables import Event, InspectionPlan, InspectionResult, InspectionRun, Shift, Staff, Ticket
from deskctl.timeparse import iso

BATCH = 5000

# the kinds that start an entity's life, per entity
TICKET_OPENINGS = ("opened", "imported")
SHIFT_OPENINGS = ("planned", "assigned")
RESULT_KINDS = ("ok", "fail", "skipped")


class EventRow(NamedTuple):
    """The columns replay reads from one event (its instant as stored text, parsed on demand;
    PostgreSQL's driver hands a `timestamptz` over as an aware datetime already)."""

    entity_id: int
    id: int
    at_text: str | datetime
    actor: str
    kind: str
    from_value: str | None
    to_value: str | None
    details_text: str | None

    @property
    def at(self) -> datetime:
        if isinstance(self.at_text, datetime):
            return self.at_text.astimezone(UTC) if self.at_text.tzinfo else self.at_text.replace(tzinfo=UTC)
        return datetime.fromisoformat(self.at_text).replace(tzinfo=UTC)

    @property
    def details(self) -> dict:
        try:
            value = json.loads(self.details_text or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass
class Difference:
    """The first thing a row and its events disagree on."""

    entity: str  # ticket, shift, inspection run
    id: int
    field: str
    row: Any = None
    events: Any = None
    event: int | None = None  # the event that gave the replayed value
    text: str = ""

    def view(self) -> dict:
        return {"entity": self.entity, "id": self.id, "field": self.field, "row": _plain(self.row),
                "events": _plain(self.events), "event": self.event, "problem": self.text}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, datetime)) else str(value)


@dataclass
class Replayed:
    """What one entity's events say: field → (value, the event that set it)."""

    first: EventRow
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)
    alive: bool = True  # False once an event says the row was removed (a shift taken off the rota)
    ended_by: int | None = None
    problem: str | None = None  # events that cannot describe a row (no opening, opened twice)

    def set(self, name: str, value: Any, event: EventRow) -> None:
        self.values[name] = (value, event.id)


# --- reading ---------------------------------------------------------------------------------


def _events(session: Session, entity: str, batch: int) -> Iterator[EventRow]:
    """One entity's events ordered by (entity_id, id), in chunks (keyset on the index)."""
    query = (
        select(col(Event.entity_id), col(Event.id), type_coerce(col(Event.at), String), col(Event.actor),
               col(Event.kind), col(Event.from_value), col(Event.to_value), col(Event.details))
        .where(col(Event.entity) == entity, col(Event.entity_id).is_not(None))
        .order_by(col(Event.entity_id), col(Event.id))
        .limit(batch)
    )
    after: tuple[int, int] | None = None
    while True:
        q = query if after is None else query.where(tuple_(col(Event.entity_id), col(Event.id)) > tuple_(*after))
        rows = session.connection().execute(q).all()  # Core rows: no ORM loading on this hot path
        yield from map(EventRow._make, rows)
        if len(rows) < batch:
            return
        last = EventRow._make(rows[-1])
        after = (last.entity_id, last.id)


def _rows(session: Session, columns: tuple, batch: int) -> Iterator[tuple]:
    """Rows of a table (its id column first) ordered by id, in chunks."""
    ident = columns[0]
    last = None
    while True:
        q = select(*columns).order_by(ident).limit(batch)
        if last is not None:
            q = q.where(ident > last)
        rows = session.connection().execute(q).all()
        yield from (tuple(r) for r in rows)
        if len(rows) < batch:
            return
        last = rows[-1][0]


Joined = tuple[int, tuple | None, Iterator[EventRow] | None]
Fold = Callable[[Iterator[EventRow]], "Replayed | None"]


def _merge(rows: Iterator[tuple], events: Iterator[EventRow]) -> Iterator[Joined]:
    """Merge-join rows (by id) with event groups (by entity_id): (id, row or None, events or None)."""
    groups = groupby(events, key=lambda e: e.entity_id)
    row = next(rows, None)
    group = next(groups, None)
    while row is not None or group is not None:
        if group is None or (row is not None and row[0] < group[0]):
            assert row is not None
            yield row[0], row, None
            row = next(rows, None)
        elif row is None or group[0] < row[0]:
            yield group[0], None, group[1]
            group = next(groups, None)
        else:
            yield row[0], row, group[1]
            row, group = next(rows, None), next(groups, None)


# --- folding events --------------------------------------------------------------------------


def _edited(event: EventRow, name: str) -> tuple[bool, Any]:
    """A generic edit event's new value for `name`: details {"changes": {name: [old, new]}} or
    {name: [old, new]} (the forms deskctl's edit events use)."""
    details = event.details
    nested = details.get("changes")
    changes: dict = nested if isinstance(nested, dict) else details
    pair = changes.get(name)
    if isinstance(pair, list) and len(pair) == 2:
        return True, pair[1]
    return False, None


def fold_ticket(events: Iterator[EventRow]) -> Replayed | None:
    state: Replayed | None = None
    for e in events:
        if state is None:
            state = Replayed(first=e)
            if e.kind not in TICKET_OPENINGS:
                state.problem = f"its first event (event {e.id}) is {e.kind!r}, not its opening"
                return state
        elif e.kind in TICKET_OPENINGS:
            state.problem = f"it was opened twice (events {state.first.id} and {e.id})"
            return state
        k, d = e.kind, None
        if k in TICKET_OPENINGS:
            d = e.details
            for name, value in (("status", e.to_value or "new"), ("priority", d.get("priority")), ("tier", 1),
                                ("assignee", None), ("resolved_at", None), ("closed_at", None), ("reopen_count", 0)):
                state.set(name, value, e)
        elif k == "assigned":
            d = e.details
            state.set("status", e.to_value, e)
            state.set("assignee", d.get("assignee"), e)
            state.set("tier", _int(d.get("tier")), e)
        elif k == "escalated":
            d = e.details
            tier = _int((e.to_value or "").removeprefix("tier ").strip()) or _int(d.get("tier"))
            state.set("tier", tier, e)
            state.set("assignee", d.get("assignee"), e)
            if d.get("status"):
                state.set("status", d["status"], e)
        elif k in ("acknowledged", "waiting", "resumed"):
            state.set("status", e.to_value, e)
        elif k == "resolved":
            state.set("status", e.to_value, e)
            state.set("resolved_at", e.at, e)
        elif k in ("confirmed", "closed_unconfirmed", "cancelled"):
            state.set("status", e.to_value, e)
            state.set("closed_at", e.at, e)
        elif k == "reopened":
            state.set("status", e.to_value, e)
            state.set("resolved_at", None, e)
            state.set("reopen_count", state.values["reopen_count"][0] + 1, e)
        elif k == "edited":
            for name in ("priority", "status", "tier", "assignee"):
                found, value = _edited(e, name)
                if found:
                    state.set(name, _int(value) if name == "tier" else value, e)
    return state


def fold_shift(events: Iterator[EventRow]) -> Replayed | None:
    state: Replayed | None = None
    for e in events:
        k = e.kind
        if k in SHIFT_OPENINGS:  # a shift's life; an id freed by an unassigned shift may start another
            if state is not None and state.alive:
                state.problem = f"it was put on the rota twice (events {state.first.id} and {e.id})"
                return state
            state = Replayed(first=e)
            for name, value in (("who", e.to_value), ("clock_in_at", None), ("clock_out_at", None)):
                state.set(name, value, e)
            continue
        if state is None:
            state = Replayed(first=e, problem=f"its first event (event {e.id}) is {k!r}, not its planning")
            return state
        if not state.alive:
            state.problem = f"event {e.id} ({k}) follows its removal from the rota (event {state.ended_by})"
            return state
        if k == "unassigned":
            state.alive, state.ended_by = False, e.id
        elif k in ("covered", "swapped"):
            state.set("who", e.to_value, e)
        elif k in ("clock_in", "clock_in_corrected"):
            state.set("clock_in_at", _instant(e.to_value), e)
        elif k in ("clock_out", "clock_out_corrected"):
            state.set("clock_out_at", _instant(e.to_value), e)
    return state


def fold_run(events: Iterator[EventRow]) -> Replayed | None:
    state: Replayed | None = None
    for e in events:
        if state is None:
            state = Replayed(first=e)
            if e.kind != "recorded":
                state.problem = f"its first event (event {e.id}) is {e.kind!r}, not its recording"
                return state
            d = e.details
            state.set("plan", d.get("plan"), e)
            state.set("occurrence_at", _instant(d.get("occurrence_at")), e)
            state.set("performed_at", e.at, e)
            state.set("performed_by", e.actor, e)
            state.set("results", _results({k: _int(d.get(k)) or 0 for k in RESULT_KINDS}), e)
        elif e.kind == "recorded":
            state.problem = f"it was recorded twice (events {state.first.id} and {e.id})"
            return state
    return state


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _instant(value: Any) -> datetime | str | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)  # compared as text: it cannot equal an instant, so it is named
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _results(counts: dict[str, int]) -> str:
    """`3 ok, 1 fail, 0 skipped` (and any other result a row holds, which no event can give)."""
    kinds = [*RESULT_KINDS, *sorted(k for k in counts if k not in RESULT_KINDS)]
    return ", ".join(f"{counts.get(k, 0)} {k}" for k in kinds)


# --- comparing -------------------------------------------------------------------------------


SHOWN_MAX = 60  # characters of a value quoted in a problem line


def shown(value: Any, tz: tzinfo) -> str:
    if value is None:
        return "not set"
    if isinstance(value, datetime):
        return iso(value, tz) or ""
    text = str(value)
    return text if len(text) <= SHOWN_MAX else f"{text[:SHOWN_MAX]}… ({len(text)} characters)"


def _differs(entity: str, ident: int, row: dict[str, Any], state: Replayed | None, tz: tzinfo) -> Difference | None:
    if state is None:
        return Difference(entity, ident, "events", text=f"{entity} {ident}: the row has no events "
                          "(written behind deskctl's back, or its events were deleted)")
    if state.problem:
        return Difference(entity, ident, "events", event=state.first.id, text=f"{entity} {ident}: {state.problem}")
    if not state.alive:
        return Difference(entity, ident, "events", event=state.ended_by, text=(
            f"{entity} {ident}: its events removed it (event {state.ended_by}), but the row is there"))
    for name, have in row.items():
        want, event = state.values[name]
        if have != want:
            a, b = shown(have, tz), shown(want, tz)
            if a == b:  # instants that differ below the second
                a, b = (v.astimezone(tz).isoformat() if isinstance(v, datetime) else str(v) for v in (have, want))
            return Difference(entity, ident, name, row=have, events=want, event=event,
                              text=f"{entity} {ident}: {name} is {a} in the row, {b} by its events (event {event})")
    return None


def _missing_row(entity: str, ident: int, state: Replayed | None) -> Difference | None:
    if state is None or (state.alive is False and not state.problem):
        return None  # a shift taken off the rota: its row is gone, as its events say
    first = state.first.id
    if state.problem:
        return Difference(entity, ident, "events", event=first, text=f"{entity} {ident}: {state.problem}")
    return Difference(entity, ident, "row", event=first,
                      text=f"{entity} {ident}: its events (from event {first}) record it, but the row is gone")


@dataclass
class Outcome:
    rows: int = 0
    differing: int = 0
    first: Difference | None = None


def _check(entity: str, rows: Iterator[tuple], events: Iterator[EventRow], fold: Fold,
           values: Callable[[tuple], dict[str, Any]], tz: tzinfo, out: Outcome) -> None:
    for ident, row, group in _merge(rows, events):
        state = fold(group) if group is not None else None
        if row is None:
            diff = _missing_row(entity, ident, state)
        else:
            out.rows += 1
            diff = _differs(entity, ident, values(row), state, tz)
        if diff is not None:
            out.differing += 1
            if out.first is None:
                out.first = diff


def replay(session: Session, *, tz: tzinfo, batch: int = BATCH) -> Outcome:
    """Replay tickets, then shifts, then inspection runs; count the rows that differ and keep the
    first difference."""
    out = Outcome()
    handles = {int(i): str(h) for i, h in session.execute(select(col(Staff.id), col(Staff.handle))).all()}

    ticket_cols = (col(Ticket.id), col(Ticket.status), col(Ticket.priority), col(Ticket.tier), col(Ticket.assignee_id),
                   col(Ticket.resolved_at), col(Ticket.closed_at), col(Ticket.reopen_count))

    def ticket_values(r: tuple) -> dict[str, Any]:
        return {"status": r[1], "priority": r[2], "tier": r[3], "assignee": handles.get(r[4]) if r[4] else None,
                "resolved_at": r[5], "closed_at": r[6], "reopen_count": r[7]}

    _check("ticket", _rows(session, ticket_cols, batch), _events(session, "ticket", batch), fold_ticket,
           ticket_values, tz, out)

    shift_cols = (col(Shift.id), col(Shift.staff_id), col(Shift.clock_in_at), col(Shift.clock_out_at))

    def shift_values(r: tuple) -> dict[str, Any]:
        return {"who": handles.get(r[1]), "clock_in_at": r[2], "clock_out_at": r[3]}

    _check("shift", _rows(session, shift_cols, batch), _events(session, "shift", batch), fold_shift,
           shift_values, tz, out)

    plan_names = _plan_names(session)
    run_cols = (col(InspectionRun.id), col(InspectionRun.plan_id), col(InspectionRun.occurrence_at),
                col(InspectionRun.performed_at), col(InspectionRun.performed_by_id))
    counts = _ResultCounts(session, batch)

    def run_values(r: tuple) -> dict[str, Any]:
        names = plan_names.get(r[1], set())
        return {"plan": _PlanName(names), "occurrence_at": r[2], "performed_at": r[3],
                "performed_by": handles.get(r[4]), "results": _results(counts.of(r[0]))}

    _check("inspection run", _rows(session, run_cols, batch), _events(session, "inspection_run", batch), fold_run,
           run_values, tz, out)
    return out


class _PlanName:
    """A run's plan as its row names it: equal to any name the plan has held (plans are renamed)."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other in self.names

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return " / ".join(sorted(self.names)) or "a plan that does not exist"


def _plan_names(session: Session) -> dict[int, set[str]]:
    """Every name each plan has held: its current one and those its events record (one entry per
    plan, a few names each)."""
    names: dict[int, set[str]] = {}
    for pid, name in session.execute(select(col(InspectionPlan.id), col(InspectionPlan.name))).all():
        names.setdefault(pid, set()).add(name)
    for e in _events(session, "inspection_plan", BATCH):
        if e.kind not in ("added", "edited"):
            continue
        d = e.details
        given = [d.get("name")]
        change = (d.get("changes") or {}).get("name") if isinstance(d.get("changes"), dict) else None
        if isinstance(change, list):
            given += change
        names.setdefault(e.entity_id, set()).update(n for n in given if isinstance(n, str))
    return names


class _ResultCounts:
    """ok/fail/skipped counts per run, read in chunks of run ids as the runs go by."""

    def __init__(self, session: Session, batch: int) -> None:
        self.session, self.batch = session, batch
        self.upto = 0
        self.counts: dict[int, dict[str, int]] = {}

    def of(self, run_id: int) -> dict[str, int]:
        if run_id > self.upto:
            lo, self.upto = run_id, run_id + self.batch - 1
            self.counts = {}
            rows = self.session.execute(
                select(col(InspectionResult.run_id), col(InspectionResult.result), func.count())
                .where(col(InspectionResult.run_id).between(lo, self.upto))
                .group_by(col(InspectionResult.run_id), col(InspectionResult.result))
            ).all()
            for rid, result, n in rows:
                self.counts.setdefault(rid, {})[result] = n
        return self.counts.get(run_id, {})
