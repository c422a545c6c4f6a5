"""What the benchmark generator, the runner and the floors share.

Kept free of deskctl, SQLAlchemy and Rich imports: the floors import this module too, and
everything it imports is counted in their time.
"""

from __future__ import annotations

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"

# The frozen "now" of every generated desk and every timed process (DESKCTL_NOW).
BENCH_NOW = "2026-11-23T09:00:00+08:00"
DESK_TZ = "Asia/Shanghai"
# The acting user of the timed processes: a duty officer the generator always creates.
BENCH_USER = "zhang"

# ticket list: newest 50 open tickets, by opened_at (the (status, opened_at) index).
LIST_LIMIT = 50
OPEN_STATUSES = ("new", "assigned", "in_progress", "waiting")


def minimal_env(*, db: Path, config: Path, home: Path) -> dict[str, str]:
    """The environment of a cron job: nothing but what deskctl needs."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "DESKCTL_DB": str(db),
        "DESKCTL_CONFIG": str(config),
        "DESKCTL_NOW": BENCH_NOW,
        "DESKCTL_USER": BENCH_USER,
    }
