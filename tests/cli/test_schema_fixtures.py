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
