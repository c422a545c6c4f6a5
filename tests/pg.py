"""The PostgreSQL server the tests use (team mode): found from $DESKCTL_TEST_PG, default the local
server at postgresql://127.0.0.1:5432/.

Each test run (each xdist worker) creates databases named `deskctl_t_<run>_<worker>_…` and drops
them when it ends. On a machine with no server the PostgreSQL tests are skipped with the reason;
with DESKCTL_REQUIRE_PG=1 (set by .ci/run) that skip is a failure, so CI never passes without them.

Creating and dropping a database costs the server a checkpoint (seconds), so the service-layer
desks share one database per worker: a desk is loaded by emptying its tables and copying a
template's rows in from a schema of the same database (`freeze` / `load`).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import pytest

DEFAULT = "postgresql://127.0.0.1:5432/"


def base_url() -> str:
    return os.environ.get("DESKCTL_TEST_PG") or DEFAULT


def url_for(dbname: str) -> str:
    parts = urlsplit(base_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", parts.query, ""))


def _admin_url() -> str:
    parts = urlsplit(base_url())
    db = parts.path.strip("/") or "postgres"
    return urlunsplit(("postgresql", parts.netloc, f"/{db}", parts.query, ""))


@cache
def unavailable() -> str | None:
    """Why no PostgreSQL test can run here, or None when the server answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    try:
        psycopg.connect(_admin_url(), connect_timeout=3, autocommit=True).close()
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"no PostgreSQL server at {base_url()} (set DESKCTL_TEST_PG): {first}"
    return None


def require() -> None:
    """Skip (or, under DESKCTL_REQUIRE_PG=1, fail) the calling test when no server answers."""
    why = unavailable()
    if why is None:
        return
    if os.environ.get("DESKCTL_REQUIRE_PG") == "1":
        pytest.fail(f"DESKCTL_REQUIRE_PG=1 but {why}", pytrace=False)
    pytest.skip(why)


def admin():
    import psycopg

    return psycopg.connect(_admin_url(), autocommit=True)


@dataclass
class Server:
    """The databases this worker made (dropped at the end of the run)."""

    prefix: str
    made: list[str] = field(default_factory=list)

    def create(self, suffix: str) -> str:
        name = f"{self.prefix}_{suffix}"
        with admin() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            con.execute(f'CREATE DATABASE "{name}"')
            # Test desks need no durability: commits do not wait for the disk (fsync stays on).
            con.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        self.made.append(name)
        return name

    def drop_all(self) -> None:
        if not self.made:
            return
        with admin() as con:
            for name in self.made:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()


def new_server(worker: str) -> Server:
    return Server(prefix=f"deskctl_t_{secrets.token_hex(3)}_{worker}")


# --- templates as schemas of the worker's database ------------------------------------------


def _tables():
    from sqlmodel import SQLModel

    from deskctl.store.tables import load_all

    load_all()
    return [t.name for t in SQLModel.metadata.sorted_tables]


@cache
def _serial() -> frozenset[str]:
    """The tables whose `id` is drawn from a sequence."""
    from sqlmodel import SQLModel

    _tables()
    return frozenset(t.name for t in SQLModel.metadata.sorted_tables if "id" in t.c and t.c.id.autoincrement)


def freeze(url: str, schema: str) -> str:
    """Copy every desk table's rows of the database at `url` into `schema` (a template)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=False) as con:
        con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        con.execute(f'CREATE SCHEMA "{schema}"')
        for table in _tables():
            con.execute(f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM public."{table}"')
    return schema


def load(url: str, schema: str) -> None:
    """Make the desk at `url` hold exactly the rows of template `schema`, ids and sequences too."""
    import psycopg

    tables = _tables()
    with psycopg.connect(url, autocommit=False) as con:
        for table in reversed(tables):  # DELETE, not TRUNCATE: a few rows, and no new files to sync
            con.execute(f'DELETE FROM public."{table}"')
        for table in tables:
            con.execute(f'INSERT INTO public."{table}" SELECT * FROM "{schema}"."{table}"')
            if table not in _serial():
                continue  # keyed by something else (desk_setting by its key)
            con.execute(
                f"SELECT setval(pg_get_serial_sequence('public.\"{table}\"', 'id'), "
                f'coalesce((SELECT max(id) FROM public."{table}"), 0) + 1, false)'
            )
