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
from deskctl.i18n import _

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
    """An SQLite database file."""

    path: Path
    shown: str  # how messages name it (a masked URL, or the path)


@dataclass(frozen=True)
class ServerLocation:
    """A PostgreSQL database (team mode, docs/team.md): what to connect to and how to name it."""

    url: str  # for SQLAlchemy: postgresql+psycopg://…, password included (never printed)
    shown: str  # the URL with its password masked
    host: str  # "" = libpq's default (a local socket)
    port: int
    dbname: str
    user: str  # "" = libpq's default (the login name)

    @property
    def where(self) -> str:
        """host:port as messages name the server."""
        return f"{self.host or 'localhost'}:{self.port}"


PG_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def parse_any(target: str) -> Location | ServerLocation:
    """Read `--db` / `$DESKCTL_DB` / config `database`: a file path, a `sqlite:///` URL or a
    `postgresql://[user[:password]@]host[:port]/dbname[?options]` URL (team mode).

    `:memory:` and a `sqlite://` URL without a file are refused (a desk that vanishes when the
    command ends is a lost desk); other schemes are usage errors (exit 2). Passwords are never
    printed.
    """
    shown = mask(target)
    if target.strip() in ("", ":memory:"):
        raise InvalidInput(_(
            "database {shown!r} is not a file: an in-memory database loses every change when the "
            "command ends; give a file path").format(shown=shown))
    if not is_url(target):
        return Location(path=Path(target).expanduser(), shown=str(Path(target).expanduser()))
    scheme = target.split("://", 1)[0].lower()
    if scheme in PG_SCHEMES:
        return _server(target, shown)
    if scheme.split("+", 1)[0] in ("postgresql", "postgres"):
        raise InvalidInput(_("unknown PostgreSQL driver {scheme!r} in {shown}; deskctl uses postgresql://").format(
            scheme=scheme, shown=shown))
    if scheme != "sqlite":
        raise InvalidInput(_(
            "unknown database URL scheme {scheme!r} in {shown}; give a file path, sqlite:///PATH "
            "or postgresql://HOST/DBNAME").format(scheme=scheme, shown=shown))
    parts = urlsplit(target)
    raw = target.split("://", 1)[1]
    if raw and not raw.startswith("/"):
        raise InvalidInput(_("{shown}: a sqlite URL names a file as sqlite:///PATH (no host)").format(shown=shown))
    path = unquote(raw[1:]).split("?", 1)[0]
    memory = "mode=memory" in (parts.query or "").lower()
    if not path or path == ":memory:" or memory or path.startswith("file::memory:"):
        raise InvalidInput(_(
            "database {shown!r} is not a file: an in-memory database loses every change when the "
            "command ends; give sqlite:///PATH").format(shown=shown))
    if parts.query:
        raise InvalidInput(_("{shown}: options in a sqlite URL are not supported; give sqlite:///PATH").format(
            shown=shown))
    file = Path(path).expanduser()
    return Location(path=file, shown=str(file))


def _server(target: str, shown: str) -> ServerLocation:
    parts = urlsplit(target)
    try:
        port = parts.port or 5432
    except ValueError:
        raise InvalidInput(_("{shown}: the port is not a number between 1 and 65535").format(shown=shown)) from None
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise InvalidInput(_("{shown}: name the database, as postgresql://HOST[:PORT]/DBNAME").format(shown=shown))
    rest = target.split("://", 1)[1]
    return ServerLocation(
        url=f"postgresql+psycopg://{rest}", shown=shown, host=parts.hostname or "", port=port,
        dbname=dbname, user=unquote(parts.username or ""),
    )


def parse_target(target: str, *, doing: str | None = None) -> Location:
    """The SQLite file named by `target`; a PostgreSQL desk is refused (exit 6): only file
    operations (`doing`) call this (backups, restores, the database's own files)."""
    where = parse_any(target)
    if isinstance(where, ServerLocation):
        raise StorageError(_(
            "{shown} is a PostgreSQL desk (team mode): deskctl cannot {doing} there; "
            "see docs/team.md (backups with pg_dump)").format(shown=where.shown, doing=doing or _("use this")))
    return where


def is_server(target: str) -> bool:
    """`target` names a PostgreSQL desk (it is parsed and checked: bad URLs raise)."""
    return isinstance(parse_any(target), ServerLocation)


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
            if own == database:
                kind = _("the database itself")
            else:
                kind = _("the database's {suffix} file").format(suffix=own.name[len(database.name):])
            also = "" if os.path.abspath(target) == os.path.abspath(own) else f" ({own})"
            raise InvalidInput(_("{target} is {kind}{also}; choose another file as {what}").format(
                target=target, kind=kind, also=also, what=what))
