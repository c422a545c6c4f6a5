"""`deskctl demo`: a realistic desk, seeded area by area with a fixed random seed.

Each area seeds itself in its own module; they run in order, in one transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlmodel import Session

from deskctl.config import Config
from deskctl.timeparse import Clock


@dataclass
class DemoContext:
    session: Session
    clock: Clock
    config: Config
    tz: tzinfo
    now: datetime
    rng: random.Random
    counts: dict[str, int] = field(default_factory=dict)


def build_demo(*, session: Session, clock: Clock, config: Config, tz: tzinfo, seed: int = 7) -> dict:
    from deskctl.services.demo import inspections, people, shifts, staff, tickets

    ctx = DemoContext(session=session, clock=clock, config=config, tz=tz, now=clock.now(), rng=random.Random(seed))
    for area in (staff, shifts, tickets, inspections, people):
        area.seed(ctx)
    return ctx.counts


def secure_demo(*, session: Session, now: datetime, settings: dict) -> str:
    """The demo desk's last step: the supervisor gets a fresh passphrase (returned, so the demo
    prints it) and the desk takes its last settings: by default it asks for logins as a new desk
    does (docs/identity.md); `deskctl demo --set KEY=VALUE` says otherwise."""
    import secrets

    from deskctl.services.people.identity import set_passphrase
    from deskctl.services.settings import initial_settings

    passphrase = "-".join(secrets.token_hex(3) for _ in range(3))
    set_passphrase(session=session, now=now, handle="lead", passphrase=passphrase, proven=None)
    initial_settings(session=session, now=now, values=settings, why="demo desk")
    return passphrase
