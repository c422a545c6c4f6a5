"""Storage (SPEC §8): file modes, pragmas, BEGIN IMMEDIATE, version check, migrations, backup."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, MetaData, Table, create_engine, insert, select

from deskctl.errors import ExitCode, StorageError
from deskctl.store import schema
from deskctl.store.engine import backup_to, open_database, restore_from
from deskctl.store.types import UTCDateTime


def _copy(src, dest):
    shutil.copyfile(src, dest)
    dest.chmod(0o600)
    return dest


def _raw(path, sql, *params):
    con = sqlite3.connect(path)
    try:
        cur = con.execute(sql, params)
        rows = cur.fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def test_open_database_creates_0600_file_in_0700_folder(tmp_path):
    path = tmp_path / "new" / "deeper" / "desk.db"
    db = open_database(path, create=True)
    db.close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert _raw(path, "SELECT version_num FROM alembic_version") == [(schema.HEAD,)]


def test_open_database_missing_without_create_exits_6(tmp_path):
    with pytest.raises(StorageError, match="deskctl init") as info:
        open_database(tmp_path / "nope.db")
    assert info.value.exit_code == ExitCode.STORAGE == 6
    assert not (tmp_path / "nope.db").exists()


def test_open_database_sets_pragmas(tmp_path, _template_db):
    db = open_database(_copy(_template_db, tmp_path / "d.db"))
    try:
        with db.engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 2  # FULL
            assert pragma("busy_timeout") >= 5000
    finally:
        db.close()


def test_write_takes_the_write_lock_at_begin(tmp_path, _template_db):
    """While a write session is open, another writer cannot even BEGIN IMMEDIATE."""
    path = _copy(_template_db, tmp_path / "d.db")
    db = open_database(path)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.write() as session:
            session.connection()  # the transaction has begun
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
        db.close()


def test_write_rolls_back_on_error(tmp_path, _template_db):
    from deskctl.store.tables import Staff

    db = open_database(_copy(_template_db, tmp_path / "d.db"))
    try:
        with pytest.raises(RuntimeError), db.write() as s:
            s.add(Staff(handle="x", name="X", role="officer", created_at=datetime.now(UTC)))
            s.flush()
            raise RuntimeError
        with db.read() as s:
            assert s.execute(select(Staff)).first() is None
    finally:
        db.close()


def test_open_database_refuses_a_non_sqlite_file(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all\n" * 200)
    before = path.read_bytes()
    with pytest.raises(StorageError) as info:
        open_database(path)
    assert info.value.exit_code == 6
    assert "not a usable deskctl database" in info.value.message
    assert path.read_bytes() == before


def test_open_database_refuses_a_foreign_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    _raw(path, "CREATE TABLE stuff (x INTEGER)")
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not a deskctl one"):
        open_database(path)
    assert path.read_bytes() == before


def test_open_database_refuses_a_newer_schema_and_leaves_it_untouched(tmp_path, _template_db):
    path = _copy(_template_db, tmp_path / "d.db")
    _raw(path, "PRAGMA journal_mode=DELETE")
    _raw(path, "UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(StorageError) as info:
        open_database(path)
    assert info.value.exit_code == 6
    assert "newer deskctl" in info.value.message and "9999" in info.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == listing


def test_open_database_refuses_a_folder(tmp_path):
    with pytest.raises(StorageError, match="folder"):
        open_database(tmp_path)


def test_schema_head_matches_the_alembic_scripts():
    from alembic.script import ScriptDirectory

    from deskctl.store.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    assert schema.HEAD == scripts.get_current_head()
    ordered = [rev.revision for rev in scripts.walk_revisions()][::-1]  # base first
    assert tuple(ordered) == schema.KNOWN_REVISIONS


def test_fresh_database_matches_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from deskctl.store.search import is_search_table
    from deskctl.store.tables import load_all

    load_all()
    path = tmp_path / "fresh.db"
    open_database(path, create=True).close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True,  # the search index (FTS5) is no model: store/search.py
                "include_name": lambda name, type_, _: not (type_ == "table" and is_search_table(name)),
            })
            diffs = compare_metadata(ctx, SQLModel.metadata)
    finally:
        engine.dispose()
    assert diffs == []


def test_utc_datetime_round_trips_aware_utc(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 't.db'}")
    meta = MetaData()
    t = Table("t", meta, Column("at", UTCDateTime()))
    meta.create_all(engine)
    shanghai = timezone(timedelta(hours=8))
    value = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=shanghai)
    with engine.begin() as conn:
        conn.execute(insert(t).values(at=value))
        conn.execute(insert(t).values(at=None))
        got = [r[0] for r in conn.execute(select(t.c.at))]
        raw = conn.exec_driver_sql("SELECT at FROM t").scalars().first()
    engine.dispose()
    assert got[0] == value
    assert got[0].tzinfo == UTC
    assert got[1] is None
    assert raw.startswith("2026-11-23 01:00:00")


def test_utc_datetime_refuses_naive(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 't.db'}")
    meta = MetaData()
    t = Table("t", meta, Column("at", UTCDateTime()))
    meta.create_all(engine)
    with pytest.raises(Exception, match="naive"), engine.begin() as conn:
        conn.execute(insert(t).values(at=datetime(2026, 1, 1)))
    engine.dispose()


def test_backup_and_restore_round_trip(tmp_path, _template_db):
    path = _copy(_template_db, tmp_path / "d.db")
    _raw(path, "INSERT INTO staff (handle, name, role, tier, phone, active, created_at) "
               "VALUES ('lead', 'L', 'supervisor', 1, '', 1, '2026-11-23 01:00:00.000000')")
    db = open_database(path)
    backup = tmp_path / "b" / "copy.db"
    backup_to(db.engine, backup)
    db.close()
    assert backup.stat().st_mode & 0o777 == 0o600
    assert not backup.with_name("copy.db.part").exists()
    _raw(path, "DELETE FROM staff")
    restore_from(backup, path)
    assert _raw(path, "SELECT handle FROM staff") == [("lead",)]


def test_restore_refuses_garbage_and_leaves_the_database(tmp_path, _template_db):
    path = _copy(_template_db, tmp_path / "d.db")
    before = path.read_bytes()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"nope" * 1000)
    with pytest.raises(StorageError):
        restore_from(junk, path)
    assert path.read_bytes() == before


def test_restore_refuses_a_newer_backup(tmp_path, _template_db):
    path = _copy(_template_db, tmp_path / "d.db")
    newer = _copy(_template_db, tmp_path / "newer.db")
    _raw(newer, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StorageError, match="newer"):
        restore_from(newer, path)


def test_tables_load_all_registers_every_table_module():
    """The lazy table package: every table module's tables end up on the metadata."""
    import pkgutil

    from sqlmodel import SQLModel

    import deskctl.store.tables as tables

    tables.load_all()
    names = set(SQLModel.metadata.tables)
    for info in pkgutil.iter_modules(tables.__path__):
        module = __import__(f"deskctl.store.tables.{info.name}", fromlist=["_"])
        defined = {
            obj.__tablename__ for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, SQLModel) and hasattr(obj, "__table__")
        }
        assert defined <= names, info.name
        for obj in vars(module).values():
            if isinstance(obj, type) and getattr(obj, "__module__", "") == module.__name__:
                assert getattr(tables, obj.__name__) is obj  # every table class is exported


def test_tables_all_lists_every_lazy_name():
    import deskctl.store.tables as tables

    assert sorted(tables.__all__) == sorted([*tables._MODULE_OF, "load_all"])
