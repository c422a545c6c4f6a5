"""Ticket search (docs/design.md §3): one function, `ticket_ids_matching`, over title,
description, reporter, notes and resolution, Chinese as well as English.

On SQLite the text lives in an FTS5 table with the trigram tokenizer (`ticket_search`, rowid =
ticket id), kept in step with `ticket` and the note events by triggers (migration 0004): a
query of three characters or more is an index lookup (a phrase); a shorter one (`证书`, two
characters) is a substring scan of the same table. Team mode (PostgreSQL) gets its own body
for this function (pg_trgm or tsvector); callers stay as they are.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, literal_column, text
from sqlmodel import Session, col

SEARCH_TABLE = "ticket_search"
SEARCHED = ("title", "description", "reporter", "notes", "resolution")
NOTE_KINDS = ("note", "feedback")


def is_search_table(name: str | None) -> bool:
    """FTS5 keeps `ticket_search` and its shadow tables; the models do not describe them."""
    return bool(name) and (name == SEARCH_TABLE or str(name).startswith(SEARCH_TABLE + "_"))


def ticket_search_clause(session: Session, query: str) -> ColumnElement[bool]:
    """A WHERE clause on `ticket.id`: the tickets whose searched text contains `query`."""
    from deskctl.store.tables import Ticket

    words = query.strip()
    if session.get_bind().dialect.name != "sqlite":  # pragma: no cover - the PostgreSQL port
        raise NotImplementedError("ticket search on this database engine")
    if len(words) >= 3:
        phrase = '"' + words.replace('"', '""') + '"'
        inner = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :q").bindparams(q=phrase)
    else:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        any_column = " OR ".join(f"{c} LIKE :q ESCAPE '\\'" for c in SEARCHED)
        inner = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {any_column}").bindparams(q=pattern)
    return col(Ticket.id).in_(inner.columns(literal_column("rowid")))


def matching_snippets(session: Session, ticket_ids: list[int], query: str, *, room: int = 48) -> dict[int, str]:
    """For each ticket, where `query` was found: `field: …text around it…` (the first searched
    field that holds it), for the list's `match` column."""
    if not ticket_ids:
        return {}
    needle = query.strip().casefold()
    marks = ",".join(str(int(i)) for i in ticket_ids)
    rows = session.execute(text(
        f"SELECT rowid, {', '.join(SEARCHED)} FROM {SEARCH_TABLE} WHERE rowid IN ({marks})")).all()
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
