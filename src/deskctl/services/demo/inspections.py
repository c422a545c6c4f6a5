"""Demo inspections: four plans with a month of runs recorded through the real services.

A few items fail and open tickets (one fails twice while its ticket is open, so the ticket gets
a note instead of a duplicate), one occurrence is missed, and each plan's latest occurrence is
left open so `deskctl inspect due` has something to show.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import col

from deskctl.services.demo.staff import OFFICERS
from deskctl.services.inspections import plans as inspections
from deskctl.services.inspections import runs as inspection_runs
from deskctl.services.inspections.schedule import OwnerResolver, get_plan, recurrence
from deskctl.store.tables import Staff
from deskctl.timeparse import Clock

if TYPE_CHECKING:
    from deskctl.services.demo import DemoContext

PLANS: list[dict[str, Any]] = [
    dict(name="core-network", target="核心交换机", every="daily 09:00", grace="1h", owner="on-duty",
         priority="P2", items=["CPU < 70%", "所有端口状态正常", "电源冗余正常"]),
    dict(name="machine-room", target="机房环境", every="every 4h", grace="30m", owner="on-duty",
         priority="P2", items=["温度 18-27°C", "湿度 40-60%", "UPS 告警灯正常"]),
    dict(name="backups", target="backup-server", every="FREQ=WEEKLY;BYDAY=MO;BYHOUR=10", grace="2h",
         owner="on-duty", priority="P3", items=["last full backup < 7 days", "restore test of one file"]),
    dict(name="ups-battery", target="UPS-A", every="monthly 1 09:00", grace="1d", owner="lead",
         priority="P2", items=["电池自检通过", "负载 < 60%"]),
]
# (plan, days before now, item, note): failures placed on purpose; the second core-network one
# falls while the first one's ticket is still open.
FAILURES = [
    ("core-network", 12, 2, "Gi0/12 down"),
    ("core-network", 11, 2, "Gi0/12 still down"),
    ("machine-room", 6, 1, "29°C, CRAC-2 fan fault"),
    ("backups", 14, 1, "last full backup 9 days old"),
]
MISSED = ("core-network", 8)  # nobody ran the core-network inspection eight days ago


def seed(ctx: DemoContext) -> None:
    session, tz, now, rng = ctx.session, ctx.tz, ctx.now, ctx.rng
    start = now - timedelta(days=30)
    for spec in PLANS:
        inspections.add_plan(session=session, clock=Clock(start), actor="lead", config=ctx.config, tz=tz,
                             start=start, **spec)
    officers = list(session.execute(select(col(Staff.handle)).where(col(Staff.handle).in_(OFFICERS))).scalars())
    owner_of = OwnerResolver(session)
    runs = findings = 0
    failed_days: set[tuple[str, int]] = set()
    for spec in PLANS:
        plan = get_plan(session, spec["name"])
        occurrences = recurrence(plan).between(start, now, tz)
        for at in occurrences:
            if at == occurrences[-1] and now - at < timedelta(days=1):
                continue  # the latest stays open for `inspect due`
            days_ago = round((now - at) / timedelta(days=1))
            if (plan.name, days_ago) == MISSED:
                continue
            performer = owner_of("on-duty", at)
            if performer is None or performer not in officers:
                performer = rng.choice(officers)
            fail = {(n, note) for p, d, n, note in FAILURES
                    if p == plan.name and d == days_ago and (p, d) not in failed_days}
            if fail:
                failed_days.add((plan.name, days_ago))
            late = rng.random() < 0.08
            performed = at + timedelta(minutes=rng.randint(2, 25) + (plan.grace_seconds // 60 if late else 0))
            entries = [{"n": n, "result": "ok", "note": "", "value": "", "where": f"item {n}"}
                       for n in range(1, len(spec["items"]) + 1)]
            for n, note in fail:
                entries[n - 1] = {"n": n, "result": "fail", "note": note, "value": "", "where": f"item {n}"}
            if plan.name == "machine-room":
                entries[0]["value"] = f"{rng.uniform(20.5, 25.5):.1f}°C" if not fail else "29.0°C"
            inspection_runs.run_inspection(session=session, clock=Clock(min(performed, now)), actor=performer,
                                           config=ctx.config, tz=tz, plan=plan.name, entries=entries, at=at)
            runs += 1
            findings += len(fail)
    ctx.counts["inspection_plans"] = len(PLANS)
    ctx.counts["inspection_runs"] = runs
    ctx.counts["inspection_findings"] = findings
