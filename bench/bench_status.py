"""Time `deskctl status` on desks with many *open* tickets (issue 10 part 6, issue 13).

    python bench/gen_tickets.py --db /tmp/open-1k.db --tickets 1000 --open 1000
    python bench/gen_tickets.py --db /tmp/open-100k.db --tickets 100000 --open 100000 --no-verify
    python bench/bench_status.py /tmp/open-1k.db /tmp/open-100k.db --runs 7

Each desk is timed as a whole process (the median of `--runs` after one warm-up), stdout to
/dev/null, in the minimal environment of a cron job; CPU is user + system time (steadier than
wall time on a shared machine); peak memory is the process's own ru_maxrss. `status` reads
counts and the top rows only, so 100k open tickets should cost about what 1k do (target:
≤ 1.3×, peak < 120 MiB).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DESK_TZ, minimal_env  # noqa: E402


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, proc.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dbs", nargs="+", type=Path, help="desks made by gen_tickets.py")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--args", default="status", help="the deskctl arguments to time")
    args = parser.parse_args(argv)
    deskctl = shutil.which("deskctl") or "deskctl"
    print(f"| desk | `deskctl {args.args}` median s | min s | median CPU s | peak MiB |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(f'timezone = "{DESK_TZ}"\n', encoding="utf-8")
        for db in args.dbs:
            env = minimal_env(db=db, config=config, home=Path(tmp))
            command = [deskctl, *args.args.split()]
            run_once(command, env)
            times, cpu, peak = [], [], 0
            for _ in range(args.runs):
                elapsed, code, rss, used = run_once(command, env)
                cpu.append(used)
                if code != 0:
                    print(f"{db}: exit {code}", file=sys.stderr)
                    return 1
                times.append(elapsed)
                peak = max(peak, rss)
            print(f"| {db.name} | {statistics.median(times):.3f} | {min(times):.3f} | "
                  f"{statistics.median(cpu):.3f} | {peak / 1024:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
