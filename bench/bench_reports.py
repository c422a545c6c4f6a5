"""Benchmark of the reports at scale: 1M tickets, five years of shifts and inspections, 50 people.

    python bench/bench_reports.py            # build bench/out/reports.db once, then time
    python bench/bench_reports.py --rebuild  # build the database again
    python bench/bench_reports.py --runs 9   # runs per command (median reported; default 7)

Times whole `deskctl report daily`, `report sla --period month` and `report performance
--period month` processes, and a plain `sqlite3` Python script running the SQL equivalent of
`report sla`; peak memory is each process's ru_maxrss (resource.getrusage of children).
Targets (issue 5): sla within 3× the plain script; performance under 2× sla; peak < 150 MiB.
Also prints the in-process time of each report's service (queries + Python, no start-up) so
start-up cost and query cost can be told apart.

The data is generated with SQLAlchemy Core bulk inserts (executemany, 20 000 rows a batch) into
a database migrated by deskctl itself; it takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DB = OUT / "reports.db"
TZ_NAME = "Asia/Shanghai"  # fixed UTC+8: local days are easy to reason about
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 18:00 local on the last day of the data
START = datetime(2021, 12, 1, tzinfo=UTC) - timedelta(hours=8)  # 2021-12-01 00:00 local
N_TICKETS = 1_000_000
N_PEOPLE = 50
BATCH = 20_000
TARGETS = {"P1": (900, 14400), "P2": (1800, 28800), "P3": (7200, 259200), "P4": (28800, 432000)}
SYSTEMS = ["vpn", "mail", "printer", "finance-erp", "av", "wifi", "endpoint", "ad", "crm", "storage", "dns", "voip"]
CATEGORIES = ["network", "application", "hardware", "account", "security"]
CHANNELS = ["phone", "email", "walk-in", "monitoring"]
TARGETS_MIB = 150


# --- the data -----------------------------------------------------------------------------


def build(path: Path) -> None:
    from sqlalchemy import create_engine, event, insert

    from deskctl.store.engine import open_database
    from deskctl.store.tables import (
        Event,
        Handover,
        InspectionItem,
        InspectionPlan,
        InspectionResult,
        InspectionRun,
        Shift,
        ShiftType,
        Staff,
        StaffRecord,
        Ticket,
        TrainingRecord,
    )

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    open_database(path, create=True).close()  # migrated by deskctl itself
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast(conn, _):
        conn.execute("PRAGMA synchronous=OFF")

    rng = random.Random(2026)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        # people: a supervisor, 30 officers, 12 tier-2 and 8 tier-3 technicians
        staff = [{"handle": "lead", "name": "Supervisor", "role": "supervisor", "tier": 1, "created_at": START}]
        for i in range(N_PEOPLE):
            role, tier = ("officer", 1) if i < 30 else ("technician", 2 if i < 42 else 3)
            staff.append({"handle": f"p{i:02d}", "name": f"Person {i:02d}", "role": role, "tier": tier,
                          "created_at": START})
        conn.execute(insert(Staff.__table__), staff)
        officers = list(range(2, 32))
        tier2 = list(range(32, 44))
        tier3 = list(range(44, 52))

        # shift types and five years of shifts: two officers per day and per night shift
        conn.execute(insert(ShiftType.__table__), [
            {"name": "day", "start_local": "08:00", "end_local": "20:00", "min_staff": 2, "active": True},
            {"name": "night", "start_local": "20:00", "end_local": "08:00", "min_staff": 2, "active": True},
        ])
        days = (NOW - START).days + 1
        shifts, handovers = [], []
        for d in range(days):
            day = (START + timedelta(days=d, hours=8)).date()
            for type_id, offset in ((1, 0), (2, 12)):
                start = START + timedelta(days=d, hours=offset)
                end = start + timedelta(hours=12)
                pair = rng.sample(officers, 2)
                for who in pair:
                    r = rng.random()
                    clock_in = None if r < 0.01 else start + timedelta(minutes=rng.randint(-10, 3) if r > 0.06
                                                                       else rng.randint(6, 40))
                    clock_out = None
                    if clock_in is not None and end <= NOW:
                        clock_out = end + timedelta(minutes=rng.randint(0, 10) if rng.random() > 0.03
                                                    else -rng.randint(6, 60))
                    if start > NOW:
                        clock_in = clock_out = None
                    shifts.append({"type_id": type_id, "staff_id": who, "day": day, "start_at": start,
                                   "end_at": end, "clock_in_at": clock_in, "clock_out_at": clock_out,
                                   "created_at": START})
                if end <= NOW:
                    taken = end + timedelta(minutes=rng.randint(0, 90))
                    handovers.append({"from_staff_id": pair[0], "to_staff_id": rng.choice(officers),
                                      "note": "all quiet", "summary": "{}", "created_at": end - timedelta(minutes=5),
                                      "taken_over_at": taken if rng.random() > 0.05 else None,
                                      "taken_over_by_id": pair[1]})
        for i in range(0, len(shifts), BATCH):
            conn.execute(insert(Shift.__table__), shifts[i:i + BATCH])
        conn.execute(insert(Handover.__table__), handovers)
        print(f"  {len(shifts)} shifts, {len(handovers)} handovers", flush=True)

        # tickets
        span = (NOW - START).total_seconds()
        reporters = [f"dept{r % 20} user{r}" for r in range(300)]
        batch = []
        for i in range(N_TICKETS):
            opened = START + timedelta(seconds=span * (i + rng.random()) / N_TICKETS)
            batch.append(_ticket(rng, i, opened, officers, tier2, tier3, reporters))
            if len(batch) == BATCH:
                conn.execute(insert(Ticket.__table__), batch)
                batch = []
                if (i + 1) % 200_000 == 0:
                    print(f"  {i + 1} tickets ({time.perf_counter() - t0:.0f} s)", flush=True)
        if batch:
            conn.execute(insert(Ticket.__table__), batch)

        # inspections: four plans over five years, with the owing events the schedule reads
        from zoneinfo import ZoneInfo

        from deskctl.domain.recurrence import parse_schedule

        tz = ZoneInfo(TZ_NAME)
        plans = [("machine-room", "机房环境", "daily 09:00"), ("core-network", "核心交换机", "every 4h"),
                 ("backups", "backup-server", "weekly mon 10:00"), ("ups", "UPS-A", "daily 21:00")]
        run_rows, result_rows, events = [], [], []
        for pid, (name, target, schedule) in enumerate(plans, start=1):
            rec = parse_schedule(schedule, start=START, tz=tz)
            conn.execute(insert(InspectionPlan.__table__), [{
                "id": pid, "name": name, "target": target, "schedule": schedule, "rrule": rec.text,
                "starts_at": START, "grace_seconds": 3600, "owner": "on-duty", "priority": "P3",
                "status": "active", "created_at": START}])
            conn.execute(insert(InspectionItem.__table__), [{"id": pid, "plan_id": pid, "position": 1,
                                                             "text": f"{target} looks healthy"}])
            events.append({"id": pid, "at": START, "actor": "lead", "entity": "inspection_plan", "entity_id": pid,
                           "kind": "added", "details": json.dumps({"owes": {"rrule": rec.text,
                                                                            "from": START.isoformat()}}),
                           "prev_hash": "", "hash": ""})
            for at in rec.between(START, NOW, tz):
                r = rng.random()
                if r < 0.01:
                    continue  # missed
                delay = timedelta(minutes=rng.randint(0, 50) if r > 0.05 else rng.randint(61, 180))
                run_rows.append({"plan_id": pid, "occurrence_at": at, "performed_at": at + delay,
                                 "performed_by_id": rng.choice(officers)})
        conn.execute(insert(Event.__table__), events)
        for i in range(0, len(run_rows), BATCH):
            conn.execute(insert(InspectionRun.__table__), run_rows[i:i + BATCH])
        for run_id, row in enumerate(run_rows, start=1):
            fail = rng.random() < 0.02
            result_rows.append({"run_id": run_id, "item_id": row["plan_id"], "result": "fail" if fail else "ok",
                                "note": "reading out of range" if fail else "",
                                "ticket_id": rng.randint(1, N_TICKETS) if fail else None})
        for i in range(0, len(result_rows), BATCH):
            conn.execute(insert(InspectionResult.__table__), result_rows[i:i + BATCH])
        print(f"  {len(run_rows)} inspection runs", flush=True)

        # training every ~150 days, and some discipline records
        training, records = [], []
        for who in range(2, 2 + N_PEOPLE):
            day = START.date() + timedelta(days=rng.randint(0, 120))
            while day < NOW.date():
                training.append({"staff_id": who, "topic": "refresher", "on": day, "hours": 3.0,
                                 "result": "pass" if rng.random() > 0.1 else "fail", "recorded_by_id": 1,
                                 "created_at": START})
                day += timedelta(days=rng.randint(120, 200))
            for _ in range(rng.randint(0, 8)):
                records.append({"staff_id": who, "kind": rng.choice(["late", "absent", "violation", "commendation"]),
                                "note": "noted", "at": START + timedelta(seconds=rng.random() * span),
                                "recorded_by_id": 1})
        conn.execute(insert(TrainingRecord.__table__), training)
        conn.execute(insert(StaffRecord.__table__), records)
    engine.dispose()
    print(f"built {path} in {time.perf_counter() - t0:.0f} s ({path.stat().st_size / 2**20:.0f} MiB)", flush=True)


def _ticket(rng, i, opened, officers, tier2, tier3, reporters) -> dict:
    r = rng.random()
    priority = "P1" if r < 0.02 else "P2" if r < 0.12 else "P3" if r < 0.70 else "P4"
    resp_t, res_t = TARGETS[priority]
    taker = rng.choice(officers)
    escalated = rng.random() < 0.4
    tier = rng.choice((2, 3)) if escalated else 1
    resolver = rng.choice(tier2 if tier == 2 else tier3) if escalated else taker
    ack = opened + timedelta(seconds=rng.expovariate(2.0 / resp_t))
    resolved = ack + timedelta(seconds=rng.expovariate(2.5 / res_t))
    paused = rng.randint(600, 7200) if rng.random() < 0.1 else 0
    resolved += timedelta(seconds=paused)
    age = NOW - opened
    status = "closed"
    if rng.random() < 0.02:
        status = "cancelled"
    elif resolved > NOW:
        status = "in_progress" if ack <= NOW else "assigned"
    elif age < timedelta(days=3) and rng.random() < 0.5:
        status = "resolved"
    acked = ack if ack <= NOW and status != "cancelled" else None
    done = resolved if status in ("resolved", "closed") else None
    resp_breach = opened + timedelta(seconds=resp_t) if (ack - opened).total_seconds() > resp_t and (
        acked or NOW > opened + timedelta(seconds=resp_t)) and status != "cancelled" else None
    res_breach = None
    if status != "cancelled" and (resolved - opened).total_seconds() - paused > res_t:
        due = opened + timedelta(seconds=res_t + paused)
        res_breach = due if due <= NOW else None
    rating = None
    if status == "closed" and rng.random() < 0.7:
        rating = rng.choices((5, 4, 3, 2, 1), (45, 30, 15, 7, 3))[0]
    return {
        "title": f"fault {i}", "description": "", "reporter": rng.choice(reporters), "contact": "",
        "system": rng.choice(SYSTEMS), "category": rng.choice(CATEGORIES), "channel": rng.choice(CHANNELS),
        "priority": priority, "status": status, "tier": tier, "assignee_id": resolver, "opened_by_id": taker,
        "opened_at": opened, "acknowledged_at": acked, "resolved_at": done,
        "closed_at": (done + timedelta(hours=rng.randint(1, 72))) if status == "closed" else (
            opened + timedelta(minutes=30) if status == "cancelled" else None),
        "paused_seconds": paused, "response_due_at": opened + timedelta(seconds=resp_t),
        "resolution_due_at": opened + timedelta(seconds=res_t + paused),
        "response_breached_at": resp_breach, "resolution_breached_at": res_breach,
        "resolution": "fixed" if done else "", "rating": rating, "rating_comment": "",
        "confirmed": (rating is not None) if status == "closed" else None,
        "close_reason": "", "cancel_reason": "duplicate" if status == "cancelled" else "",
        "reopen_count": 1 if rng.random() < 0.03 else 0, "reassign_count": rng.randint(1, 2) if escalated else 0,
        "resolved_by_id": resolver if done else None, "resolved_tier": tier if done else None,
        "updated_at": opened, "version": 1,
    }


# --- the plain sqlite3 script: the SQL equivalent of `report sla --period month` ---------------

PLAIN_SLA = textwrap.dedent('''
    import json, sqlite3, sys
    start, end = sys.argv[2], sys.argv[3]
    con = sqlite3.connect(sys.argv[1])
    where = "opened_at >= ? AND opened_at < ? AND status != 'cancelled'"
    counts = con.execute(f"""
        SELECT priority, count(*),
          sum(CASE WHEN acknowledged_at IS NOT NULL AND response_breached_at IS NULL THEN 1 ELSE 0 END),
          sum(CASE WHEN response_breached_at IS NOT NULL THEN 1 ELSE 0 END),
          sum(CASE WHEN resolved_at IS NOT NULL AND resolution_breached_at IS NULL THEN 1 ELSE 0 END),
          sum(CASE WHEN resolution_breached_at IS NOT NULL THEN 1 ELSE 0 END)
        FROM ticket WHERE {where} GROUP BY priority""", (start, end)).fetchall()
    mtta = con.execute(f"""SELECT priority, count(*), avg((julianday(acknowledged_at) - julianday(opened_at)) * 86400)
        FROM ticket WHERE {where} AND acknowledged_at IS NOT NULL GROUP BY priority""", (start, end)).fetchall()
    ttr = con.execute(f"""SELECT priority, count(*),
        avg((julianday(resolved_at) - julianday(opened_at)) * 86400 - paused_seconds)
        FROM ticket WHERE {where} AND resolved_at IS NOT NULL GROUP BY priority""", (start, end)).fetchall()
    breaches = con.execute(f"""SELECT ticket.id, priority, title, status, staff.handle,
        response_breached_at, resolution_breached_at FROM ticket LEFT JOIN staff ON staff.id = assignee_id
        WHERE {where} AND (response_breached_at IS NOT NULL OR resolution_breached_at IS NOT NULL)
        ORDER BY ticket.id""", (start, end)).fetchall()
    json.dump({"counts": counts, "mtta": mtta, "ttr": ttr, "breaches": breaches}, sys.stdout)
''')


# --- measuring ----------------------------------------------------------------------------

MEASURE = textwrap.dedent('''
    import resource, subprocess, sys, time
    t = time.perf_counter()
    rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
    elapsed = time.perf_counter() - t
    print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
''')


def measure(cmd: list[str], env: dict, runs: int) -> tuple[float, float, list[float]]:
    """(median seconds, peak MiB, all times) of a command run as its own process `runs` times."""
    times, peaks = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], env=env, capture_output=True, text=True,
                             check=True).stdout.split()
        elapsed, maxrss, rc = float(out[0]), int(out[1]), int(out[2])
        if rc != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {rc}")
        times.append(elapsed)
        peaks.append(maxrss / 1024)
    return statistics.median(times), max(peaks), times


def in_process(env: dict) -> dict[str, float]:
    """Each report's service timed inside one warm process: queries and Python, no start-up."""
    code = textwrap.dedent('''
        import json, time
        from deskctl.cli.state import AppState
        from deskctl.services.reports import daily, performance, sla
        from deskctl.services.reports.common import resolve_period
        st = AppState()
        now = st.clock.now()
        out = {}
        for name, mod, spec in (("daily", daily, "today"), ("sla", sla, "month"),
                                ("performance", performance, "month")):
            period = resolve_period(period=spec, from_=None, to=None, tz=st.tz, now=now)
            best = None
            for _ in range(3):
                with st.read() as r:
                    t = time.perf_counter()
                    mod.build(session=r.session, now=now, config=r.config, tz=r.tz, period=period)
                    e = time.perf_counter() - t
                best = e if best is None else min(best, e)
            out[name] = best
        print(json.dumps(out))
    ''')
    return json.loads(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                     check=True).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--runs", type=int, default=7, help="runs per command (median reported)")
    parser.add_argument("--db", type=Path, default=DB, help="where the benchmark database lives")
    args = parser.parse_args(argv)

    if args.rebuild or not args.db.exists():
        print(f"building {args.db} (1M tickets, five years of shifts and inspections, {N_PEOPLE} people) …")
        build(args.db)
    # deskctl's own modules compiled once, as an installed wheel would be (PYTHONDONTWRITEBYTECODE
    # would otherwise make every run recompile them)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "deskctl")], check=True)
    cfg = Path(tempfile.mkdtemp()) / "config.toml"
    cfg.write_text(f'timezone = "{TZ_NAME}"\n', encoding="utf-8")
    env = {**os.environ, "DESKCTL_DB": str(args.db), "DESKCTL_CONFIG": str(cfg), "DESKCTL_NOW": NOW.isoformat(),
           "PYTHONDONTWRITEBYTECODE": ""}
    env.pop("PYTHONDONTWRITEBYTECODE")
    deskctl = [sys.executable, "-m", "deskctl"]
    month_start = datetime(2026, 10, 31, 16, tzinfo=UTC)
    month_end = datetime(2026, 11, 30, 16, tzinfo=UTC)
    plain = OUT / "plain_sla.py"
    plain.write_text(PLAIN_SLA, encoding="utf-8")
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    commands = {
        "report daily": deskctl + ["report", "daily"],
        "report sla --period month": deskctl + ["report", "sla", "--period", "month"],
        "report performance --period month": deskctl + ["report", "performance", "--period", "month"],
        "plain sqlite3 sla script": [sys.executable, str(plain), str(args.db), month_start.strftime(fmt),
                                     month_end.strftime(fmt)],
        "python -c pass (interpreter start)": [sys.executable, "-c", "pass"],
        "deskctl import floor (cli+store+tables)": [
            sys.executable, "-c", "import deskctl.cli, deskctl.store.engine, deskctl.store.tables, rich.table"],
    }
    results = {}
    for name, cmd in commands.items():
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True)  # warm the page cache
        results[name] = measure(cmd, env, args.runs)
    service = in_process(env)

    print(f"\n{'command':40} {'median s':>9} {'peak MiB':>9}   runs")
    for name, (med, peak, times) in results.items():
        print(f"{name:40} {med:9.3f} {peak:9.1f}   {' '.join(f'{t:.2f}' for t in times)}")
    print("\nin-process service time (queries + Python, warm, best of 3):")
    for name, secs in service.items():
        print(f"  report {name:12} {secs * 1000:8.1f} ms")
    sla_t = results["report sla --period month"][0]
    plain_t = results["plain sqlite3 sla script"][0]
    perf_t = results["report performance --period month"][0]
    peak = max(p for _, p, _ in results.values())
    checks = [
        (f"report sla within 3× the plain script: {sla_t / plain_t:.2f}×", sla_t <= 3 * plain_t),
        (f"report performance under 2× report sla: {perf_t / sla_t:.2f}×", perf_t < 2 * sla_t),
        (f"peak memory under {TARGETS_MIB} MiB: {peak:.1f} MiB", peak < TARGETS_MIB),
    ]
    floor = results["deskctl import floor (cli+store+tables)"][0]
    print(f"\nreport sla less the import floor: {sla_t - floor:.3f} s "
          f"({(sla_t - floor) / plain_t:.2f}× the plain script)")
    print()
    for text, ok in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

