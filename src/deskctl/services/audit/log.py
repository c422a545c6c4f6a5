"""The audit log: the newest events, and how one event reads (docs/design.md §3)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

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


LOG_CHUNK = 1000  # events read at a time by `iter_audit_log`


def audit_log(
    *,
    session: Session,
    since: datetime | None = None,
    entity: str | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> list[dict]:
    """`iter_audit_log` as a list."""
    return list(iter_audit_log(session=session, since=since, entity=entity, actor=actor, limit=limit))


def iter_audit_log(
    *,
    session: Session,
    since: datetime | None = None,
    entity: str | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> Iterator[dict]:
    """The newest `limit` events, shown oldest first, read LOG_CHUNK at a time (constant memory).

    The oldest event shown is found first (the `limit`-th newest that matches, one index walk);
    then the events from it on are read in id order.
    """
    filters = []
    if since is not None:
        filters.append(col(Event.at) >= since)
    if entity:
        filters.append(col(Event.entity) == entity)
    if actor:
        filters.append(col(Event.actor) == actor)
    oldest = session.execute(
        select(col(Event.id)).where(*filters).order_by(col(Event.id).desc()).limit(1).offset(limit - 1)
    ).scalar()
    if oldest is not None:
        filters.append(col(Event.id) >= oldest)
    query = select(Event).where(*filters).order_by(col(Event.id))
    return (event_view(e) for e in session.execute(query.execution_options(yield_per=LOG_CHUNK)).scalars())
