"""Time the duty rota as whole `deskctl` processes on a desk with five years of shift history.

    python bench/bench_shifts.py [--runs 5] [--db-dir /tmp] [--keep]

Builds (once per run, in a temp folder unless --db-dir) a database with deskctl's own
`open_database(create=True)`: a supervisor and 12 duty officers, two shift types (day 08:00-20:00
needing 3 people, night 20:00-08:00 needing 2), five years of shifts up to the frozen "now"
(about 9,100 rows, with clock-ins) and a few hundred open tickets, all loaded with SQLAlchemy
Core bulk inserts. Then it times, as real processes in a cron-like minimal environment with
DESKCTL_NOW frozen, the median of --runs runs (after one warm-up run) of:

    shift plan --dry-run   a year, 12 people, both types (planning only; nothing written)
    shift now              who is on duty now and who is next
    shift gaps             over the last year of history (rota days, both types)
    ticket list            the reference floor: `shift now` should cost no more than this

Prints a table of medians and writes it with the raw timings to bench/out/shifts.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_NOW, DESK_TZ, OUT_DIR, minimal_env  # noqa: E402

OFFICERS = ["zhang", "wang", "zhao", "sun", "chen", "li", "zhou", "wu", "zheng", "feng", "he", "lin"]
TYPES = [("day", "08:00", "20:00", 3), ("night", "20:00", "08:00", 2)]
YEARS = 5
OPEN_TICKETS = 400


def build(db_path: Path) -> dict[str, int]:
    from sqlalchemy import insert

    from deskctl.domain.shift_time import shift_instants
    from deskctl.services.shifts.types import wall
    from deskctl.store.engine import open_database
    from deskctl.store.tables import Shift, ShiftType, Staff, Ticket

    tz = ZoneInfo(DESK_TZ)
    now = datetime.fromisoformat(BENCH_NOW).astimezone(UTC)
    today = now.astimezone(tz).date()
    db = open_database(db_path, create=True, now=now)
    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        conn.execute(insert(Staff.__table__), [
            {"handle": h, "name": h.title(), "role": "supervisor" if h == "lead" else "officer", "tier": 1,
             "phone": "", "active": True, "created_at": now - timedelta(days=YEARS * 366)}
            for h in ["lead", *OFFICERS]
        ])
        conn.execute(insert(ShiftType.__table__), [
            {"name": n, "start_local": s, "end_local": e, "min_staff": m, "active": True} for n, s, e, m in TYPES
        ])
        staff_id = dict(conn.exec_driver_sql("SELECT handle, id FROM staff").all())
        type_id = dict(conn.exec_driver_sql("SELECT name, id FROM shift_type").all())
        first = today - timedelta(days=YEARS * 365)
        rows = []
        day = first
        while day < today:
            n = (day - first).days
            # 5 people a day: 3 on the day, 2 on the night; the offsets keep 12 h rest for all.
            crew = {"day": [(5 * n + k) % 12 for k in range(3)], "night": [(5 * n + 3 + k) % 12 for k in range(2)]}
            for name, start, end, _ in TYPES:
                s_at, e_at = shift_instants(day, wall(start), wall(end), tz)
                for i, who in enumerate(crew[name]):
                    late = timedelta(minutes=9) if (n + i) % 37 == 0 else timedelta(minutes=-5)
                    rows.append({
                        "type_id": type_id[name], "staff_id": staff_id[OFFICERS[who]], "day": day,
                        "start_at": s_at, "end_at": e_at, "clock_in_at": s_at + late,
                        "clock_out_at": e_at + timedelta(minutes=3) if e_at <= now else None,
                        "created_at": s_at - timedelta(days=30),
                    })
            day += timedelta(days=1)
        conn.execute(insert(Shift.__table__), rows)
        counts["shifts"] = len(rows)
        tickets = []
        for i in range(OPEN_TICKETS):
            opened = now - timedelta(minutes=37 * i)
            t = Ticket(title=f"打印机卡纸 printer jam #{i}", reporter="财务部 刘女士", priority=f"P{1 + i % 4}",
                       status=("new", "assigned", "in_progress", "waiting")[i % 4], opened_at=opened,
                       updated_at=opened, assignee_id=staff_id[OFFICERS[i % 12]] if i % 4 else None)
            tickets.append(t.model_dump(exclude={"id"}))
        conn.execute(insert(Ticket.__table__), tickets)
        counts["tickets"] = len(tickets)
    db.close()
    return counts


def commands(deskctl: str, today: date) -> dict[str, list[str]]:
    year_ahead = (today + timedelta(days=1), today + timedelta(days=365))
    year_back = (today - timedelta(days=365), today - timedelta(days=1))
    return {
        "shift plan --dry-run (1 year, 12 people, 2 types)": [
            deskctl, "--as", "lead", "shift", "plan", "--from", str(year_ahead[0]), "--to", str(year_ahead[1]),
            "--type", "day,night", "--members", ",".join(OFFICERS), "--dry-run", "--json",
        ],
        "shift now": [deskctl, "shift", "now"],
        "shift gaps (1 year of history)": [
            deskctl, "shift", "gaps", "--from", str(year_back[0]), "--to", str(year_back[1]), "--format", "table",
        ],
        "ticket list (floor)": [deskctl, "ticket", "list"],
    }


def floor_command(deskctl: str, env: dict[str, str]) -> tuple[str, list[str]]:
    """`ticket list` when the ticket desk has it; `staff list` before it lands."""
    probe = subprocess.run([deskctl, "ticket", "list", "--help"], env=env, stdin=subprocess.DEVNULL,
                           capture_output=True)
    if probe.returncode == 0:
        return "ticket list (floor)", [deskctl, "ticket", "list"]
    return "staff list (floor; ticket list not there yet)", [deskctl, "staff", "list"]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    return time.perf_counter() - started, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median; at least 5)")
    parser.add_argument("--db-dir", type=Path, default=None, help="where to build the database (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    runs = max(args.runs, 5)
    deskctl = shutil.which("deskctl") or str(Path(sys.executable).parent / "deskctl")
    work = Path(tempfile.mkdtemp(prefix="deskctl-bench-shifts-", dir=args.db_dir))
    try:
        db = work / "desk.db"
        t0 = time.perf_counter()
        counts = build(db)
        print(f"built {db}: {counts['shifts']:,} shifts, {counts['tickets']} open tickets "
              f"in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        home = work / "home"
        home.mkdir()
        config = work / "config.toml"
        config.write_text(f'timezone = "{DESK_TZ}"\n', encoding="utf-8")
        env = minimal_env(db=db, config=config, home=home)
        today = datetime.fromisoformat(BENCH_NOW).astimezone(ZoneInfo(DESK_TZ)).date()
        cmds = commands(deskctl, today)
        del cmds["ticket list (floor)"]
        floor_name, floor_argv = floor_command(deskctl, env)
        cmds[floor_name] = floor_argv
        expected = {name: (1 if "gaps" in name else 0) for name in cmds}
        samples: dict[str, list[float]] = {name: [] for name in cmds}
        for round_no in range(runs + 1):  # round 0 is the warm-up
            for name, cmd in cmds.items():
                seconds, code = run_once(cmd, env)
                if code not in (0, expected[name]):
                    raise SystemExit(f"bench_shifts: {name} exited {code}: {' '.join(cmd)}")
                if round_no:
                    samples[name].append(seconds)
        medians = {name: statistics.median(v) for name, v in samples.items()}
        lines = [
            f"deskctl duty rota, {counts['shifts']:,} shifts over {YEARS} years, 12 officers, 2 types; "
            f"median of {runs} runs ({platform.python_version()}, {os.cpu_count()} CPUs)",
            "",
            "| command | median s | min s | max s |",
            "|---|---:|---:|---:|",
        ]
        for name, values in samples.items():
            lines.append(f"| {name} | {medians[name]:.3f} | {min(values):.3f} | {max(values):.3f} |")
        ratio = medians["shift now"] / medians[floor_name]
        lines += ["", f"shift now / {floor_name.split(' (')[0]}: {ratio:.2f}"]
        text = "\n".join(lines)
        print(text)
        OUT_DIR.mkdir(exist_ok=True)
        (OUT_DIR / "shifts.md").write_text(text + "\n", encoding="utf-8")
        (OUT_DIR / "shifts.json").write_text(json.dumps(
            {"counts": counts, "runs": runs, "samples": samples, "medians": medians}, indent=2), encoding="utf-8")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
