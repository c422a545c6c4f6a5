"""Team mode: one desk in a PostgreSQL database shared by several PCs (docs/team.md).

What SQLite's `BEGIN IMMEDIATE` gives a write there, a transaction-scoped advisory lock gives here:
every write transaction takes `pg_advisory_xact_lock(WRITE_LOCK)` as its first statement, so
writes run one after another (a state check and the write depending on it never interleave, and
the audit chain stays one linear chain) while reads never wait. deskctl's writes are a few
milliseconds each; docs/team.md §Concurrency says why finer row locks would buy nothing here.

Opening refuses what SQLite opening refuses (docs/design.md §8): a database written by a newer
deskctl, a non-empty database that is not a desk, a desk behind this program unless `migrate`.
Only `create` (init, demo) builds the schema in an empty database and only `migrate` (init,
db upgrade) upgrades; both under the same advisory lock, so concurrent inits initialise once.
PostgreSQL's schema changes are transactional: an interrupted upgrade leaves the old schema.
Connection failures become one line naming host, port and cause (exit 6), password never shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from deskctl.errors import DeskError, PermissionDenied, StorageError
from deskctl.i18n import _
from deskctl.store import schema
from deskctl.store.engine import Database
from deskctl.store.location import ServerLocation

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import Connection, Engine

# pg_advisory_xact_lock key of the desk's write lock ("deskctl" in ASCII, as a 64-bit integer).
WRITE_LOCK = int.from_bytes(b"deskctl\0", "big") >> 1
DEFAULT_TIMEOUT = 5.0  # config `database_timeout`, seconds


def make_server_engine(where: ServerLocation, *, timeout: float = DEFAULT_TIMEOUT) -> Engine:
    """An engine on the server: UTC session zone, `connect_timeout`, the write lock at BEGIN of
    every write transaction (execution option `deskctl_write`)."""
    engine = create_engine(
        where.url,
        connect_args={
            "connect_timeout": max(1, round(timeout)),
            "application_name": "deskctl",
            "options": "-c TimeZone=UTC",
        },
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("deskctl_write", False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


# --- errors ---------------------------------------------------------------------------------


def _orig(exc: BaseException) -> BaseException:
    return getattr(exc, "orig", None) or exc


def _first_line(exc: BaseException) -> str:
    text_ = str(_orig(exc)).strip()
    for line in text_.splitlines():
        line = line.strip()
        if line.startswith("connection failed:"):
            line = line.removeprefix("connection failed:").strip()
        if line:
            return line
    return type(_orig(exc)).__name__


def connect_cause(exc: BaseException, where: ServerLocation) -> str:
    """Why a connection to `where` failed, in a few words (no password: libpq never echoes it)."""
    msg = str(_orig(exc))
    low = msg.lower()
    if "timeout expired" in low or "timed out" in low:
        return _("timed out (config database_timeout)")
    if "connection refused" in low:
        return _("connection refused: is the PostgreSQL server running and listening there?")
    if "password authentication failed" in low or "no password supplied" in low:
        return _("login refused: wrong or missing password for {login} (~/.pgpass, docs/team.md)").format(
            login=where.user or _("the login"))
    if "no pg_hba.conf entry" in low:
        return _("login refused: the server's pg_hba.conf admits no such login from here")
    if "role" in low and "does not exist" in low:
        return _("login refused: no database login named {login}").format(login=where.user or _("(your login name)"))
    if "database" in low and "does not exist" in low:
        return _("database {name!r} does not exist (create it: createdb {name})").format(name=where.dbname)
    if "could not translate host name" in low or "name or service not known" in low:
        return _("unknown host {host!r}").format(host=where.host)
    if "no route to host" in low or "network is unreachable" in low:
        return _("no route to the server")
    return _first_line(exc)


def unreachable(exc: BaseException, where: ServerLocation) -> StorageError:
    cause = connect_cause(exc, where)
    return StorageError(_("cannot reach the desk database {shown} at {where}: {cause}").format(
        shown=where.shown, where=where.where, cause=cause))


def explain(exc: BaseException, where: ServerLocation, *, doing: str) -> DeskError | None:
    """One line for a server error while `doing` (None: not a storage matter; re-raise)."""
    if isinstance(exc, DeskError) or not isinstance(exc, DBAPIError):
        return None
    orig = _orig(exc)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate == "42501":  # insufficient_privilege: the database itself refused (db grant)
        return PermissionDenied(_("the database refused to {doing} for login {login}: {reason}").format(
            doing=doing, login=where.user or _("this login"), reason=_first_line(exc)))
    if sqlstate.startswith("08") or exc.connection_invalidated or sqlstate == "57P01":
        return unreachable(exc, where)
    if sqlstate == "25006":  # a read-only server (a standby, or default_transaction_read_only)
        return StorageError(_("the server at {where} is read-only: cannot {doing}; nothing was changed").format(
            where=where.where, doing=doing))
    if sqlstate == "53100":
        return StorageError(_("the server at {where} has no disk space left to {doing}: {reason}").format(
            where=where.where, doing=doing, reason=_first_line(exc)))
    if sqlstate in ("57014", "55P03"):
        return StorageError(_("the server at {where} cancelled the work to {doing}: {reason}; try again").format(
            where=where.where, doing=doing, reason=_first_line(exc)))
    if sqlstate in ("P0001",):  # raised by a deskctl trigger (events are append-only)
        return PermissionDenied(_("the database refused to {doing}: {reason}").format(
            doing=doing, reason=_first_line(exc)))
    if sqlstate == "" and "connection" in str(orig).lower():
        return unreachable(exc, where)
    return None


@contextmanager
def server_errors(where: ServerLocation, *, doing: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        error = explain(exc, where, doing=doing)
        if error is None:
            raise
        raise error from None


# --- the database ---------------------------------------------------------------------------


@dataclass
class ServerDatabase(Database):
    """A desk on a PostgreSQL server; `path` is unused (there is no file)."""

    location: ServerLocation | None = None

    @property
    def where(self) -> ServerLocation:
        assert self.location is not None
        return self.location

    def errors(self, doing: str) -> AbstractContextManager[None]:
        return server_errors(self.where, doing=doing)


def current_revision(conn: Connection) -> str | None:
    has = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar_one()
    if not has:
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def table_count(conn: Connection) -> int:
    count: int = conn.execute(text(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm')"
    )).scalar_one()
    return count


def desk_revision(where: ServerLocation, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The schema revision of the desk at `where`, None when the database holds no desk yet;
    nothing is created or changed."""
    engine = make_server_engine(where, timeout=timeout)
    try:
        with server_errors(where, doing=_("open the desk")):
            try:
                with engine.connect() as conn:
                    return current_revision(conn)
            except DBAPIError as exc:
                raise unreachable(exc, where) from None
    finally:
        engine.dispose()


