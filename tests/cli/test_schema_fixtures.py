"""Databases written by earlier schema revisions open in this program with every row kept.

Each `tests/fixtures/desk-<revision>.sql` is a small desk frozen by `tools/make_schema_fixture.py`
when that revision was current (every area has rows). Today only revision 0001 exists, so the
upgrade is empty; from the next migration on, these tests run it over real old data.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from deskctl.store.schema import HEAD, KNOWN_REVISIONS

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("desk-*.sql"))


def _load(sql: Path, db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        con.executescript(sql.read_text(encoding="utf-8"))
        return _counts(con)
    finally:
        con.close()


def _counts(con: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables if t != "alembic_version"}


def test_schema_fixture_exists_for_the_first_revision():
    assert [f.name for f in FIXTURES][:1] == [f"desk-{KNOWN_REVISIONS[0]}.sql"]


@pytest.mark.parametrize("sql", FIXTURES, ids=lambda p: p.stem)
def test_schema_fixture_upgrades_keeping_every_row(desk, sql, tmp_path):
    old = tmp_path / "old.db"
    before = _load(sql, old)
    assert sum(before.values()) > 50 and all(before[t] for t in ("ticket", "shift", "inspection_run", "event"))
    # The person's config file of the old days held the desk's settings: the upgrade moves them in.
    config = tmp_path / "old.toml"
    config.write_text('timezone = "Asia/Shanghai"\n[clock]\noverride = true\n', encoding="utf-8")
    env = {"DESKCTL_DB": str(old), "DESKCTL_CONFIG": str(config)}

    refused = desk.run("--as", "zhang", "db", "upgrade", env=env)  # an officer may not upgrade the desk
    assert refused.exit_code == 5 and "only a supervisor" in refused.stderr
    assert not list(tmp_path.glob("old.db.before-upgrade.*"))
    upgraded = desk.run("--as", "lead", "db", "upgrade", env=env)
    assert upgraded.exit_code == 0, upgraded.stderr
    assert "took 2 desk setting(s)" in upgraded.stderr
    check = desk.json("db", "check", env=env)
    assert check["ok"] is True, check

    con = sqlite3.connect(old)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        after = _counts(con)
    finally:
        con.close()
    assert {t: after.get(t) for t in before} == {**before, "event": before["event"] + 2}  # the 2 moved settings

    ticket = desk.json("ticket", "show", "1", env=env)
    assert (ticket["status"], ticket["rating"]) == ("closed", 5)
    assert [t["id"] for t in desk.json("ticket", "list", env=env)] == [3, 2]  # the P4 and the finding


def _copy_reflected(sqlite_file: Path, url: str) -> None:
    """The old desk's rows, as that revision's schema holds them, into the server's database at
    the same revision (the frozen fixtures are SQLite SQL; the schema on the server is built by
    the revision's own migration, so this is what an old team desk looks like)."""
    from sqlalchemy import MetaData, create_engine, insert, select

    from deskctl.store.location import parse_any
    from deskctl.store.server import make_server_engine
    from deskctl.store.transfer import set_sequences

    src = create_engine(f"sqlite:///{sqlite_file}")
    dst = make_server_engine(parse_any(url))  # type: ignore[arg-type]
    try:
        old, new = MetaData(), MetaData()
        old.reflect(src)
        new.reflect(dst)
        with src.connect() as s, dst.begin() as d:
            for table in old.sorted_tables:
                if table.name == "alembic_version":
                    continue
                rows = [dict(r) for r in s.execute(select(table)).mappings()]
                if rows:
                    d.execute(insert(new.tables[table.name]), rows)
            set_sequences(d)
    finally:
        src.dispose()
        dst.dispose()


@pytest.mark.parametrize("sql", FIXTURES, ids=lambda p: p.stem)
def test_schema_fixture_upgrades_on_postgresql_keeping_every_row(desk, sql, tmp_path, pg_server):
    from deskctl.store.location import parse_any
    from deskctl.store.migrate import run_upgrade
    from deskctl.store.server import make_server_engine
    from tests import pg

    revision = sql.stem.split("-", 1)[1]
    old = tmp_path / "old.db"
    before = _load(sql, old)
    url = pg.url_for(pg_server.create(f"old_{revision}"))
    engine = make_server_engine(parse_any(url))  # type: ignore[arg-type]
    try:
        with engine.begin() as conn:
            run_upgrade(conn, revision)
    finally:
        engine.dispose()
    _copy_reflected(old, url)
    env = {"DESKCTL_DB": url}

    refused = desk.run("ticket", "list", env=env)
    assert refused.exit_code == 6 and "db upgrade" in refused.stderr  # behind: refused untouched
    refused = desk.run("--as", "zhang", "db", "upgrade", env=env)  # an officer may not upgrade the desk
    assert refused.exit_code == 5 and "only a supervisor" in refused.stderr
    upgraded = desk.run("--as", "lead", "db", "upgrade", env=env)
    assert upgraded.exit_code == 0, upgraded.stderr
    assert "took 3 desk setting(s)" in upgraded.stderr  # the test config's timezone, clock, auth
    assert desk.json("db", "check", env=env)["ok"] is True
    import psycopg

    with psycopg.connect(url) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
        after = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in before}
    assert after == {**before, "event": before["event"] + 3}  # the 3 moved settings
    ticket = desk.json("ticket", "show", "1", env=env)
    assert (ticket["status"], ticket["rating"]) == ("closed", 5)
    assert [t["id"] for t in desk.json("ticket", "list", env=env)] == [3, 2]
