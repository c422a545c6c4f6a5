"""Property test: `due` is idempotent, writes nothing, and agrees with the runs recorded."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from deskctl.config import Config
from deskctl.services.inspections import plans as inspections
from deskctl.services.inspections import runs as inspection_runs
from deskctl.services.people import staff
from deskctl.store.engine import open_database
from deskctl.store.tables import Event, InspectionPlan, InspectionRun
from deskctl.timeparse import Clock

TZ = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 25, 6, tzinfo=UTC)  # the spring DST change falls inside the walk
PLANS = [("daily", "daily 09:00", "30m"), ("four", "every 4h", "1h"), ("weekly", "weekly mon,thu 10:00", "2h")]

steps = st.lists(
    st.tuples(st.integers(1, 60 * 20), st.sampled_from([None, "daily", "four", "weekly"])),
    min_size=1, max_size=10,
)


def counts(session):
    return (session.execute(select(func.count()).select_from(InspectionRun)).scalar_one(),
            session.execute(select(func.count()).select_from(Event)).scalar_one())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_due_is_idempotent_and_consistent(_template_db, tmp_path_factory, steps):
    path = tmp_path_factory.mktemp("due") / "desk.db"
    shutil.copyfile(_template_db, path)
    db = open_database(path)
    config = Config(path=tmp_path_factory.mktemp("cfg") / "config.toml", data={})
    try:
        with db.write() as s:
            staff.add_staff(session=s, clock=Clock(START), actor="lead", config=Config(path=Path("unused.toml")),
                            handle="lead", name="L", role="supervisor")
            for name, every, grace in PLANS:
                inspections.add_plan(session=s, clock=Clock(START), actor="lead", config=config, tz=TZ,
                                     name=name, target=name, every=every, items=["a", "b"], grace=grace)
        now = START
        for minutes, run_plan in steps:
            now += timedelta(minutes=minutes)
            with db.read() as s:
                before = counts(s)
                first = inspections.list_due(session=s, now=now, tz=TZ, within=timedelta(hours=6))
                second = inspections.list_due(session=s, now=now, tz=TZ, within=timedelta(hours=6))
                assert first == second
                assert counts(s) == before
                recorded = set(s.execute(
                    select(InspectionPlan.name, InspectionRun.occurrence_at)
                    .join(InspectionPlan, InspectionPlan.id == InspectionRun.plan_id)).all())
            for row in first:
                assert (row["plan"], row["due_at"]) not in recorded
                assert row["upcoming"] == (row["due_at"] > now)
                assert START <= row["due_at"] <= now + timedelta(hours=6)
            current = [r["plan"] for r in first if not r["upcoming"]]
            assert len(current) == len(set(current))  # at most one open occurrence per plan
            if run_plan in current:
                with db.write() as s:
                    inspection_runs.run_inspection(
                        session=s, clock=Clock(now), actor="lead", config=config, tz=TZ, plan=run_plan,
                        entries=[{"n": "all", "result": "ok", "note": "", "value": "", "where": "all"}])
                with db.read() as s:
                    after = inspections.list_due(session=s, now=now, tz=TZ)
                assert run_plan not in [r["plan"] for r in after]
    finally:
        db.close()
