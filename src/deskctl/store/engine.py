"""Opening the database: file checks, read-only use, pragmas, BEGIN IMMEDIATE, version check.

Write sessions take SQLite's write lock at BEGIN (pysqlite "serializable" recipe), so a state
check and the write that depends on it can never interleave with another process.

What opening promises (docs/design.md §8, docs/storage.md):
- only `create` (init, demo) makes a database, and it appears complete: it is built and migrated
  in a private part file and published under its name by a hard link, so concurrent `init`s
  all succeed and the desk is initialised once; it is 0600 from its first byte;
- only `migrate` (init, db upgrade) changes the schema, after a uniquely named safety copy; every
  other command is refused on a database behind this program, and nothing is touched;
- an empty (0-byte) file, a foreign SQLite file and a database from a newer deskctl are refused
  untouched;
- a database this process cannot write (read-only mount, no permission) is opened read-only
  (SQLite `mode=ro`; `immutable=1` only when nobody can be writing it) and writes are refused
  with the reason.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from deskctl.errors import StorageError
from deskctl.i18n import _
from deskctl.store import schema
from deskctl.store.diagnose import (
    CANTOPEN,
    READONLY,
    explain,
    fs_readonly,
    not_writable,
    reason_of,
    sqlite_code,
    storage_errors,
)
from deskctl.store.files import PartFile, sweep
from deskctl.store.location import ServerLocation, parse_any, parse_target

if TYPE_CHECKING:
    from deskctl.store.copies import Outcome

BUSY_TIMEOUT_MS = 30_000
_MODES = {"rw": "mode=rw", "ro": "mode=ro", "immutable": "mode=ro&immutable=1"}


def connect(path: Path, access: str = "rw") -> sqlite3.Connection:
    """A DB-API connection that never creates a file: `rw`, `ro`, or `immutable` (nobody writes)."""
    uri = f"{Path(os.path.abspath(path)).as_uri()}?{_MODES[access]}"
    con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    con.isolation_level = None  # we emit BEGIN ourselves
    return con


def make_engine(target: str | Path, *, access: str = "rw") -> Engine:
    path = Path(target) if isinstance(target, Path) else parse_target(str(target)).path
    engine = create_engine(f"sqlite:///{path}", creator=lambda: connect(path, access))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:  # pragma: no branch
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("deskctl_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Database:
    engine: Engine
    path: Path
    readonly: str | None = None  # why this process cannot write the desk, when it cannot
    created: bool = False  # this process made the file (`init` on a new path)
    safety_copy: Path | None = None  # the copy taken before an upgrade
    upgraded: bool = False  # this process upgraded the desk's schema (`migrate`)
    removed: list[Path] = field(default_factory=list)  # leftovers of killed runs, swept

    def errors(self, doing: str) -> AbstractContextManager[None]:
        """Storage failures named for what they are (a server desk names its server instead)."""
        return storage_errors(self.path, doing=doing)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.errors(_("read the desk")), Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: BEGIN IMMEDIATE, commit on success, roll back on any error."""
        if self.readonly:
            raise StorageError(_(
                "{path} is read-only ({why}): this command changes the desk; nothing was changed"
            ).format(path=self.path, why=self.readonly))
        bind = self.engine.execution_options(deskctl_write=True)
        with self.errors(_("write to the desk")), Session(bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        has = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if not has:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        tables: int = conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
        return tables == 0


def _check_file(path: Path) -> None:
    try:
        info = path.stat()
    except PermissionError:
        raise StorageError(_("permission denied: cannot reach {path}").format(path=path)) from None
    except FileNotFoundError:
        raise StorageError(_("{path} is a broken symbolic link; nothing was created").format(path=path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise StorageError(_("{path} is a folder, not a database file").format(path=path))
    if not stat.S_ISREG(info.st_mode):
        raise StorageError(_("{path} is not a regular file, so not a deskctl database; not touched").format(
            path=path))
    if not os.access(path, os.R_OK):
        raise StorageError(_("permission denied: cannot read database {path}").format(path=path))
    if info.st_size == 0:
        raise StorageError(_(
            "{path} is an empty file (0 bytes), not a deskctl database; not touched "
            "(remove it, or give `deskctl init` a new path)").format(path=path))


def immutable_is_safe(path: Path) -> bool:
    """Nobody can be writing `path`: its filesystem is read-only, or its folder is writable by
    nobody (so no writer can make the journal or WAL SQLite needs); and no WAL or hot journal
    holds changes that an immutable read would skip."""
    for side in ("-wal", "-journal"):
        pending = path.with_name(path.name + side)
        if pending.exists() and pending.stat().st_size > 0:
            return False
    return fs_readonly(path) or path.parent.stat().st_mode & 0o222 == 0


def _open(path: Path, why_readonly: str | None) -> tuple[Engine, str | None, str]:
    """An engine on `path` and its schema revision, read-only when this process cannot write."""
    access = "ro" if why_readonly else "rw"
    engine = make_engine(path, access=access)
    try:
        return engine, _current_revision(engine), access
    except DBAPIError as exc:
        engine.dispose()
        code = sqlite_code(exc)
        # A WAL database read-only: SQLite needs its -shm file, which it may not be able to make.
        if access == "ro" and code is not None and code & 0xFF in (CANTOPEN, READONLY):
            if immutable_is_safe(path):
                engine = make_engine(path, access="immutable")
                try:
                    return engine, _current_revision(engine), "immutable"
                except DBAPIError as again:
                    engine.dispose()
                    exc = again
            else:
                raise StorageError(_(
                    "{path} is read-only ({why}) and SQLite cannot read it that way here "
                    "({reason}): its write-ahead log holds changes or someone may be "
                    "writing it; open it where it is writable"
                ).format(path=path, why=why_readonly, reason=reason_of(exc))) from None
        error = explain(exc, path, doing=_("read the desk"))
        raise (error or StorageError(_("{path} is not a usable deskctl database ({reason})").format(
            path=path, reason=reason_of(exc)))) from None


def _create(path: Path) -> tuple[bool, list[Path]]:
    """Build a new migrated database in a part file and publish it as `path` unless another
    process did first. Returns (whether this process created it, leftovers swept)."""
    try:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise (explain(exc, path, doing=_("create the folder {folder}").format(folder=path.parent))
               or StorageError(_("cannot create database {path}: {reason}").format(path=path, reason=exc.strerror))
               ) from None
    creating = _("create the database {path}").format(path=path)
    with storage_errors(path, doing=creating):
        removed = sweep(path)
        with PartFile(path) as part, storage_errors(path, doing=creating, target=part.path):
            engine = make_engine(part.path)
            try:
                _upgrade_in_transaction(engine)
                _ensure_wal(engine)
            finally:
                engine.dispose()  # the last connection folds the WAL in: the file alone is the desk
            try:
                part.publish(path)
            except FileExistsError:
                return False, removed  # another `deskctl init` published first: use theirs
    return True, removed


def open_database(
    target: str | Path, *, create: bool = False, migrate: bool = False, now: datetime | None = None,
    approve: Callable[[Connection], None] | None = None, timeout: float | None = None,
) -> Database:
    """Open the database (`create`: make it when missing; `migrate`: upgrade it when behind).

    A database written by a newer deskctl is refused and left untouched; so is one behind this
    program unless `migrate`, which first keeps a uniquely named safety copy next to it.
    `approve(conn)` is called inside the upgrade's write transaction, before anything changes;
    raising there refuses the upgrade (who may upgrade: docs/identity.md).
    A `postgresql://` URL opens a desk on a server (`store.server`, `timeout`: connect timeout in
    seconds); an SQLite file on a network filesystem is refused (`store.netfs`).
    """
    where = parse_any(str(target)) if not isinstance(target, Path) else None
    if isinstance(where, ServerLocation):
        from deskctl.store.server import DEFAULT_TIMEOUT, open_server

        return open_server(where, create=create, migrate=migrate, timeout=timeout or DEFAULT_TIMEOUT,
                           approve=approve)
    path = where.path if where is not None else target
    assert isinstance(path, Path)
    from deskctl.store.netfs import refuse_network_fs

    refuse_network_fs(path)
    created = False
    removed: list[Path] = []
    if not path.exists() and not os.path.islink(path):
        if not create:
            raise StorageError(_("no database at {path}; run `deskctl init` first").format(path=path))
        created, removed = _create(path)
    _check_file(path)
    why_readonly = not_writable(path)
    engine, revision, access = _open(path, why_readonly)
    db = Database(engine=engine, path=path, readonly=why_readonly, created=created, removed=removed)
    try:
        _check_revision(db, revision, migrate=migrate, now=now, approve=approve)
        if (create or migrate) and not why_readonly:
            with storage_errors(path, doing=_("switch the database to WAL mode")):
                _ensure_wal(engine)
    except BaseException:
        engine.dispose()
        raise
    return db


def _check_revision(
    db: Database, revision: str | None, *, migrate: bool, now: datetime | None,
    approve: Callable[[Connection], None] | None = None,
) -> None:
    path = db.path
    if revision == schema.HEAD:
        return
    if revision is not None and revision not in schema.KNOWN_REVISIONS:
        raise StorageError(_(
            "{path} was written by a newer deskctl (schema {revision}); upgrade deskctl, "
            "the database was not touched").format(path=path, revision=revision))
    if revision is None:
        with storage_errors(path, doing=_("read the desk")):
            empty = _is_empty(db.engine)
        if empty:
            raise StorageError(_("{path} is an empty SQLite database, not a deskctl desk; not touched").format(
                path=path))
        raise StorageError(_("{path} is an SQLite database, but not a deskctl one; not touched").format(path=path))
    if not migrate:
        raise StorageError(_(
            "{path} is at schema {revision} and this deskctl needs {head}: run "
            "`deskctl db upgrade` (it keeps a copy first); nothing was changed"
        ).format(path=path, revision=revision, head=schema.HEAD))
    if db.readonly:
        raise StorageError(_("{path} is read-only ({why}): it cannot be upgraded here").format(
            path=path, why=db.readonly))
    with storage_errors(path, doing=_("upgrade the database")):
        db.removed += sweep(path)  # what a killed upgrade or restore left beside it
    db.safety_copy = _migrate(db.engine, path, now=now, approve=approve)
    db.upgraded = True


def _migrate(
    engine: Engine, path: Path, *, now: datetime | None, approve: Callable[[Connection], None] | None = None
) -> Path:
    """Upgrade under the write lock: nobody writes between the safety copy and the new schema.

    SQLite's schema changes are transactional, so an interrupted upgrade leaves the old schema.
    """
    from deskctl.store.copies import safety_copy

    with storage_errors(path, doing=_("upgrade the database")):
        with engine.execution_options(deskctl_write=True).connect() as conn:
            conn.begin()
            if approve is not None:
                approve(conn)  # under the write lock: what it checks cannot change before the upgrade
            kept = safety_copy(path, kind="upgrade", now=now)
            _run_upgrade(conn)
            conn.commit()
    return kept


def _run_upgrade(conn: Connection, revision: str = "head") -> None:
    from deskctl.store.migrate import run_upgrade

    run_upgrade(conn, revision)


def _upgrade_in_transaction(engine: Engine, revision: str = "head") -> None:
    with engine.execution_options(deskctl_write=True).begin() as conn:
        _run_upgrade(conn, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations on `engine` in one write transaction (no safety copy: see open_database)."""
    _upgrade_in_transaction(engine, revision)


def _ensure_wal(engine: Engine) -> None:
    raw = engine.raw_connection()
    try:
        assert raw.driver_connection is not None  # a live checkout, not a detached one
        raw.driver_connection.execute("PRAGMA journal_mode=WAL")
    finally:
        raw.close()


def backup_to(engine: Engine, dest: Path, *, force: bool = False) -> Outcome:
    """A consistent copy through SQLite's backup API (see `deskctl.store.copies.backup_to`)."""
    from deskctl.store.copies import backup_to as copy

    return copy(engine, dest, force=force)


def restore_from(source: Path, dest: Path, *, now: datetime | None = None) -> Outcome:
    """Replace the database with a checked copy (see `deskctl.store.copies.restore_from`)."""
    from deskctl.store.copies import restore_from as restore

    return restore(source, dest, now=now)
