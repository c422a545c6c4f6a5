"""Name a storage failure for what it is: disk full, read-only, permission denied, corrupt, I/O.

SQLite reports a full disk while reading as "disk I/O error" (it could not grow its shared-memory
file), and a read-only folder as "unable to open database file". Those words send people looking
for corruption. `explain` turns an SQLite or OS error into one StorageError line (exit 6) by
reading SQLite's extended error code and then looking at the filesystem itself: free space, the
read-only mount flag, permissions.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from deskctl.errors import DeskError, StorageError
from deskctl.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

# SQLite primary result codes (the low byte of an extended code).
PERM, BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, AUTH, NOTADB = 3, 5, 6, 8, 10, 11, 13, 14, 23, 26
LOW_SPACE = 64 * 1024  # below this, SQLite cannot even make its shared-memory file (32 KiB)


def sqlite_code(exc: BaseException) -> int | None:
    """The extended SQLite result code of `exc` (an sqlite3 error, or SQLAlchemy's wrapper of one)."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    return code if isinstance(code, int) else None


def reason_of(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    return text


def _existing(path: Path) -> Path:
    """The nearest existing folder at or above `path`'s folder (statvfs needs one)."""
    folder = Path(path).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def fs_readonly(path: Path) -> bool:
    try:
        return bool(os.statvfs(_existing(path)).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def fs_full(path: Path) -> bool:
    try:
        st = os.statvfs(_existing(path))
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < LOW_SPACE or (st.f_files > 0 and st.f_favail == 0)


def not_writable(path: Path) -> str | None:
    """Why this process cannot write the database file `path`, or None when it can."""
    path = Path(path)
    if fs_readonly(path):
        return _("read-only filesystem")
    if path.exists() and not os.access(path, os.W_OK):
        return _("no write permission on the file")
    folder = path.parent
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return _("no write permission on its folder")
    return None


def _full(path: Path, doing: str) -> StorageError:
    return StorageError(_(
        "disk full: no space left on the filesystem holding {folder} (needed to {doing}); free some space "
        "and try again").format(folder=Path(path).parent, doing=doing))


def explain(exc: BaseException, path: Path, *, doing: str, target: Path | None = None) -> StorageError | None:
    """One line naming what went wrong while trying to `doing` on the database `path`.

    `target` is a file being written from it (a backup), whose filesystem is looked at first.
    Returns None for errors that are not about storage (the caller re-raises those).
    """
    path = Path(path)
    if isinstance(exc, DeskError):
        return None
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        return _explain_os(exc, target or path, doing=doing)
    code = sqlite_code(exc)
    if code is None:
        return None
    primary, name, reason = code & 0xFF, getattr(getattr(exc, "orig", exc), "sqlite_errorname", ""), reason_of(exc)
    written = target or path
    if primary == FULL or (primary == IOERR and (fs_full(written) or fs_full(path))):
        return _full(path if fs_full(path) and not fs_full(written) else written, doing)
    if primary in (READONLY, IOERR, CANTOPEN) and (fs_readonly(written) or fs_readonly(path)):
        where = (written if fs_readonly(written) else path).parent
        return StorageError(_("read-only filesystem: cannot {doing} ({where} is on a read-only mount)").format(
            doing=doing, where=where))
    if primary in (READONLY, CANTOPEN, PERM, AUTH):
        if path.exists() and not os.access(path, os.R_OK):
            return StorageError(_("permission denied: cannot read {path}").format(path=path))
        why = not_writable(written) or not_writable(path)
        if why:
            return StorageError(_("permission denied: cannot {doing} ({why}: {path})").format(
                doing=doing, why=why, path=_named(written)))
        if primary == CANTOPEN:
            return StorageError(_("cannot open {path} to {doing} ({reason})").format(
                path=path, doing=doing, reason=reason))
        return StorageError(_("{path} is read-only ({reason}): cannot {doing}").format(
            path=path, reason=reason, doing=doing))
    if primary == CORRUPT:
        return StorageError(_(
            "{path} is corrupt ({reason}); check it with `deskctl db check` and restore the last "
            "good backup with `deskctl db restore FILE`").format(path=path, reason=reason))
    if primary == NOTADB:
        return StorageError(_("{path} is not a usable deskctl database ({reason})").format(path=path, reason=reason))
    if primary in (BUSY, LOCKED):
        return StorageError(_("{path} stayed locked by another program ({reason}); try again").format(
            path=path, reason=reason))
    if primary == IOERR:
        return StorageError(_("I/O error on {path} while trying to {doing} ({reason}); check the disk").format(
            path=path, doing=doing, reason=name or reason))
    return None


def _named(path: Path) -> Path:
    """A part file never existed for the user: name its folder instead."""
    path = Path(path)
    return path.parent if path.name.endswith(".part") else path


def _explain_os(exc: OSError, path: Path, *, doing: str) -> StorageError | None:
    where = _named(Path(exc.filename) if exc.filename else Path(path))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _full(where, doing)
    if exc.errno == errno.EROFS:
        return StorageError(_("read-only filesystem: cannot {doing} ({where} is on a read-only mount)").format(
            doing=doing, where=where))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StorageError(_("permission denied: cannot {doing} ({where})").format(doing=doing, where=where))
    if exc.errno == errno.EIO:
        return StorageError(_("I/O error on {where} while trying to {doing}; check the disk").format(
            where=where, doing=doing))
    return None


@contextmanager
def storage_errors(path: Path, *, doing: str, target: Path | None = None) -> Iterator[None]:
    """Turn storage failures inside the block into one StorageError line (others pass through).

    Put it *inside* a PartFile block, so that the diagnosis sees the filesystem as the failure
    left it (before the part file that filled the disk is removed).
    """
    try:
        yield
    except Exception as exc:
        error = explain(exc, path, doing=doing, target=target)
        if error is None:
            raise
        raise error from exc


def integrity(session: Session) -> dict:
    """SQLite's page and foreign-key checks; on PostgreSQL (which enforces foreign keys as it
    writes and checks its own pages) every table is read through once instead."""
    if session.connection().dialect.name == "postgresql":
        from sqlalchemy import text
        from sqlmodel import SQLModel

        from deskctl.store.tables import load_all

        load_all()
        problems = []
        for table in SQLModel.metadata.sorted_tables:
            try:
                session.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
            except Exception as exc:  # a damaged relation: name it, check the others
                session.rollback()
                problems.append(f"{table.name}: {str(exc).splitlines()[0]}")
        return {"integrity": problems[:20] or ["ok"], "foreign_key_violations": 0, "ok": not problems}
    rows = [r[0] for r in session.connection().exec_driver_sql("PRAGMA integrity_check").all()]
    fk = session.connection().exec_driver_sql("PRAGMA foreign_key_check").all()
    return {"integrity": rows[:20], "foreign_key_violations": len(fk), "ok": rows == ["ok"] and not fk}
