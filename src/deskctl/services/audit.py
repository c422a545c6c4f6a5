"""Reading the audit trail: the log, and verification of the hash chain."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.store import audit
from deskctl.store.tables import Event


def event_view(event: Event) -> dict:
    return {
        "id": event.id,
        "at": event.at,
        "actor": event.actor,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "kind": event.kind,
        "from": event.from_value,
        "to": event.to_value,
        "details": json.loads(event.details or "{}"),
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
    rows = [r[0] for r in session.connection().exec_driver_sql("PRAGMA integrity_check").all()]
    fk = session.connection().exec_driver_sql("PRAGMA foreign_key_check").all()
    return {"integrity": rows[:20], "foreign_key_violations": len(fk), "ok": rows == ["ok"] and not fk}
