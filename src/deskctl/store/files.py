"""Files that cannot leak or destroy a desk: private part files, no-clobber publishing, sweeping.

Every file deskctl writes on the way to a final name (a new database, a backup, a restore, a
safety copy, an exported calendar) is first a *part file* beside it, `NAME.<token>.part`:

- created with `O_EXCL` at mode 0600, so a copy of the desk is never readable by others, not even
  for a moment;
- locked (`flock`) by its writer for as long as it lives, so a later run can tell a part file
  that is being written from one left by a process that was killed (`sweep`);
- removed, with the side files SQLite may have made for it, when the work fails or is
  interrupted (Ctrl-C, SIGTERM: see `deskctl.cli`); only `kill -9` can leave one behind, and
  the next run of the same operation removes it;
- published by a hard link, which never replaces an existing file (`replace=True` for an
  explicit `--force`), then synced with its folder.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from deskctl.errors import Conflict
from deskctl.i18n import _
from deskctl.store.location import SIDE_SUFFIXES

_PART = r"\.[0-9a-f]{12}\.part"
# Hard links unsupported here: reserve the name with O_EXCL, then rename over the reservation.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS}


def fsync_folder(folder: Path) -> None:
    """Make a rename or link in `folder` durable (best effort where folders cannot be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def link_no_clobber(src: Path, dest: Path) -> None:
    """Give `src` the name `dest` too, failing with FileExistsError if `dest` exists."""
    try:
        os.link(src, dest, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(src, dest)


class PartFile:
    """A private part file beside `dest` (see the module docstring), made when constructed; use it
    as a context manager, which removes it unless it was published."""

    def __init__(self, dest: Path):
        self.dest = Path(dest)
        self.published = False
        self._closed = False
        folder = self.dest.parent
        while True:
            path = folder / f"{self.dest.name}.{secrets.token_hex(6)}.part"
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            try:
                os.fchmod(fd, 0o600)  # a umask can only take bits away; SQLite needs read and write
                fcntl.flock(fd, fcntl.LOCK_EX)
                # A sweep may have removed the file between its creation and our lock.
                if os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                    self.path, self.fd = path, fd
                    return
            except FileNotFoundError:
                pass
            except BaseException:
                os.close(fd)
                _remove(path)
                raise
            os.close(fd)

    def __enter__(self) -> PartFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if not self.published:
                _remove(self.path)
        finally:
            if not self._closed:
                os.close(self.fd)
                self._closed = True

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def sync(self) -> None:
        os.fsync(self.fd)

    def publish(self, target: Path, *, replace: bool = False) -> None:
        """Sync and give the part file its final name; FileExistsError if taken (unless `replace`)."""
        self.sync()
        if replace:
            os.replace(self.path, target)
        else:
            link_no_clobber(self.path, target)
            _remove(self.path)
        self.published = True
        fsync_folder(Path(target).parent)

    def publish_first_free(self, names: Iterable[Path]) -> Path:
        """Publish under the first name of `names` that does not exist yet; never replaces one."""
        for name in names:
            try:
                self.publish(name)
            except FileExistsError:
                continue
            return name
        raise Conflict(_("no free name for a copy of {path} (too many copies with the same time)").format(
            path=self.dest))

    def publish_or_refuse(self, target: Path, *, force: bool) -> None:
        """Publish as `target`; an existing `target` is refused (exit 4) unless `force`."""
        try:
            self.publish(target, replace=force)
        except FileExistsError:
            raise Conflict(_("{path} exists; pass --force to replace it").format(path=target)) from None


def _remove(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)):
        try:
            os.unlink(name)
        except FileNotFoundError:
            pass


def sweep(dest: Path) -> list[Path]:
    """Remove the part files of `dest` that no live process holds (left by `kill -9`).

    Returns what was removed; part files being written by another process are left alone.
    """
    folder = Path(dest).parent
    pattern = re.compile(re.escape(Path(dest).name) + _PART + r"(-wal|-shm|-journal)?$")
    try:
        names = set(os.listdir(folder))
    except OSError:
        return []
    removed: list[Path] = []
    for name in sorted(n for n in names if (m := pattern.match(n)) and not m.group(1)):
        path = folder / name
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # a live writer holds it
            continue
        try:
            _remove(path)
            removed.append(path)
        except OSError:
            pass  # a folder we cannot write: the next run with rights will do it
        finally:
            os.close(fd)
    for name in sorted(names):
        side = pattern.match(name)
        if side is None or not side.group(1):
            continue
        main = name[: -len(side.group(1))]
        if not (folder / main).exists():
            try:
                os.unlink(folder / name)
                removed.append(folder / name)
            except OSError:
                pass
    return removed


def copy_names(database: Path, kind: str, now: datetime | None) -> Iterator[Path]:
    """Names for a safety copy of `database`, e.g. `desk.db.before-restore.20261123T010000Z.bak`,
    then `…Z-2.bak`, `…Z-3.bak`: a later copy never takes an earlier one's name."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"{database.name}.before-{kind}.{stamp}"
    yield database.with_name(f"{base}.bak")
    for n in range(2, 10_000):
        yield database.with_name(f"{base}-{n}.bak")
