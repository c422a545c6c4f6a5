"""Where the desk lives: a database target (file path or URL) read, checked and shown safely.

Light on purpose (no SQLAlchemy): the CLI reads the target and masks passwords before any
storage module is imported. SQLite specifics (the database's own side files) live here too, so
that no other package needs to know them (docs/design.md §8).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from deskctl.errors import InvalidInput, StorageError

# The files SQLite keeps beside a database file: writing any of them destroys the desk.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")

_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/@:]*):([^/@]*)@")
_SECRET_PARAM = re.compile(r"(?i)([?&](?:password|passwd|pwd|sslpassword)=)[^&#]*")


def mask(target: str) -> str:
    """The target as it may be printed: a URL's password becomes `***`."""
    text = _USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:***@", target)
    return _SECRET_PARAM.sub(lambda m: f"{m.group(1)}***", text)


def is_url(target: str) -> bool:
    return "://" in target


@dataclass(frozen=True)
class Location:
    """An SQLite database file (the only engine of this build)."""

    path: Path
    shown: str  # how messages name it (a masked URL, or the path)


def parse_target(target: str) -> Location:
    """Read `--db` / `$DESKCTL_DB` / config `database`: a file path or a `sqlite:///` URL.

    `:memory:` and a `sqlite://` URL without a file are refused (a desk that vanishes when the
    command ends is a lost desk); other schemes are usage errors. PostgreSQL (team mode) is named
    as not available in this build; its password is never printed.
    """
    shown = mask(target)
    if target.strip() in ("", ":memory:"):
        raise InvalidInput(
            f"database {shown!r} is not a file: an in-memory database loses every change when the "
            "command ends; give a file path"
        )
    if not is_url(target):
        return Location(path=Path(target).expanduser(), shown=str(Path(target).expanduser()))
    scheme = target.split("://", 1)[0].lower()
    driver = scheme.split("+", 1)[0]
    if driver in ("postgresql", "postgres"):
        raise StorageError(
            f"{shown}: team mode (PostgreSQL) is not available in this build of deskctl; "
            "use an SQLite file"
        )
    if driver != "sqlite":
        raise InvalidInput(
            f"unknown database URL scheme {scheme!r} in {shown}; give a file path or sqlite:///PATH"
        )
    parts = urlsplit(target)
    raw = target.split("://", 1)[1]
    if raw and not raw.startswith("/"):
        raise InvalidInput(f"{shown}: a sqlite URL names a file as sqlite:///PATH (no host)")
    path = unquote(raw[1:]).split("?", 1)[0]
    memory = "mode=memory" in (parts.query or "").lower()
    if not path or path == ":memory:" or memory or path.startswith("file::memory:"):
        raise InvalidInput(
            f"database {shown!r} is not a file: an in-memory database loses every change when the "
            "command ends; give sqlite:///PATH"
        )
    if parts.query:
        raise InvalidInput(f"{shown}: options in a sqlite URL are not supported; give sqlite:///PATH")
    file = Path(path).expanduser()
    return Location(path=file, shown=str(file))


def own_files(database: Path) -> list[Path]:
    """The database file and the side files SQLite keeps beside it."""
    return [database, *(database.with_name(database.name + s) for s in SIDE_SUFFIXES)]


def _same(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # a hard link to the database is the database
    except OSError:
        return False


def refuse_own_files(target: Path, database: Path, *, what: str) -> None:
    """Refuse (exit 2) to use the database or one of its side files as `what` (through links too)."""
    for own in own_files(database):
        if _same(target, own):
            kind = "the database itself" if own == database else f"the database's {own.name[len(database.name):]} file"
            also = "" if os.path.abspath(target) == os.path.abspath(own) else f" ({own})"
            raise InvalidInput(f"{target} is {kind}{also}; choose another file as {what}")
