"""One pass of `deskctl notify run`: fire the time-based notifications, then deliver what is due
(services/notify/delivery.py), batch by batch. With nothing due it stops after one short write
transaction that loads none of the delivery code (bench/bench_notify.py)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING

from deskctl.config import Config

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskctl.services.context import Unit
    from deskctl.timeparse import Clock


@dataclass
class Summary:
    scanned: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    digests: int = 0
    errors: list[str] = field(default_factory=list)

    def view(self) -> dict:
        return {"new_time_based": self.scanned, "sent": self.sent, "retrying": self.retrying,
                "failed": self.failed, "digests": self.digests}

    def add(self, other: Summary) -> None:
        for name in ("scanned", "sent", "retrying", "failed", "digests"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def worker_id() -> str:
    """Who holds a claim: host, process and a random part (a process may run several passes)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _scan(*, session: Session, clock: Clock, config: Config, tz: tzinfo, scan: bool) -> tuple[int, bool]:
    from deskctl.services.notify import quick
    from deskctl.services.notify.scan import scan_time_events

    fired = scan_time_events(session=session, clock=clock, config=config, tz=tz) if scan else 0
    session.flush()
    return fired, quick.any_due(session, clock.now())


def run_once(units: Callable[[], AbstractContextManager[Unit]], *, config: Config, worker: str | None = None,
             batch: int = 100, scan: bool = True, stop: Callable[[], bool] = lambda: False) -> Summary:
    """One pass: time-based events, then every due notification, batch by batch."""
    worker = worker or worker_id()
    total = Summary()
    with units() as unit:
        total.scanned, due = unit.call(_scan, scan=scan)
    if not due:
        return total
    from deskctl.services.notify.delivery import claim, record, send_all

    timeout = config.duration("notify.timeout").total_seconds()
    while not stop():
        with units() as unit:
            jobs = unit.call(claim, worker=worker, limit=batch)
        if not jobs:
            break
        send_all(jobs, timeout=timeout)
        with units() as unit:
            total.add(unit.call(record, worker=worker, jobs=jobs))
    return total
