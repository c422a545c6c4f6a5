"""Opening the database: file permissions, pragmas, BEGIN IMMEDIATE for writes, version check.

Write sessions take SQLite's write lock at BEGIN (pysqlite "serializable" recipe), so a state
check and the write that depends on it can never interleave with another process.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session

from deskctl.errors import StorageError
from deskctl.store.schema import HEAD, KNOWN_REVISIONS

BUSY_TIMEOUT_MS = 30_000


def _is_url(target: str) -> bool:
    return "://" in target


def _prepare_file(path: Path) -> None:
    """Create the folder 0700 and an empty file 0600, so the database is never world-readable."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def make_engine(target: str) -> Engine:
    url = target if _is_url(target) else f"sqlite:///{target}"
    if not url.startswith("sqlite"):
        raise StorageError(f"unsupported database URL {target!r}: this build supports SQLite files")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:  # pragma: no branch
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
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

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: BEGIN IMMEDIATE, commit on success, roll back on any error."""
        bind = self.engine.execution_options(deskctl_write=True)
        with Session(bind, expire_on_commit=False) as session:
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


def backup_to(engine: Engine, dest: Path) -> None:
    """A consistent copy through SQLite's online backup API, safe while others write."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    if tmp.exists():
        tmp.unlink()
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(tmp)
        try:
            assert raw.driver_connection is not None  # a live checkout, not a detached one
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()
    os.chmod(tmp, 0o600)
    os.replace(tmp, dest)


def open_database(
    target: str | Path, *, create: bool = False, now: datetime | None = None
) -> Database:
    """Open (or with `create`, make) the database, migrating it when it is behind.

    A database written by a newer deskctl is refused and left untouched. An upgrade of an
    existing database takes a backup first, next to the file.
    """
    target = str(target)
    if _is_url(target):
        path = Path(target.split("///", 1)[-1])
    else:
        path = Path(target).expanduser()
        if not path.exists():
            if not create:
                raise StorageError(f"no database at {path}; run `deskctl init` first")
            try:
                _prepare_file(path)
            except OSError as exc:
                raise StorageError(f"cannot create database {path}: {exc.strerror}") from None
        elif path.is_dir():
            raise StorageError(f"{path} is a folder, not a database file")
        elif not os.access(path, os.R_OK):
            raise StorageError(f"cannot read database {path}: permission denied")
    engine = make_engine(str(path) if not _is_url(target) else target)
    try:
        revision = _current_revision(engine)
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        reason = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
        raise StorageError(f"{path} is not a usable deskctl database ({reason})") from None
    if revision == HEAD:
        return Database(engine=engine, path=path)
    if revision is not None and revision not in KNOWN_REVISIONS:
        engine.dispose()
        raise StorageError(
            f"{path} was written by a newer deskctl (schema {revision}); upgrade deskctl, "
            "the database was not touched"
        )
    if revision is None and not _is_empty(engine):
        engine.dispose()
        raise StorageError(f"{path} is an SQLite database, but not a deskctl one; not touched")
    if revision is not None:
        stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
        backup = path.with_name(f"{path.name}.{revision}.{stamp}.bak")
        backup_to(engine, backup)
    upgrade(engine)
    raw = engine.raw_connection()
    try:
        assert raw.driver_connection is not None  # a live checkout, not a detached one
        raw.driver_connection.execute("PRAGMA journal_mode=WAL")
    finally:
        raw.close()
    return Database(engine=engine, path=path)


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        tables: int = conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
        return tables == 0


def upgrade(engine: Engine, revision: str = "head") -> None:
    from deskctl.store.migrate import run_upgrade

    run_upgrade(engine, revision)


def restore_from(source: Path, dest: Path) -> None:
    """Replace the database file with a checked copy of `source` (which must be a deskctl db)."""
    probe = make_engine(str(source))
    try:
        revision = _current_revision(probe)
        with probe.connect() as conn:
            ok = conn.exec_driver_sql("PRAGMA integrity_check").scalar_one()
    except (DatabaseError, OperationalError):
        raise StorageError(f"{source} is not an SQLite database") from None
    finally:
        probe.dispose()
    if revision is None:
        raise StorageError(f"{source} is not a deskctl database")
    if revision not in KNOWN_REVISIONS:
        raise StorageError(f"{source} was written by a newer deskctl (schema {revision})")
    if ok != "ok":
        raise StorageError(f"{source} fails the integrity check: {ok}")
    tmp = dest.with_name(dest.name + ".restore")
    shutil.copyfile(source, tmp)
    os.chmod(tmp, 0o600)
    for suffix in ("-wal", "-shm"):
        side = dest.with_name(dest.name + suffix)
        if side.exists():
            side.unlink()
    os.replace(tmp, dest)
