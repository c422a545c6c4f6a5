"""Reading a team-mode URL: what is connected to, how it is named, what is refused (exit 2)."""

from __future__ import annotations

import pytest

from deskctl.errors import InvalidInput, StorageError
from deskctl.store.location import Location, ServerLocation, parse_any, parse_target


@pytest.mark.parametrize(("url", "host", "port", "db", "user"), [
    ("postgresql://desk-db/desk", "desk-db", 5432, "desk", ""),
    ("postgres://zhang@10.0.0.5:6543/desk", "10.0.0.5", 6543, "desk", "zhang"),
    ("postgresql+psycopg://zhang:pw@h/d?sslmode=require", "h", 5432, "d", "zhang"),
    ("postgresql:///desk", "", 5432, "desk", ""),
])
def test_parse_postgresql_url(url, host, port, db, user):
    where = parse_any(url)
    assert isinstance(where, ServerLocation)
    assert (where.host, where.port, where.dbname, where.user) == (host, port, db, user)
    assert where.url.startswith("postgresql+psycopg://")
    assert "pw" not in where.shown


@pytest.mark.parametrize("url", ["postgresql://h:99999/d", "postgresql://h/", "postgresql://h", "mysql://h/d",
                                 "postgresql+asyncpg://h/d"])
def test_parse_bad_url_is_input_error(url):
    with pytest.raises(InvalidInput):
        parse_any(url)


def test_file_operations_refuse_a_server_desk_pointing_to_pg_dump():
    with pytest.raises(StorageError, match="pg_dump"):
        parse_target("postgresql://u:secret@h/d", doing="back up or restore it as a file")
    assert isinstance(parse_any("/tmp/desk.db"), Location)
