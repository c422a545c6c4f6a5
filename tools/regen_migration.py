"""Regenerate the initial migration (0001) from the models, before the first release.

Usage: python tools/regen_migration.py
Once a release has shipped, add new revisions with Alembic instead of rewriting 0001.
"""

import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from deskctl.store.migrate import alembic_config

VERSIONS = Path(__file__).resolve().parents[1] / "src/deskctl/store/migrations/versions"


def main() -> None:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/empty.db")
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    for new in VERSIONS.glob("0001_*.py"):
        text = new.read_text()
        text = "\n".join(line for line in text.splitlines() if not line.startswith("Create Date"))
        new.write_text(text + "\n")
        print(f"wrote {new}")


if __name__ == "__main__":
    main()
