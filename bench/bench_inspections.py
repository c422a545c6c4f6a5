"""Time `deskctl inspect due` as whole processes: 500 plans with five years of runs versus
5 plans with no history.

    python bench/bench_inspections.py [--runs 5] [--plans 500] [--years 5] [--db-dir /tmp] [--keep]

Builds two databases with deskctl's own `open_database(create=True)`:

- **large**: --plans plans (a third `daily HH:MM`, a third `weekly mon,thu HH:MM`, a third
  `every 4h`), three checklist items each, added through the real service --years ago (so the
  audit events are genuine), then every occurrence up to now recorded as a run with three
  results (bulk executemany on a SQLAlchemy Core connection, instants in the exact text form
  deskctl's UTCDateTime column stores: about 2.2 million runs and 6.6 million results at the
  defaults, a few minutes to build). One plan in ten has its latest occurrence open, so `due` lists about 50 rows.
- **small**: 5 plans of the same kinds, added a day ago, no runs (all 5 due).

Then it times `deskctl inspect due` (what cron runs: no TTY, minimal environment, DESKCTL_NOW
frozen) on each, one warm-up run and then the median of --runs runs, and prints the medians and
the ratio (target: large within 1.3x of small), and the same for CPU time (user + system), which
other load on the machine disturbs less. Results also go to bench/out/inspections.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_NOW, DESK_TZ, OUT_DIR, minimal_env  # noqa: E402

TARGET_RATIO = 1.3
ITEMS = ["CPU < 70%", "所有端口状态正常", "电源冗余正常"]
BATCH = 50_000


def schedule(i: int) -> str:
    kind = i % 3
    if kind == 0:
        return f"daily {6 + i % 14:02d}:{(i * 7) % 4 * 15:02d}"
    if kind == 1:
        return f"weekly mon,thu {8 + i % 10:02d}:00"
    return "every 4h"


def build(db_path: Path, *, plans: int, years: float, history: bool) -> dict[str, int]:
    from sqlalchemy import insert, select
    from sqlmodel import Session

    from deskctl.config import Config
    from deskctl.services.inspections import plans as inspections
    from deskctl.services.inspections.schedule import recurrence
    from deskctl.store.engine import open_database
    from deskctl.store.tables import (
        InspectionItem,
        InspectionPlan,
        Staff,
    )
    from deskctl.timeparse import Clock

    tz = ZoneInfo(DESK_TZ)
    now = datetime.fromisoformat(BENCH_NOW).astimezone(UTC)
    start = now - timedelta(days=365 * years) if history else now - timedelta(days=1)
    db = open_database(db_path, create=True, now=now)
    with db.engine.begin() as conn:
        conn.execute(insert(Staff.__table__), [
            {"handle": h, "name": h.title(), "role": r, "tier": 1, "phone": "", "active": True,
             "created_at": start - timedelta(days=1)}
            for h, r in (("lead", "supervisor"), ("zhang", "officer"))
        ])
    config = Config(path=db_path.with_suffix(".toml"), data={})
    with Session(db.engine.execution_options(deskctl_write=True)) as session:
        for i in range(plans):
            inspections.add_plan(session=session, clock=Clock(start), actor="lead", config=config, tz=tz,
                                 name=f"plan-{i:04d}", target=f"system-{i:04d}", every=schedule(i),
                                 items=ITEMS, grace="1h", start=start)
        session.commit()
        all_plans = list(session.execute(select(InspectionPlan).order_by(InspectionPlan.id)).scalars())
        item_ids = {}
        for plan_id, item_id in session.execute(
            select(InspectionItem.plan_id, InspectionItem.id).order_by(InspectionItem.position)
        ).all():
            item_ids.setdefault(plan_id, []).append(item_id)
    counts = {"plans": plans, "runs": 0, "results": 0}
    if not history:
        db.close()
        return counts
    zhang = 2
    run_id = 0
    runs: list[tuple] = []
    results: list[tuple] = []

    def stored(at: datetime) -> str:  # how deskctl's UTCDateTime column stores an instant in SQLite
        return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def flush(conn) -> None:
        if runs:
            conn.exec_driver_sql(
                "INSERT INTO inspection_run (id, plan_id, occurrence_at, performed_at, performed_by_id) "
                "VALUES (?, ?, ?, ?, ?)", runs)
            conn.exec_driver_sql(
                "INSERT INTO inspection_result (run_id, item_id, result, note, value, ticket_id) "
                "VALUES (?, ?, ?, ?, '', NULL)", results)
            counts["runs"] += len(runs)
            counts["results"] += len(results)
            runs.clear()
            results.clear()

    with db.engine.begin() as conn:
        for n, plan in enumerate(all_plans):
            occurrences = recurrence(plan).between(start, now + timedelta(microseconds=1), tz)
            if n % 10 == 0:
                occurrences = occurrences[:-1]  # the latest stays open: `due` lists it
            for at in occurrences:
                run_id += 1
                runs.append((run_id, plan.id, stored(at), stored(at + timedelta(minutes=7)), zhang))
                for k, item_id in enumerate(item_ids[plan.id]):
                    fail = run_id % 997 == 0 and k == 1
                    results.append((run_id, item_id, "fail" if fail else "ok", "端口 down" if fail else ""))
            if len(runs) >= BATCH:
                flush(conn)
        flush(conn)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    db.close()
    return counts


def existing_counts(db: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for name, table in (("plans", "inspection_plan"), ("runs", "inspection_run"),
                                    ("results", "inspection_result"))}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """Wall seconds and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode, proc.stdout


