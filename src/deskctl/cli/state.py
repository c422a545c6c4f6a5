"""What every command shares: global options, config, clock, zone, acting user, the database.

Everything here is lazy, so `deskctl --help` imports no SQLAlchemy and reads no files.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from deskctl import config as config_mod
from deskctl.errors import ConfigError
from deskctl.services.context import Unit
from deskctl.timeparse import Clock, get_zone, system_zone_name

if TYPE_CHECKING:
    from sqlmodel import Session

    from deskctl.store.engine import Database

T = TypeVar("T")


@dataclass
class AppState:
    db_option: str | None = None
    as_option: str | None = None
    tz_option: str | None = None
    debug: bool = False
    _db: Database | None = field(default=None, repr=False)

    @cached_property
    def config(self) -> config_mod.Config:
        return config_mod.load()

    @cached_property
    def clock(self) -> Clock:
        return Clock.from_env()

    @cached_property
    def tz_name(self) -> str:
        return self.tz_option or self.config.get("timezone") or system_zone_name()

    @cached_property
    def tz(self) -> tzinfo:
        return get_zone(self.tz_name)

    @cached_property
    def actor(self) -> str:
        for candidate in (self.as_option, os.environ.get("DESKCTL_USER"), self.config.get("user")):
            if candidate and candidate.strip():
                return candidate.strip()
        try:
            return getpass.getuser()
        except Exception:  # no login name in a bare container
            return "unknown"

    @cached_property
    def db_target(self) -> str:
        target = self.db_option or os.environ.get("DESKCTL_DB") or self.config.get("database")
        if target:
            return target if "://" in target else str(Path(target).expanduser())
        return str(config_mod.default_db_path())

    @property
    def db_path(self) -> Path:
        """The database file (an in-memory or unknown URL is refused here, exit 2)."""
        from deskctl.store.location import parse_target

        return parse_target(self.db_target, doing="back up or restore it as a file").path

    @property
    def db_file(self) -> Path | None:
        """The database file, or None for a desk on a PostgreSQL server (team mode)."""
        from deskctl.store.location import Location, parse_any

        where = parse_any(self.db_target)
        return where.path if isinstance(where, Location) else None

    @property
    def db_shown(self) -> str:
        """The target as messages may print it: a URL's password masked."""
        from deskctl.store.location import mask

        return mask(self.db_target)

    def database(self, *, create: bool = False, migrate: bool = False) -> Database:
        """The desk, opened once per run. Only `create` (init, demo) makes a database and only
        `migrate` (init, db upgrade) upgrades one (docs/design.md §8)."""
        if self._db is None:
            from deskctl.store.engine import open_database

            timeout = self.config.duration("database_timeout").total_seconds()
            self._db = open_database(self.db_target, create=create, migrate=migrate, now=self.clock.now(),
                                     timeout=timeout)
        return self._db

    @contextmanager
    def write(self, *, create: bool = False) -> Iterator[Unit]:
        db = self.database(create=create)
        with db.write() as session:
            yield self._unit(session)

    @contextmanager
    def read(self) -> Iterator[Unit]:
        db = self.database()
        with db.read() as session:
            yield self._unit(session)

    def write_call(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """Run one use case in its own write transaction (see `Unit.call`)."""
        with self.write() as unit:
            return unit.call(service, **kwargs)

    def read_call(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """Run one read-only use case (see `Unit.call`)."""
        with self.read() as unit:
            return unit.call(service, **kwargs)

    def _unit(self, session: Session) -> Unit:
        return Unit(session=session, clock=self.clock, actor=self.actor, config=self.config, tz=self.tz)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


_current: AppState | None = None


def set_state(state: AppState) -> None:
    global _current
    _current = state


def state() -> AppState:
    if _current is None:  # commands invoked without the root callback (never from the CLI)
        raise ConfigError("internal: no application state")
    return _current
