"""What every command shares: global options, config, clock, zone, acting user, the database.

Everything here is lazy, so `deskctl --help` imports no SQLAlchemy and reads no files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from deskctl import config as config_mod
from deskctl.errors import ConfigError, PermissionDenied
from deskctl.i18n import _
from deskctl.services.context import Unit
from deskctl.session_file import os_user
from deskctl.timeparse import Clock, get_zone, system_zone_name

if TYPE_CHECKING:
    from sqlalchemy import Connection
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
    # What the write transactions of this run committed, in brief ("ticket 42 opened"): the
    # error boundary names it when the output fails afterwards, so nobody retries a done write.
    committed: list[str] = field(default_factory=list)

    @cached_property
    def local_config(self) -> config_mod.Config:
        """The person's config file (who they are, which desk): readable before any desk."""
        return config_mod.load()

    @cached_property
    def _desk(self) -> DeskContext:
        """The desk's settings, id and this terminal's proven member, read in one go; a desk that
        cannot be opened (none yet, behind the program) has none, and the command that needs
        the database says why when it opens it."""
        from deskctl.errors import DeskError

        try:
            db = self.database()
        except DeskError:
            return DeskContext()
        from deskctl import session_file
        from deskctl.services.people.identity import session_holder
        from deskctl.services.settings import desk_id, desk_settings

        with db.read() as session:
            settings = desk_settings(session=session)
            ident = desk_id(session=session)
            token = session_file.token(ident, session_file.terminal()) if ident else None
            now = self._frozen_or_real(settings)
            proven = session_holder(session=session, now=now, token=token, os_user=os_user()) if token else None
        return DeskContext(settings=settings, desk_id=ident, proven=proven, exists=True)

    @cached_property
    def config(self) -> config_mod.Config:
        """The effective configuration: the person's file plus the desk's settings."""
        return self.local_config.with_desk(self._desk.settings)

    @property
    def desk_id(self) -> str:
        return self._desk.desk_id

    @property
    def proven(self) -> str | None:
        """The staff member logged in at this terminal (docs/identity.md), if any."""
        return self._desk.proven

    @staticmethod
    def _frozen_or_real(settings: dict[str, Any]) -> datetime:
        clock = Clock.from_env()
        if clock.fixed is not None and settings.get("clock.override") is True:
            return clock.fixed
        return datetime.now(UTC)

    @cached_property
    def clock(self) -> Clock:
        """The real clock, or `$DESKCTL_NOW` on a desk whose `clock.override` allows it (exit 5
        elsewhere: nobody clocks in or writes history at a chosen time)."""
        clock = Clock.from_env()
        if clock.fixed is not None and not self._desk.exists:
            self.database()  # no usable desk: its own error says why, before the clock's
        if clock.fixed is not None and not self.config.get("clock.override"):
            raise PermissionDenied(_(
                "DESKCTL_NOW is refused: this desk's clock.override is false (only drill and test desks "
                "freeze the clock); unset DESKCTL_NOW"
            ))
        return clock

    @cached_property
    def tz_name(self) -> str:
        return self.tz_option or self.config.get("timezone") or system_zone_name()

    @cached_property
    def tz(self) -> tzinfo:
        return get_zone(self.tz_name)

    @cached_property
    def actor(self) -> str:
        """Who acts: --as, else $DESKCTL_USER, else the member logged in at this terminal, else
        the config's `user`, else the login name (docs/identity.md says what proves it)."""
        for candidate in (self.as_option, os.environ.get("DESKCTL_USER")):
            if candidate and candidate.strip():
                return candidate.strip()
        if self.proven:
            return self.proven
        user = self.local_config.get("user")
        if user and user.strip():
            return str(user).strip()
        return os_user()

    @cached_property
    def db_target(self) -> str:
        target = self.db_option or os.environ.get("DESKCTL_DB") or self.local_config.get("database")
        if target:
            return target if "://" in target else str(Path(target).expanduser())
        return str(config_mod.default_db_path())

    @property
    def db_path(self) -> Path:
        """The database file (an in-memory or unknown URL is refused here, exit 2)."""
        from deskctl.store.location import parse_target

        return parse_target(self.db_target, doing=_("back up or restore it as a file")).path

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
        `migrate` (init, db upgrade) upgrades one, and only for a supervisor (docs/design.md §8)."""
        if self._db is None:
            from deskctl.store.engine import open_database

            timeout = self.local_config.duration("database_timeout").total_seconds()
            self._db = open_database(self.db_target, create=create, migrate=migrate, now=datetime.now(UTC),
                                     approve=self.authorise_supervisor, timeout=timeout)
        return self._db

    def authorise_supervisor(self, conn: Connection) -> None:
        """Refuse (exit 5) unless the acting user is a supervisor proven as the desk asks; works
        on a desk at any schema revision (upgrade, restore)."""
        from deskctl import session_file
        from deskctl.services.people.identity import authorise_supervisor_at_any_schema

        term = session_file.terminal()
        named = next((c.strip() for c in (self.as_option, os.environ.get("DESKCTL_USER")) if c and c.strip()), None)
        user = str(self.local_config.get("user") or "").strip()
        authorise_supervisor_at_any_schema(
            conn, named=named, fallback=user or os_user(), token_for=lambda desk: session_file.token(desk, term),
            os_user=os_user(), now=datetime.now(UTC),
        )

    @contextmanager
    def write(self, *, create: bool = False) -> Iterator[Unit]:
        from deskctl.store.audit import changes_of

        db = self.database(create=create)
        with db.write() as session:
            yield self._unit(session)
        what = changes_of(session)  # committed: the block above ended without an error
        if what:
            self.committed.append(what)

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
        session.info["proven"] = self.proven
        return Unit(session=session, clock=self.clock, actor=self.actor, config=self.config, tz=self.tz)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@dataclass(frozen=True)
class DeskContext:
    settings: dict[str, Any] = field(default_factory=dict)
    desk_id: str = ""
    proven: str | None = None
    exists: bool = False


_current: AppState | None = None


def set_state(state: AppState) -> None:
    global _current
    _current = state


def state() -> AppState:
    if _current is None:  # commands invoked without the root callback (never from the CLI)
        raise ConfigError("internal: no application state")
    return _current
