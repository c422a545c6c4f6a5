"""SQLite on a network filesystem is refused: its locking is not safe there (docs/team.md).

SQLite's own guidance: file locking over NFS, SMB/CIFS and FUSE network mounts is unreliable
and WAL needs shared memory on one host, so two PCs writing one desk file on a share corrupt it.
The filesystem type of the mount holding the file (the longest mount point that is a prefix of
its real path) is read from /proc/self/mountinfo; where that file does not exist (not Linux),
nothing is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from deskctl.errors import StorageError
from deskctl.i18n import _

NETWORK_FS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs",
                        "fuse.glusterfs", "lustre", "ncpfs", "fuse.rclone"})
MOUNTINFO = Path("/proc/self/mountinfo")


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) of each line of a /proc/PID/mountinfo text."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields or len(fields) < 7:
            continue
        sep = fields.index("-")
        if sep + 1 >= len(fields):
            continue
        mounts.append((_unescape(fields[4]), fields[sep + 1]))
    return mounts


def fs_type(path: Path, mountinfo: str) -> str | None:
    """The filesystem type holding `path` according to `mountinfo` (the longest-prefix mount;
    later lines win among equal mount points, as they are mounted over the earlier ones)."""
    real = os.path.realpath(path)
    best: tuple[int, str] | None = None
    for point, kind in parse_mountinfo(mountinfo):
        prefix = point.rstrip("/") + "/"
        if real == point or real.startswith(prefix) or point == "/":
            if best is None or len(point) >= best[0]:
                best = (len(point), kind)
    return best[1] if best else None


def refuse_network_fs(path: Path, mountinfo: str | None = None) -> None:
    """Raise StorageError (exit 6) when the SQLite file `path` lives on a network filesystem."""
    if mountinfo is None:
        try:
            mountinfo = MOUNTINFO.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
    kind = fs_type(path, mountinfo)
    if kind in NETWORK_FS:
        raise StorageError(_(
            "{path} is on a network filesystem ({kind}): SQLite's locking is not safe there and a desk shared "
            "that way gets corrupted; keep the file on a local disk, or share the desk in team mode "
            "(--db postgresql://HOST/DBNAME, docs/team.md)").format(path=path, kind=kind))
