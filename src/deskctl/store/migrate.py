"""Alembic, configured in code; the scripts ship inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "deskctl.store:migrations")
    return cfg


def run_upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
