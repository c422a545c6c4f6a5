"""Reading the audit trail: the log, and verification of the hash chain."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel, col

from deskctl.store import audit
from deskctl.store.tables import Event

# An instant as events store it in text: ISO 8601 date and time with an offset (or Z).
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")


def instants(value: Any) -> Any:
    """Event text as stored (hash-chained, never rewritten) with each instant turned back into an
    aware datetime, so that the edge shows it in the desk zone like every other instant (an
    sla_breach's `due_at`, a clock-in's from/to). Other text, dates included, stays as it is."""
    if isinstance(value, str) and _INSTANT.fullmatch(value):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [instants(v) for v in value]
    return value


def event_view(event: Event) -> dict:
    return {
        "id": event.id,
        "at": event.at,
        "actor": event.actor,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "kind": event.kind,
        "from": instants(event.from_value),
        "to": instants(event.to_value),
        "details": instants(json.loads(event.details or "{}")),
    }


def audit_log(
    *,
    session: Session,
    since: datetime | None = None,
    entity: str | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> list[dict]:
    """The newest events first (up to `limit`), shown oldest first."""
    query = select(Event).order_by(col(Event.id).desc()).limit(limit)
    if since is not None:
        query = query.where(col(Event.at) >= since)
    if entity:
        query = query.where(col(Event.entity) == entity)
    if actor:
        query = query.where(col(Event.actor) == actor)
    rows = list(session.execute(query).scalars())
    rows.reverse()
    return [event_view(e) for e in rows]


def verify_chain(*, session: Session) -> dict:
    checked, broken, reason = audit.verify(session)
    return {
        "ok": broken is None,
        "events_checked": checked,
        "first_broken_event": None if broken is None else broken.id,
        "problem": reason or None,
    }


def integrity_check(*, session: Session) -> dict:
    """SQLite's page and foreign-key checks; on PostgreSQL (which enforces foreign keys as it
    writes and checks its own pages) every table is read through once instead."""
    if session.connection().dialect.name == "postgresql":
        from sqlalchemy import text

        from deskctl.store.tables import load_all

        load_all()
        problems = []
        for table in SQLModel.metadata.sorted_tables:
            try:
                session.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
            except Exception as exc:  # a damaged relation: name it, check the others
                session.rollback()
                problems.append(f"{table.name}: {str(exc).splitlines()[0]}")
        return {"integrity": problems[:20] or ["ok"], "foreign_key_violations": 0, "ok": not problems}
    rows = [r[0] for r in session.connection().exec_driver_sql("PRAGMA integrity_check").all()]
    fk = session.connection().exec_driver_sql("PRAGMA foreign_key_check").all()
    return {"integrity": rows[:20], "foreign_key_violations": len(fk), "ok": rows == ["ok"] and not fk}
