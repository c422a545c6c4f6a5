"""`deskctl db copy --to URL`: a whole desk from one database to another, either engine.

Every row keeps its id; instants go through the aware-UTC column type, so they are the same
instants on both sides; PostgreSQL's id sequences are set past the highest id copied. The copy
is one write transaction on the target (its write lock held): the row counts and the audit chain
are checked inside it before it commits, so a target either holds the whole, verified desk or is
left as it was. A target holding any desk row is refused (exit 4): a copy never merges desks
(the `desk.id` setting a new desk is born with does not count: the copy carries the source's id,
the same desk moved, so its login sessions stay bound to it). SQLite's ticket search index
(`store.search`, not a desk table) is filled again from the copied rows on an SQLite target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlmodel import SQLModel

from deskctl.errors import Conflict, StorageError
from deskctl.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from deskctl.store.engine import Database

BATCH = 1000
Progress = Callable[[str, int], None]  # (table, rows just copied)


def desk_tables() -> list[Table]:
    """Every desk table, parents before children (foreign keys)."""
    from deskctl.store.tables import load_all

    load_all()
    return list(SQLModel.metadata.sorted_tables)


def row_counts(conn: Connection) -> dict[str, int]:
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in desk_tables()}


@dataclass
class CopyResult:
    rows: dict[str, int]
    events_verified: int


def _batches(conn: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    key = table.c.id if "id" in table.c else None
    query = select(table)
    if key is not None:
        query = query.order_by(key)
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for part in result.mappings().partitions(BATCH):
        yield [dict(row) for row in part]


def _self_refs(table: Table) -> list[str]:
    """Columns referring to the same table (a ticket marked duplicate of another): copied after
    every row is in, so the order of rows never trips the foreign key."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def copy_rows(source: Connection, target: Connection, progress: Progress | None = None) -> dict[str, int]:
    """Copy every desk row from `source` into the (empty) desk at `target`, ids kept."""
    copied: dict[str, int] = {}
    for table in desk_tables():
        later = _self_refs(table)
        fixes: list[dict[str, Any]] = []
        n = 0
        for rows in _batches(source, table):
            for row in rows:
                for name in later:
                    if row[name] is not None:
                        fixes.append({"_id": row["id"], name: row[name]})
                        row[name] = None
            target.execute(insert(table), rows)
            n += len(rows)
            if progress is not None:
                progress(table.name, len(rows))
        for name in later:
            values = [f for f in fixes if name in f]
            if values:
                from sqlalchemy import bindparam

                target.execute(
                    update(table).where(table.c.id == bindparam("_id")).values({name: bindparam(name)}), values
                )
        copied[table.name] = n
    if target.dialect.name == "postgresql":
        set_sequences(target)
    return copied


def set_sequences(conn: Connection) -> None:
    """Every PostgreSQL id sequence past the highest id in its table (ids were given explicitly)."""
    for table in desk_tables():
        if "id" not in table.c or not conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"),
                                                   {"t": f'"{table.name}"'}).scalar_one():
            continue  # no id, or a table a desk behind this program does not have yet
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"
        ))


def _drop_birth_id(conn: Connection) -> None:
    """A desk just made holds one row: its `desk.id` setting (migration 0002). When that is all
    it holds, it goes; the source's id comes with the copy."""
    others = conn.execute(text("SELECT count(*) FROM desk_setting WHERE key <> 'desk.id'")).scalar_one()
    if others == 0 and sum(n for name, n in row_counts(conn).items() if name != "desk_setting") == 0:
        conn.execute(text("DELETE FROM desk_setting WHERE key = 'desk.id'"))


def copy_desk(source: Database, target: Database, *, target_shown: str, progress: Progress | None = None) -> CopyResult:
    """Copy the desk `source` into the empty desk `target` (both open at this program's schema)."""
    from deskctl.store import audit

    with source.read() as src, target.write() as dst:
        # One snapshot of the source for the whole copy, even while its desk goes on working.
        level = "REPEATABLE READ" if source.engine.dialect.name == "postgresql" else None
        src_conn = src.connection(execution_options={"isolation_level": level}) if level else src.connection()
        dst_conn = dst.connection()
        _drop_birth_id(dst_conn)
        present = {name: n for name, n in row_counts(dst_conn).items() if n}
        if present:
            what = ", ".join(f"{n} {name}" for name, n in sorted(present.items())[:4])
            raise Conflict(_(
                "{target} already holds a desk ({what}…); copy into an empty database "
                "(a copy never merges two desks); nothing was copied").format(target=target_shown, what=what))
        expected = row_counts(src_conn)
        copied = copy_rows(src_conn, dst_conn, progress)
        dst.flush()
        after = row_counts(dst_conn)
        if after != expected or copied != expected:
            raise StorageError(_(
                "the copy to {target} is incomplete ({after} rows, expected {expected}); nothing was kept"
            ).format(target=target_shown, after=after, expected=expected))
        from deskctl.store.search import rebuild_index

        rebuild_index(dst_conn)
        checked, broken, reason = audit.verify(dst)
        if broken is not None or checked != expected.get("event", 0):
            why = audit.reason_text(reason) if reason else _("{n} events checked").format(n=checked)
            raise StorageError(_(
                "the audit chain does not verify on {target} after the copy ({reason}); nothing was kept"
            ).format(target=target_shown, reason=why))
    return CopyResult(rows=copied, events_verified=checked)
