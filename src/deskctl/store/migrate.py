"""Alembic, configured in code; the scripts ship inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "deskctl.store:migrations")
    return cfg


def run_upgrade(connection: Connection, revision: str = "head") -> None:
    """Upgrade on `connection`, inside the transaction the caller began (and commits)."""
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)
