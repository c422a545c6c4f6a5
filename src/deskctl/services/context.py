"""What a use case runs in: the session, the clock, the acting user, the config, the desk zone.

Services declare the parts they need as keyword-only parameters (`session`, `clock`, `now`,
`actor`, `config`, `tz`); `Unit.call` passes exactly those, so the CLI, the demo and the tests
call a service the same way and none of them spells the pass-through out.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from deskctl.config import Config
from deskctl.timeparse import Clock

if TYPE_CHECKING:
    from sqlmodel import Session

T = TypeVar("T")
CONTEXT = ("session", "clock", "now", "actor", "config", "tz")


@cache
def _declared(service: Callable[..., Any]) -> tuple[str, ...]:
    params = inspect.signature(service).parameters
    return tuple(name for name in CONTEXT if name in params)


@dataclass
class Unit:
    """One unit of work: a session (one transaction) plus the context services may declare."""

    session: Session
    clock: Clock
    actor: str
    config: Config
    tz: tzinfo

    def __post_init__(self) -> None:
        # The outbox (services/notify/outbox.py) reads the desk's zone and config from here when
        # a change deep inside a use case causes a notification.
        self.session.info["unit"] = self

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def call(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """Call `service` with the context it declares, and `kwargs` (which win)."""
        context = {name: getattr(self, name) for name in _declared(service) if name not in kwargs}
        return service(**context, **kwargs)