def time_due(deskctl: str, db: Path, home: Path, runs: int) -> dict:
    config = home / "config.toml"
    config.write_text(f'timezone = "{DESK_TZ}"\n', encoding="utf-8")
    env = minimal_env(db=db, config=config, home=home)
    argv = [deskctl, "inspect", "due"]
    _, _, code, out = run_once(argv, env)  # warm-up (page cache, .pyc)
    listed = len([line for line in out.decode("utf-8").splitlines() if "plan-" in line])
    samples, cpu = [], []
    for _ in range(runs):
        seconds, cpu_seconds, code2, _ = run_once(argv, env)
        if code2 not in (0, 1):
            raise SystemExit(f"`inspect due` failed with exit {code2} on {db}")
        samples.append(seconds)
        cpu.append(cpu_seconds)
    return {"median_s": statistics.median(samples), "samples_s": samples, "cpu_median_s": statistics.median(cpu),
            "cpu_s": cpu, "exit": code, "rows": listed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per database (median; at least 5)")
    parser.add_argument("--plans", type=int, default=500, help="plans in the large database")
    parser.add_argument("--years", type=float, default=5, help="years of runs in the large database")
    parser.add_argument("--db-dir", type=Path, default=None, help="where to build the databases (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--reuse", action="store_true", help="time databases already built in --db-dir")
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    deskctl = shutil.which("deskctl")
    if deskctl is None:
        parser.error("deskctl is not on PATH (pip install -e . into the active environment)")
    folder = args.db_dir or Path(tempfile.mkdtemp(prefix="deskctl-bench-inspections-"))
    folder.mkdir(parents=True, exist_ok=True)
    report: dict = {"now": BENCH_NOW, "timezone": DESK_TZ, "python": platform.python_version(),
                    "machine": platform.machine(), "runs": args.runs, "target_ratio": TARGET_RATIO}
    try:
        sizes = {"small": (5, False), "large": (args.plans, True)}
        for label, (plans, history) in sizes.items():
            db = folder / f"inspections-{label}.db"
            started = time.perf_counter()
            if args.reuse and db.exists():
                counts = existing_counts(db)
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                counts = build(db, plans=plans, years=args.years, history=history)
            built = time.perf_counter() - started
            print(f"built {label}: {counts} in {built:.0f} s ({db.stat().st_size / 1e6:.0f} MB)", flush=True)
            home = folder / f"home-{label}"
            home.mkdir(exist_ok=True)
            report[label] = {**counts, "build_s": round(built, 1), **time_due(deskctl, db, home, args.runs)}
        small, large = report["small"]["median_s"], report["large"]["median_s"]
        ratio = large / small
        report["ratio"] = ratio
        report["ok"] = ratio <= TARGET_RATIO
        print()
        print(f"deskctl inspect due (whole process, median of {args.runs})")
        print(f"  small: {report['small']['plans']:>4} plans, {report['small']['runs']:>9,} runs, "
              f"{report['small']['rows']:>3} due: {small * 1000:7.1f} ms")
        print(f"  large: {report['large']['plans']:>4} plans, {report['large']['runs']:>9,} runs, "
              f"{report['large']['rows']:>3} due: {large * 1000:7.1f} ms")
        print(f"  ratio large/small: {ratio:.2f} (target <= {TARGET_RATIO}) -> {'ok' if report['ok'] else 'OVER'}")
        cpu_small, cpu_large = report["small"]["cpu_median_s"], report["large"]["cpu_median_s"]
        report["cpu_ratio"] = cpu_large / cpu_small
        print(f"  CPU (user+sys) medians: small {cpu_small * 1000:.1f} ms, large {cpu_large * 1000:.1f} ms, "
              f"ratio {cpu_large / cpu_small:.2f} (less sensitive to other load on the machine)")
        OUT_DIR.mkdir(exist_ok=True)
        (OUT_DIR / "inspections.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        return 0 if report["ok"] else 1
    finally:
        if not args.keep and args.db_dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
