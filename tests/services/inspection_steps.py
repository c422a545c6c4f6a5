"""Inspection plans and runs through the services, for the service-layer tests (and CLI set-up).

`add_core(desk)` adds the core-network plan (daily 09:00, three items, grace 1 h, P2 findings)
on 2026-11-20 08:00, so by the frozen clock it owes 20, 21, 22 and 23 November.
"""

from __future__ import annotations

from typing import Any

from deskctl.services.inspections import plans, runs

CORE: dict[str, Any] = {
    "target": "核心交换机", "every": "daily 09:00", "items": ["CPU < 70%", "所有端口状态正常", "电源冗余正常"],
    "grace": "1h", "owner": "on-duty", "priority": "P2",
}


def add_core(desk, now: str = "2026-11-20T08:00:00+08:00", **changes: Any) -> dict:
    desk.set_now(now)
    view = desk.write(plans.add_plan, name="core-network", **{**CORE, **changes})
    desk.set_now("2026-11-23T09:00:00+08:00")
    return view


def run(desk, plan: str = "core-network", *, actor: str = "zhang", ok=(), fail=(), skip=(), **kw: Any) -> dict:
    """`inspect run PLAN --ok … --fail N:note --skip …` at the service layer."""
    entries = runs.results_from_options(list(ok), list(fail), list(skip))
    return desk.write(runs.run_inspection, actor=actor, plan=plan, entries=entries, **kw)


def count(desk, table: str) -> int:
    return desk.count(table)


def snapshot(desk) -> tuple[int, ...]:
    return tuple(count(desk, t) for t in ("inspection_run", "inspection_result", "ticket", "event"))
