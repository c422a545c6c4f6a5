"""`deskctl staff record`: discipline and commendation records (issue: reports & assessment).

Registered on the staff app by `register`; `records_for` and `show_tables` serve `staff show`.
"""

from __future__ import annotations

from typing import Any


def register(app) -> None:
    """Add `record` to the staff app. (Filled by the reports/assessment work.)"""


def records_for(unit, handle: str) -> list[dict]:
    return []


def show_tables(view: dict[str, Any]):
    from deskctl import render

    fields = {k: v for k, v in view.items() if k != "records"}
    yield render.kv_table(fields.items(), title=view.get("handle"))
