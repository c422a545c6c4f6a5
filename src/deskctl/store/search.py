"""Ticket search (docs/design.md §3): one function, `ticket_ids_matching`, over title,
description, reporter, notes and resolution, Chinese as well as English.

On SQLite the text lives in an FTS5 table with the trigram tokenizer (`ticket_search`, rowid =
ticket id), kept in step with `ticket` and the note events by triggers (migration 0004): a
query of three characters or more is an index lookup (a phrase); a shorter one (`证书`, two
characters) is a substring scan of the same table.

On PostgreSQL (team mode) there is no index table: the same fields are matched with ILIKE, the
notes read from the ticket's note and feedback events (`details` ->> 'text'). Same results,
case-insensitive like the trigram index; a scan, which a team desk's size affords.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, literal_column, text
from sqlmodel import Session, col

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SEARCH_TABLE = "ticket_search"
SEARCHED = ("title", "description", "reporter", "notes", "resolution")
NOTE_KINDS = ("note", "feedback")


# The index filled from the rows (as migration 0004 first fills it; the triggers keep it after).
FILL_SQLITE = (
    f"INSERT INTO {SEARCH_TABLE}(rowid, title, description, reporter, notes, resolution) "
    "SELECT t.id, t.title, t.description, t.reporter, "
    "COALESCE((SELECT group_concat(json_extract(e.details, '$.text'), char(10)) FROM event e "
    "WHERE e.entity = 'ticket' AND e.entity_id = t.id AND e.kind IN ('note', 'feedback')), ''), "
    "t.resolution FROM ticket t"
)


def is_search_table(name: str | None) -> bool:
    """FTS5 keeps `ticket_search` and its shadow tables; the models do not describe them."""
    return bool(name) and (name == SEARCH_TABLE or str(name).startswith(SEARCH_TABLE + "_"))


def ticket_search_clause(session: Session, query: str) -> ColumnElement[bool]:
    """A WHERE clause on `ticket.id`: the tickets whose searched text contains `query`."""
    from deskctl.store.tables import Ticket

    words = query.strip()
    if session.get_bind().dialect.name != "sqlite":
        return _server_clause(words)
    if len(words) >= 3:
        phrase = '"' + words.replace('"', '""') + '"'
        inner = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :q").bindparams(q=phrase)
    else:
        pattern = _pattern(words)
        any_column = " OR ".join(f"{c} LIKE :q ESCAPE '\\'" for c in SEARCHED)
        inner = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {any_column}").bindparams(q=pattern)
    return col(Ticket.id).in_(inner.columns(literal_column("rowid")))


def _pattern(words: str) -> str:
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# The text of a ticket's notes and feedback, one a line (PostgreSQL: `details` is JSON text).
_SERVER_NOTES = (
    "SELECT string_agg(COALESCE(e.details::json ->> 'text', ''), E'\\n' ORDER BY e.id) FROM event e "
    "WHERE e.entity = 'ticket' AND e.entity_id = t.id AND e.kind IN ('note', 'feedback')"
)


def _server_clause(words: str) -> ColumnElement[bool]:
    from deskctl.store.tables import Ticket

    fields = " OR ".join(f"t.{c} ILIKE :q ESCAPE '\\'" for c in SEARCHED if c != "notes")
    inner = text(
        f"SELECT t.id FROM ticket t WHERE {fields} OR EXISTS (SELECT 1 FROM event e WHERE e.entity = 'ticket' "
        "AND e.entity_id = t.id AND e.kind IN ('note', 'feedback') AND (e.details::json ->> 'text') ILIKE :q "
        "ESCAPE '\\')"
    ).bindparams(q=_pattern(words))
    return col(Ticket.id).in_(inner.columns(literal_column("id")))


def _searched_rows(session: Session, marks: str) -> list:
    if session.get_bind().dialect.name == "sqlite":
        return list(session.execute(text(
            f"SELECT rowid, {', '.join(SEARCHED)} FROM {SEARCH_TABLE} WHERE rowid IN ({marks})")).all())
    return list(session.execute(text(
        f"SELECT t.id, t.title, t.description, t.reporter, COALESCE(({_SERVER_NOTES}), ''), t.resolution "
        f"FROM ticket t WHERE t.id IN ({marks})")).all())


def rebuild_index(conn: Connection) -> None:
    """Fill the SQLite search index again from `ticket` and the note events (after rows were
    written around its triggers, e.g. `db copy` into an SQLite desk). Nothing on PostgreSQL."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(f"DELETE FROM {SEARCH_TABLE}")
    conn.exec_driver_sql(FILL_SQLITE)


def matching_snippets(session: Session, ticket_ids: list[int], query: str, *, room: int = 48) -> dict[int, str]:
    """For each ticket, where `query` was found: `field: …text around it…` (the first searched
    field that holds it), for the list's `match` column."""
    if not ticket_ids:
        return {}
    needle = query.strip().casefold()
    marks = ",".join(str(int(i)) for i in ticket_ids)
    rows = _searched_rows(session, marks)
    found: dict[int, str] = {}
    for rowid, *values in rows:
        for field, value in zip(SEARCHED, values, strict=True):
            at = (value or "").casefold().find(needle)
            if at < 0:
                continue
            start = max(0, at - 10)  # the match near the front: a narrow column still shows it
            piece = " ".join((value or "")[start:start + room].split())
            found[int(rowid)] = f"{field}: {'…' if start else ''}{piece}{'…' if start + room < len(value) else ''}"
            break
    return found
