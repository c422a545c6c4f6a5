"""The audit trail: every change appends a hash-chained event in the same transaction."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.i18n import N_, by_shape
from deskctl.store.tables import Event

GENESIS = "0" * 64


def _digest(event: Event) -> str:
    at = event.at.astimezone(UTC).isoformat()
    # Events written since schema 0002 also seal who was at the keyboard and when the event was
    # really written; older events keep the digest they were written with.
    sealed: list[Any] = []
    if event.recorded_at is not None:
        sealed = [event.os_user, event.host, event.recorded_at.astimezone(UTC).isoformat()]
    payload = json.dumps(
        [
            event.id,
            event.prev_hash,
            at,
            event.actor,
            event.entity,
            event.entity_id,
            event.kind,
            event.from_value,
            event.to_value,
            event.details,
            *sealed,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    entity: str,
    entity_id: int | None,
    kind: str,
    from_value: Any = None,
    to_value: Any = None,
    details: dict | None = None,
) -> Event:
    """Append one event. Call inside a write transaction (which serialises the chain).

    The chain's tail is read once per session and then kept in `session.info`: deskctl's write
    sessions are one BEGIN IMMEDIATE transaction each, so nobody else can append meanwhile.
    """
    last = session.info.get("audit_tail")
    if last is None:
        last = session.execute(select(col(Event.id), col(Event.hash)).order_by(col(Event.id).desc()).limit(1)).first()
    event = Event(
        id=(last[0] + 1) if last else 1,
        at=at.astimezone(UTC),
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        kind=kind,
        from_value=None if from_value is None else str(from_value),
        to_value=None if to_value is None else str(to_value),
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str),
        prev_hash=last[1] if last else GENESIS,
        os_user=_origin()[0],
        host=_origin()[1],
        recorded_at=datetime.now(UTC),  # the real instant, whatever the desk's clock says
    )
    event.hash = _digest(event)
    session.add(event)
    session.info["audit_tail"] = (event.id, event.hash)
    _tally(session, entity, entity_id, kind)
    return event


@cache
def _origin() -> tuple[str, str]:
    """The OS user and host this process runs as (docs/identity.md)."""
    import socket

    from deskctl.session_file import os_user

    return os_user(), socket.gethostname()
def _tally(session: Session, entity: str, entity_id: int | None, kind: str) -> None:
    """What this transaction changed, in brief, for the message that names a committed change
    whose output then failed (`changes_of`)."""
    changes: dict[tuple[str, str], list[Any]] = session.info.setdefault("audit_changes", {})
    seen = changes.get((entity, kind))
    if seen is None:
        changes[(entity, kind)] = [1, entity_id, entity_id]
    else:
        seen[0] += 1
        seen[2] = entity_id


def changes_of(session: Session) -> str:
    """The events appended in `session` in a few words: `ticket 42 opened`, `ticket 7 … 9 opened
    (3 changes)`; empty when none."""
    changes: dict[tuple[str, str], list[Any]] = session.info.get("audit_changes") or {}
    parts = []
    for (entity, kind), (count, first, last) in changes.items():
        what = kind.replace("_", " ")
        if count > 1:
            parts.append(f"{entity} {first} … {last} {what} ({count} changes)")
        elif first is None:
            parts.append(f"{entity} {what}" if what.endswith("ed") else f"{entity}: {what} recorded")
        else:
            parts.append(f"{entity} {first} {what}" if what.endswith("ed") else f"{entity} {first}: {what} recorded")
    if len(parts) > 3:
        parts = [*parts[:3], f"and {len(parts) - 3} more"]
    return ", ".join(parts)


def chain_hash(event: Event) -> str:
    return _digest(event)


def head(session: Session) -> tuple[int, str] | None:
    """The chain's head: (last event id, its hash), or None when the trail is empty."""
    row = session.execute(select(col(Event.id), col(Event.hash)).order_by(col(Event.id).desc()).limit(1)).first()
    return None if row is None else (int(row[0]), str(row[1]))


def hash_of(session: Session, event_id: int) -> str | None:
    """The stored chain hash of one event, or None when there is no such event."""
    value = session.execute(select(col(Event.hash)).where(col(Event.id) == event_id)).scalar()
    return None if value is None else str(value)


def verify(session: Session, batch: int = 5000) -> tuple[int, Event | None, str]:
    """Walk the chain. Returns (events checked, first broken event or None, what is wrong)."""
    prev_hash = GENESIS
    expected_id = 1
    checked = 0
    last_recorded: datetime | None = None
    for event in _iter_events(session, batch):
        if event.id != expected_id:
            return checked, event, f"event {expected_id} is missing (deleted?)"
        if event.prev_hash != prev_hash:
            return checked, event, "link to the previous event is broken (an event was deleted or edited)"
        if _digest(event) != event.hash:
            return checked, event, "contents do not match the hash (edited behind deskctl's back)"
        if event.recorded_at is not None:
            # Events are appended under the write lock, so their real instants only go forward;
            # one that goes back was written by a process whose clock was set back.
            if last_recorded is not None and event.recorded_at < last_recorded:
                return checked, event, (
                    f"recorded at {event.recorded_at.isoformat()}, before the event before it "
                    f"({last_recorded.isoformat()}): written with a clock set back"
                )
            last_recorded = event.recorded_at
        prev_hash = event.hash
        expected_id += 1
        checked += 1
    return checked, None, ""


# What `verify` says is wrong, kept English (JSON, `db check`), shown in the person's language.
_REASONS = [
    (re.compile(r"event (?P<n>\d+) is missing \(deleted\?\)"), N_("event {n} is missing (deleted?)")),
    (re.compile(r"link to the previous event is broken \(an event was deleted or edited\)"),
     N_("link to the previous event is broken (an event was deleted or edited)")),
    (re.compile(r"contents do not match the hash \(edited behind deskctl's back\)"),
     N_("contents do not match the hash (edited behind deskctl's back)")),
    (re.compile(r"recorded at (?P<at>\S+), before the event before it \((?P<before>\S+)\): "
                r"written with a clock set back"),
     N_("recorded at {at}, before the event before it ({before}): written with a clock set back")),
]


def reason_text(reason: str) -> str:
    """A reason of `verify` in the current language (English unchanged)."""
    return by_shape(reason, _REASONS)


def _iter_events(session: Session, batch: int) -> Iterator[Event]:
    last_id = 0
    while True:
        rows = session.execute(
            select(Event).where(col(Event.id) > last_id).order_by(col(Event.id)).limit(batch)
        ).scalars().all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()
