"""Cheap questions asked on every `notify run` and every ticket change: is there a channel, is
anything due, which keys have fired. Asked through light table descriptions, so that a desk with
nothing to do never defines the outbox's models (cron's `notify run` must cost no more than
starting up: bench/bench_notify.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, column, literal, or_, select, table
from sqlmodel import Session

from deskctl.store.types import UTCDateTime

_CHANNEL = table("notify_channel", column("id"))
_NOTIFICATION = table("notification", column("status", String()), column("next_try_at", UTCDateTime()),
                      column("claimed_until", UTCDateTime()))
_FIRED = table("notify_fired", column("key", String()))


def any_channel(session: Session) -> bool:
    return session.execute(select(literal(1)).select_from(_CHANNEL).limit(1)).first() is not None


def any_due(session: Session, now: datetime) -> bool:
    """A pending notification whose time has come and that nobody holds."""
    n = _NOTIFICATION.c
    query = select(literal(1)).select_from(_NOTIFICATION).where(
        n.status == "pending", n.next_try_at <= now, or_(n.claimed_until.is_(None), n.claimed_until < now)).limit(1)
    return session.execute(query).first() is not None


def fired_keys(session: Session, keys: list[str]) -> set[str]:
    """Those of `keys` that have fired already."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(session.execute(select(_FIRED.c.key).where(_FIRED.c.key.in_(chunk))).scalars())
    return found
