"""Alembic environment: runs on the connection deskctl hands over; batch mode (copy and move
tables, the only way to change a table on SQLite) only there, plain ALTERs on PostgreSQL."""

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlmodel import SQLModel

from deskctl.store.tables import load_all

load_all()  # every table on the metadata
target_metadata = SQLModel.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        autogen_context.imports.add("import deskctl.store.types")
        return "deskctl.store.types.UTCDateTime()"
    return False


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """The ticket search index (FTS5 and its shadow tables) is made by hand in 0004, not a model."""
    from deskctl.store.search import is_search_table

    return not (type_ == "table" and is_search_table(name))


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        url = context.config.get_main_option("sqlalchemy.url")
        assert url is not None, "no connection handed over and no sqlalchemy.url set"
        connection = create_engine(url).connect()
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
