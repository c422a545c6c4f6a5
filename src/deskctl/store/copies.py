"""Backups, restores and safety copies that cannot destroy data (docs/design.md §8, docs/storage.md).

- A backup is one consistent snapshot taken through SQLite's backup API into a private part file
  (0600), in rollback-journal mode so that it opens anywhere, read-only media included; it never
  replaces an existing file unless forced, and never lands on the database's own files.
- A restore stages a checked copy of the backup beside the database, keeps the current database
  as a uniquely named safety copy, then renames the staged copy over it: interrupted at any
  point, the desk is either the old one or the restored one.
- A safety copy (before a restore, before an upgrade) gets a name no other file has, and is
  never overwritten.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from deskctl.errors import Conflict, InvalidInput, StorageError
from deskctl.i18n import N_, _
from deskctl.store import schema
from deskctl.store.diagnose import (
    CANTOPEN,
    CORRUPT,
    NOTADB,
    READONLY,
    explain,
    not_writable,
    reason_of,
    sqlite_code,
    storage_errors,
)
from deskctl.store.engine import connect, immutable_is_safe
from deskctl.store.files import PartFile, copy_names, sweep
from deskctl.store.location import own_files, refuse_own_files

STEP_PAGES = 1024  # pages per backup step; between steps Ctrl-C and SIGTERM can stop a long copy


@dataclass
class Outcome:
    """What a storage operation did, for the command to tell."""

    path: Path
    safety_copy: Path | None = None
    revision: str | None = None
    removed: list[Path] = field(default_factory=list)  # leftovers of killed runs, swept


def _between_steps(_status: int, _remaining: int, _total: int) -> None:
    """Called by SQLite between backup steps: Python runs pending signal handlers here."""


def copy_into(source: sqlite3.Connection, part: Path) -> None:
    """Copy the database behind `source` into the file `part`: one consistent snapshot (a read
    transaction held across every step), left in rollback-journal mode."""
    target = sqlite3.connect(part, isolation_level=None)
    try:
        source.execute("BEGIN")
        try:
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts
            source.backup(target, pages=STEP_PAGES, progress=_between_steps)
        finally:
            source.execute("ROLLBACK")
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


@contextmanager
def _writing(dest: Path, database: Path, *, doing: str) -> Iterator[PartFile]:
    """A part file for `dest`; failures are named (disk full, read-only …) before it is removed."""
    with storage_errors(database, doing=doing, target=dest):
        with PartFile(dest) as part, storage_errors(database, doing=doing, target=part.path):
            yield part


# what a safety copy is kept before (shown in messages)
KINDS = (N_("upgrade"), N_("restore"), N_("backup"))


def check_backup_target(dest: Path, database: Path, *, force: bool) -> None:
    """Refuse a backup target that is the database (or its side files), a folder, or (without
    `force`) an existing file."""
    refuse_own_files(dest, database, what=_("the backup"))
    if dest.is_dir():
        raise InvalidInput(_("{path} is a folder; give a file name").format(path=dest))
    if os.path.lexists(dest) and not force:
        raise Conflict(_("{path} exists; pass --force to replace it").format(path=dest))


def backup_to(engine: Engine, dest: Path, *, force: bool = False) -> Outcome:
    """Write a consistent copy of the database of `engine` to `dest` (safe while others write)."""
    assert engine.url.database is not None  # deskctl's engines are on files (store.location)
    database, dest = Path(engine.url.database), Path(dest)
    check_backup_target(dest, database, force=force)
    try:
        dest.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise (explain(exc, dest, doing=_("create the folder {folder}").format(folder=dest.parent))
               or StorageError(str(exc))) from None
    removed = sweep(dest)
    raw = engine.raw_connection()
    try:
        with _writing(dest, database, doing=_("write the backup {path}").format(path=dest)) as part:
            assert raw.driver_connection is not None  # a live checkout, not a detached one
            copy_into(raw.driver_connection, part.path)
            part.publish_or_refuse(dest, force=force)
    finally:
        raw.close()
    return Outcome(path=dest, removed=removed)


def _source_connection(source: Path) -> sqlite3.Connection:
    """Open a backup read-only (it may sit on read-only media), with its errors named."""
    doing = _("read the backup {path}").format(path=source)
    try:
        con = connect(source, "ro")
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return con
        except sqlite3.Error:
            con.close()
            raise
    except sqlite3.Error as exc:
        code = sqlite_code(exc)
        if code is not None and code & 0xFF in (CANTOPEN, READONLY) and immutable_is_safe(source):
            return connect(source, "immutable")
        if code is not None and code & 0xFF == NOTADB:
            raise StorageError(_("{path} is not an SQLite database ({reason})").format(
                path=source, reason=reason_of(exc))) from None
        raise (explain(exc, source, doing=doing) or StorageError(_("cannot {doing}: {reason}").format(
            doing=doing, reason=reason_of(exc)))) from None


def _check_staged(part: Path, source: Path) -> str:
    """The staged copy is a deskctl desk this program can use, whole; it is switched to WAL."""
    con = sqlite3.connect(part, isolation_level=None)
    try:
        try:
            has = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            row = con.execute("SELECT version_num FROM alembic_version").fetchone() if has else None
            ok = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            if (sqlite_code(exc) or 0) & 0xFF in (NOTADB, CORRUPT):  # not a database, corrupt
                raise StorageError(_("{path} is not a usable deskctl backup ({reason})").format(
                    path=source, reason=reason_of(exc))) from None
            raise
        revision = str(row[0]) if row else None
        if revision is None:
            raise StorageError(_("{path} is not a deskctl database").format(path=source))
        if revision not in schema.KNOWN_REVISIONS:
            raise StorageError(_("{path} was written by a newer deskctl (schema {revision})").format(
                path=source, revision=revision))
        if ok != ["ok"]:
            raise StorageError(_("{path} fails the integrity check: {problems}").format(
                path=source, problems="; ".join(ok[:3])))
        con.execute("PRAGMA journal_mode=WAL")
        return revision
    finally:
        con.close()  # the last connection: the part file alone is the whole desk


def safety_copy(database: Path, *, kind: str, now: datetime | None = None) -> Path:
    """Keep the database as `NAME.before-KIND.STAMP[-N].bak`, never overwriting another file.

    Taken through the backup API (WAL content included); a file SQLite cannot read is kept byte
    for byte, with its WAL and journal, exactly as it was.
    """
    with _writing(database, database, doing=_("keep a copy of {path} before the {kind}").format(
            path=database, kind=_(kind))) as part:
        try:
            source = connect(database, "ro" if not_writable(database) else "rw")
            try:
                copy_into(source, part.path)
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            if (sqlite_code(exc) or 0) & 0xFF not in (NOTADB, CORRUPT):
                raise
            return _byte_copy(database, part, kind=kind, now=now)
        return part.publish_first_free(copy_names(database, kind, now))


def _byte_copy(database: Path, part: PartFile, *, kind: str, now: datetime | None) -> Path:
    os.ftruncate(part.fd, 0)
    with open(database, "rb") as src, open(part.fd, "wb", closefd=False) as out:
        shutil.copyfileobj(src, out)
    kept = part.publish_first_free(copy_names(database, kind, now))
    for side in own_files(database)[1:]:
        if side.name.endswith("-shm") or not side.exists():
            continue
        with PartFile(kept.with_name(kept.name + side.name[len(database.name):])) as extra:
            with open(side, "rb") as src, open(extra.fd, "wb", closefd=False) as out:
                shutil.copyfileobj(src, out)
            extra.publish(extra.dest)
    return kept


def _quiesce(database: Path, *, kept: bool) -> None:
    """Fold the WAL into the database and make sure no other program has it open, so that
    renaming a new file over it loses nothing and leaves no stale WAL beside it. The side files
    of a database SQLite cannot read are removed only once they are `kept` in the safety copy."""
    wal, shm, journal = own_files(database)[1:]
    if not (wal.exists() or shm.exists() or journal.exists()):
        return
    try:
        con = connect(database, "rw")
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # rolls back a hot journal
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            con.close()  # the last connection removes the WAL and shared-memory files
    except sqlite3.DatabaseError as exc:
        if (sqlite_code(exc) or 0) & 0xFF not in (NOTADB, CORRUPT):
            raise  # locked, I/O …: named by the caller, nothing replaced
        # A database SQLite cannot read: once its side files are in the safety copy, they go, so
        # that they are never applied to the restored file.
        if kept:
            for side in (wal, shm, journal):
                side.unlink(missing_ok=True)
        return
    if wal.exists() or journal.exists():
        raise Conflict(_(
            "{path} is open in another program (a deskctl command still running?); "
            "nothing was replaced: try again when it has finished").format(path=database))
    shm.unlink(missing_ok=True)


def restore_from(source: Path, dest: Path, *, now: datetime | None = None) -> Outcome:
    """Replace the database `dest` with a checked copy of the backup `source`.

    The copy is staged (0600, synced) beside `dest`, the current database is kept as a uniquely
    named safety copy, and the staged copy is renamed over it: atomic, safe to interrupt.
    """
    source = Path(source)
    dest = Path(os.path.realpath(dest))
    refuse_own_files(source, dest, what=_("the backup to restore"))
    try:
        dest.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise (explain(exc, dest, doing=_("create the folder {folder}").format(folder=dest.parent))
               or StorageError(str(exc))) from None
    restoring = _("restore {path}").format(path=dest)
    with storage_errors(dest, doing=restoring):
        removed = sweep(dest)
    with _writing(dest, dest, doing=restoring) as staged:
        src = _source_connection(source)
        try:
            copy_into(src, staged.path)
        finally:
            src.close()
        revision = _check_staged(staged.path, source)
        kept = None
        if dest.exists():
            _quiesce(dest, kept=False)  # refuse early, before anything is kept, when in use
            kept = safety_copy(dest, kind="restore", now=now)
            _quiesce(dest, kept=True)
        staged.publish(dest, replace=True)
    return Outcome(path=dest, safety_copy=kept, revision=revision, removed=removed)
