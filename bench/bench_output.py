"""Lists that stream: wall time and peak memory of whole `deskctl` processes as desks grow.

    python bench/bench_output.py [--db-dir /tmp] [--runs 5] [--big 1000000] [--skip-big]

Desks (generated with gen_tickets.py when missing in --db-dir, then kept):

    deskctl-output-open1k.db     4,000 tickets, 1,000 of them open
    deskctl-output-open100k.db   150,000 tickets, 100,000 of them open
    deskctl-bench-1000000.db     1,000,000 tickets (the desk run_tickets.py uses; --big N)

Timed, as real processes in a minimal environment with no terminal (DESKCTL_NOW frozen):

    ticket list                       stdout to /dev/null          1k and 100k open: 100k ≤ 1.3× 1k, peak < 120 MiB
    audit log | head                  10 lines read, pipe closed   same targets; exit 141 expected
    ticket list --status all --limit 100000000 --json | head
                                      10 lines read, pipe closed   (the runaway list of issue 10; exit 141)
    ticket list --status all --limit 100000000 --json > /dev/null
                                      on the 100k-open desk and on the big desk: peak < 150 MiB

Figures are medians of --runs runs after one warm-up; peak memory is the process's own
ru_maxrss from os.wait4. The 100k/1k target is checked on CPU time (user + system, from wait4):
on a shared machine the wall time is mostly the neighbours; both ratios are printed.
Prints a markdown table and writes it with the raw figures to
bench/out/output-<time>.md|json and bench/out/output-latest.md|json.
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
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, DESK_TZ, OUT_DIR, minimal_env  # noqa: E402

SCALING_TARGET = 1.30
PEAK_SMALL_MIB = 120
PEAK_BIG_MIB = 150
HEAD_LINES = 10
RUNAWAY = ["--status", "all", "--limit", "100000000", "--json"]

DESKS = {  # name → gen_tickets arguments
    "open1k": ["--tickets", "4000", "--open", "1000"],
    "open100k": ["--tickets", "150000", "--open", "100000", "--no-verify"],
}


def desk(db_dir: Path, name: str, args: list[str]) -> Path:
    path = db_dir / f"deskctl-output-{name}.db"
    if not path.exists():
        print(f"generating {path}…", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(BENCH_DIR / "gen_tickets.py"), "--db", str(path), *args, "-q"],
                       check=True)
    return path


def run(argv: list[str], env: dict[str, str], *, head: int | None = None) -> tuple[float, int, int, float]:
    """(wall seconds, exit code, peak RSS KiB, CPU seconds) of one process; `head` reads that many lines of
    its output and closes the pipe, as `| head` does (else stdout goes to /dev/null)."""
    started = time.perf_counter()
    if head is None:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
    else:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        assert proc.stdout is not None
        for _ in range(head):
            if not proc.stdout.readline():
                break
        proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    expected = 141 if head is not None else 0
    if code not in (0, expected) or err:
        raise SystemExit(f"bench_output: {' '.join(argv[1:])} exited {code}: {err[-2000:]}")
    return elapsed, code, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def measure(argv: list[str], env: dict[str, str], runs: int, *, head: int | None = None) -> dict:
    run(argv, env, head=head)  # warm-up: the page cache, Python's bytecode cache
    samples = [run(argv, env, head=head) for _ in range(runs)]
    return {
        "seconds": statistics.median(s[0] for s in samples),
        "cpu_seconds": statistics.median(s[3] for s in samples),
        "peak_mib": max(s[2] for s in samples) / 1024,
        "exit": sorted({s[1] for s in samples}),
        "runs": len(samples),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big", type=int, default=1_000_000, help="tickets of the big desk")
    parser.add_argument("--big-db", type=Path, default=None, help="use this big desk (else generated)")
    parser.add_argument("--skip-big", action="store_true", help="leave out the big desk")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    deskctl = shutil.which("deskctl") or str(Path(sys.executable).with_name("deskctl"))
    work = Path(tempfile.mkdtemp(prefix="deskctl-bench-output-"))
    config = work / "config.toml"
    config.write_text(f'timezone = "{DESK_TZ}"\n', encoding="utf-8")
    results: dict[str, dict[str, dict]] = {}
    try:
        for name, gen_args in DESKS.items():
            env = minimal_env(db=desk(args.db_dir, name, gen_args), config=config, home=work)
            print(f"{name}…", file=sys.stderr, flush=True)
            results[name] = {
                "ticket list": measure([deskctl, "ticket", "list"], env, args.runs),
                "audit log | head": measure([deskctl, "audit", "log"], env, args.runs, head=HEAD_LINES),
                "ticket list (runaway) | head": measure([deskctl, "ticket", "list", *RUNAWAY], env, args.runs,
                                                        head=HEAD_LINES),
            }
        env = minimal_env(db=desk(args.db_dir, "open100k", []), config=config, home=work)
        results["open100k"]["ticket list --status all --json > /dev/null"] = measure(
            [deskctl, "ticket", "list", *RUNAWAY], env, 1)
        if not args.skip_big:
            big = args.big_db or args.db_dir / f"deskctl-bench-{args.big}.db"
            if not big.exists():
                print(f"generating {big}…", file=sys.stderr, flush=True)
                subprocess.run([sys.executable, str(BENCH_DIR / "gen_tickets.py"), "--db", str(big),
                                "--tickets", str(args.big), "-q", "--no-verify"], check=True)
            env = minimal_env(db=big, config=config, home=work)
            print("big…", file=sys.stderr, flush=True)
            results["big"] = {"ticket list --status all --json > /dev/null": measure(
                [deskctl, "ticket", "list", *RUNAWAY], env, 1)}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table, missed = report(results)
    print(table)
    OUT_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    raw = {"machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
           "at": stamp, "results": results, "missed": missed}
    for stem in (f"output-{stamp}", "output-latest"):
        (OUT_DIR / f"{stem}.md").write_text(table + "\n", encoding="utf-8")
        (OUT_DIR / f"{stem}.json").write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    for line in missed:
        print(f"missed: {line}", file=sys.stderr)
    return 1 if args.strict and missed else 0


def report(results: dict[str, dict[str, dict]]) -> tuple[str, list[str]]:
    lines = ["| desk | command | median s | median CPU s | peak MiB | exit | 100k / 1k (wall) | 100k / 1k (CPU) |",
             "|---|---|---:|---:|---:|---|---:|---:|"]
    missed = []
    for name, commands in results.items():
        for command, r in commands.items():
            ratio = cpu_ratio = ""
            small = results.get("open1k", {}).get(command)
            if name == "open100k" and small:
                value = r["seconds"] / small["seconds"]
                ratio = f"{value:.2f}×"
                cpu_value = r["cpu_seconds"] / small["cpu_seconds"]
                cpu_ratio = f"{cpu_value:.2f}×"
                if cpu_value > SCALING_TARGET:  # CPU: wall time on a shared machine is mostly the neighbours
                    missed.append(f"{command}: 100k open takes {cpu_value:.2f}× the CPU of 1k (target ≤ "
                                  f"{SCALING_TARGET}×)")
            limit = PEAK_BIG_MIB if command.endswith("/dev/null") else PEAK_SMALL_MIB
            if r["peak_mib"] >= limit:
                missed.append(f"{name} {command}: peak {r['peak_mib']:.0f} MiB (target < {limit})")
            exits = ",".join(map(str, r["exit"]))
            lines.append(f"| {name} | `{command}` | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} | "
                         f"{r['peak_mib']:.0f} | {exits} | {ratio} | {cpu_ratio} |")
    return "\n".join(lines), missed


if __name__ == "__main__":
    sys.exit(main())