def open_server(
    where: ServerLocation, *, create: bool, migrate: bool, timeout: float = DEFAULT_TIMEOUT,
    approve: Callable[[Connection], None] | None = None,
) -> ServerDatabase:
    """Open a desk on the server; see the module docstring for what is refused. `approve(conn)`
    is called under the write lock before an existing desk is upgraded (who may: docs/identity.md)."""
    engine = make_server_engine(where, timeout=timeout)
    db = ServerDatabase(engine=engine, path=Path(where.dbname), location=where)
    try:
        with server_errors(where, doing=_("open the desk")):
            try:
                with engine.connect() as conn:
                    revision = current_revision(conn)
                    empty = revision is None and table_count(conn) == 0
            except DBAPIError as exc:
                raise unreachable(exc, where) from None
            if revision == schema.HEAD:
                return db
            _check(where, revision, empty=empty, create=create, migrate=migrate)
            with engine.execution_options(deskctl_write=True).begin() as conn:
                # Under the write lock: another init may have built it meanwhile.
                again = current_revision(conn)
                if again is None and table_count(conn) and not empty:
                    raise StorageError(_("{shown} holds tables but no deskctl desk; not touched").format(
                        shown=where.shown))
                if again != schema.HEAD:
                    from deskctl.store.migrate import run_upgrade

                    if again is not None and approve is not None:
                        approve(conn)

                    run_upgrade(conn)
                    db.created = again is None
                    db.upgraded = again is not None
    except BaseException:
        engine.dispose()
        raise
    return db


def _check(where: ServerLocation, revision: str | None, *, empty: bool, create: bool, migrate: bool) -> None:
    shown = where.shown
    if revision is not None and revision not in schema.KNOWN_REVISIONS:
        raise StorageError(_(
            "{path} was written by a newer deskctl (schema {revision}); upgrade deskctl, "
            "the database was not touched").format(path=shown, revision=revision))
    if revision is None:
        if not empty:
            raise StorageError(_("{shown} holds tables but is not a deskctl desk; not touched").format(shown=shown))
        if not create:
            raise StorageError(_("{shown} is an empty database; run `deskctl init` to make it a desk").format(
                shown=shown))
        return
    if not migrate:
        raise StorageError(_(
            "{shown} is at schema {revision} and this deskctl needs {head}: run `deskctl db upgrade` "
            "(keep a pg_dump first); nothing was changed").format(shown=shown, revision=revision, head=schema.HEAD))


def connection_login(session: Session) -> str | None:
    """The database login of the session's connection (PostgreSQL `session_user`); None on SQLite.

    In team mode the acting staff member is the one mapped to this login (docs/team.md).
    """
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return None
    login: Any = conn.execute(text("SELECT session_user")).scalar_one()
    return str(login)
