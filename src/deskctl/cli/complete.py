"""Shell completion of values (docs/design.md §13): staff handles, plan names, shift types,
template names, open ticket ids, and the fixed choices.

Completion runs on every Tab, so it reads the database only then, read-only, with the
standard library's sqlite3 (no SQLAlchemy, no Alembic, no migration, no file created) and
gives up silently on anything wrong: a completion never prints an error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

LEVELS = ("high", "medium", "low")
PRIORITIES = ("P1", "P2", "P3", "P4")
CHANNELS = ("phone", "email", "walk-in", "monitoring", "inspection")
OPEN = ("new", "assigned", "in_progress", "waiting")
ROWS = 50


def _db_path(ctx: Any) -> Path | None:
    from deskctl.cli.state import AppState

    try:
        root = ctx.find_root() if ctx is not None else None
        option = root.params.get("db") if root is not None else None
        path = AppState(db_option=option).db_path
    except Exception:  # a completion never fails loudly
        return None
    return path if path.is_file() else None


def _query(ctx: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    path = _db_path(ctx)
    if path is None:
        return []
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return []
    try:
        return con.execute(sql, params).fetchall()
    except sqlite3.Error:  # an old desk without the table, a locked file
        return []
    finally:
        con.close()


def _matching(pairs: list[tuple[Any, ...]], incomplete: str) -> list[tuple[str, str]]:
    out = []
    for row in pairs:
        value, help_text = str(row[0]), (str(row[1]) if len(row) > 1 and row[1] is not None else "")
        if value.lower().startswith(incomplete.lower()):
            out.append((value, help_text))
    return out


def handles(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _matching(_query(ctx, "SELECT handle, name || ' (' || role || ')' FROM staff "
                                 "WHERE active = 1 ORDER BY handle LIMIT 200"), incomplete)


def plans(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _matching(_query(ctx, "SELECT name, target FROM inspection_plan ORDER BY name LIMIT 200"), incomplete)


def shift_types(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _matching(_query(ctx, "SELECT name, '' FROM shift_type ORDER BY name LIMIT 200"), incomplete)


def templates(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return _matching(_query(ctx, "SELECT name, title FROM ticket_template ORDER BY name LIMIT 200"), incomplete)


def open_tickets(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The newest open tickets (their titles as the description)."""
    marks = ",".join("?" * len(OPEN))
    rows = _query(ctx, f"SELECT id, priority || ' ' || title FROM ticket WHERE status IN ({marks}) "
                       f"ORDER BY id DESC LIMIT {ROWS}", OPEN)
    return _matching(rows, incomplete)


def choices(values: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [v for v in values if v.lower().startswith(incomplete.lower())]

    return complete
