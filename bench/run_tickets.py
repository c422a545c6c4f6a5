"""Time whole `deskctl` processes against their floors at 1k and 1M tickets.

    python bench/run_tickets.py [--sizes 1000,1000000] [--runs 9] [--db-dir /tmp]

For each size it uses (or first generates, with gen_tickets.py) a database of that many
tickets, works on a scratch copy of it, and times, as real processes in a minimal
environment with no terminal and DESKCTL_NOW frozen:

    deskctl --help          vs  bench/floor_app.py --help   (bare Typer app, same groups)
    deskctl ticket open …   vs  bench/floor_tickets.py open …
    deskctl ticket list     vs  bench/floor_tickets.py list
    deskctl ticket show ID  vs  bench/floor_tickets.py show ID
    deskctl status          vs  bench/floor_tickets.py status

Each pair runs back to back in the same round (order alternating between rounds), after
warm-up rounds; the figure is the median of --runs rounds. Peak memory is each deskctl
process's ru_maxrss from os.wait4. Prints a markdown table and writes it (and the raw
timings as JSON) to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, BENCH_NOW, DESK_TZ, OUT_DIR, minimal_env  # noqa: E402

TITLE = "打印机卡纸 printer jam on floor 3"
REPORTER = "财务部 刘女士"
# command → (deskctl/floor ratio target, or None when there is no target)
TARGETS = {"--help": 1.30, "ticket open": 1.25, "ticket list": 1.25, "ticket show": 1.25, "status": None}
SCALING_TARGET = 1.30
PEAK_TARGET_MIB = 120


@dataclass
class Sample:
    deskctl: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    deskctl_cpu: list[float] = field(default_factory=list)
    floor_cpu: list[float] = field(default_factory=list)

    def median(self, which: str) -> float:
        return statistics.median(getattr(self, which))


def label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def commands(deskctl: str, show_id: int) -> dict[str, tuple[list[str], list[str]]]:
    py = sys.executable
    floor = str(BENCH_DIR / "floor_tickets.py")
    fields = ["--reporter", REPORTER, "--system", "printer", "--impact", "low", "--urgency", "medium"]
    return {
        "--help": ([deskctl, "--help"], [py, str(BENCH_DIR / "floor_app.py"), "--help"]),
        "ticket open": ([deskctl, "ticket", "open", TITLE, *fields], [py, floor, "open", TITLE, *fields]),
        "ticket list": ([deskctl, "ticket", "list"], [py, floor, "list"]),
        "ticket show": ([deskctl, "ticket", "show", str(show_id)], [py, floor, "show", str(show_id)]),
        "status": ([deskctl, "status"], [py, floor, "status"]),
    }


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    """(wall seconds, exit code, peak RSS in KiB, CPU seconds) of one whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, proc.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def check(argv: list[str], env: dict[str, str]) -> str:
    """Run once with output captured: a benchmark of a failing command measures nothing."""
    res = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if res.returncode != 0 or not res.stdout.strip():
        raise SystemExit(f"run_tickets: {' '.join(argv[:4])}… exited {res.returncode}\n{res.stderr[-2000:]}")
    return res.stdout


def database_for(n: int, db_dir: Path) -> Path:
    path = db_dir / f"deskctl-bench-{n}.db"
    if not path.exists():
        print(f"generating {path} ({n:,} tickets)…", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(BENCH_DIR / "gen_tickets.py"), "--db", str(path),
                        "--tickets", str(n), "-q", "--no-verify"], check=True)
    return path


def pick_show_id(db: Path, n: int) -> tuple[int, int]:
    """A closed ticket from the middle of the history, and how many events it has."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute(
            "SELECT id FROM ticket WHERE id >= ? AND status = 'closed' ORDER BY id LIMIT 1", (n // 2,)
        ).fetchone()
        ticket_id = row[0] if row else 1
        events = con.execute(
            "SELECT count(*) FROM event WHERE entity = 'ticket' AND entity_id = ?", (ticket_id,)
        ).fetchone()[0]
    finally:
        con.close()
    return ticket_id, events


def bench_size(n: int, *, deskctl: str, db_dir: Path, runs: int, warmup: int, work: Path) -> dict[str, Sample]:
    source = database_for(n, db_dir)
    db = work / f"run-{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, db)  # a scratch copy: `ticket open` writes
    home = work / "home"
    home.mkdir(exist_ok=True)
    config = work / "config.toml"
    config.write_text(f'timezone = "{DESK_TZ}"\n', encoding="utf-8")
    env = minimal_env(db=db, config=config, home=home)
    show_id, show_events = pick_show_id(db, n)
    cmds = commands(deskctl, show_id)
    for desk_argv, floor_argv in cmds.values():
        check(desk_argv, env)
        check(floor_argv, env)
    samples = {name: Sample() for name in cmds}
    total = warmup + runs
    for round_no in range(total):
        for name, (desk_argv, floor_argv) in cmds.items():
            pair = [("deskctl", desk_argv), ("floor", floor_argv)]
            if round_no % 2:
                pair.reverse()
            for which, argv in pair:
                seconds, code, rss, cpu = run_once(argv, env)
                if code != 0:
                    raise SystemExit(f"run_tickets: {which} {name} exited {code} in round {round_no}")
                if round_no >= warmup:
                    getattr(samples[name], which).append(seconds)
                    getattr(samples[name], f"{which}_cpu").append(cpu)
                    if which == "deskctl":
                        samples[name].rss_kib.append(rss)
        print(f"\r  {label(n)}: round {round_no + 1}/{total}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    samples["ticket show"].note = f"ticket {show_id}, {show_events} events"  # type: ignore[attr-defined]
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return samples


def mark(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "**MISSED**")


def report(results: dict[int, dict[str, Sample]], runs: int, warmup: int,
           load: tuple[float, float] = (0.0, 0.0)) -> tuple[str, dict]:
    sizes = sorted(results)
    lines = [
        f"# deskctl ticket desk benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Whole processes, median of {runs} rounds after {warmup} warm-up rounds; no TTY, minimal "
        f"environment, DESKCTL_NOW={BENCH_NOW}. Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} CPUs, {platform.machine()}.",
        "",
        "Wall-clock medians decide the targets; CPU (user + system) medians of the same processes",
        "are shown too, as they suffer less from other work on a shared machine. Load average",
        f"(1 min) before / after: {load[0]:.2f} / {load[1]:.2f}.",
        "",
        "| command | tickets | deskctl ms | floor ms | deskctl/floor | target | "
        "| CPU ms deskctl / floor | CPU ratio | peak MiB |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    data: dict = {"runs": runs, "warmup": warmup, "load": load, "sizes": {}}
    misses = []
    peak_all = 0.0
    for n in sizes:
        data["sizes"][label(n)] = {}
        for name, s in results[n].items():
            d, f = s.median("deskctl") * 1000, s.median("floor") * 1000
            dc, fc = s.median("deskctl_cpu") * 1000, s.median("floor_cpu") * 1000
            ratio = d / f
            peak = max(s.rss_kib) / 1024
            peak_all = max(peak_all, peak)
            target = TARGETS[name]
            shown = f"≤ {target:.2f}" if target else "-"
            ok = None if target is None else ratio <= target
            if ok is False:
                misses.append(f"{name} at {label(n)}: {ratio:.2f}x floor (target {target:.2f}x)")
            lines.append(
                f"| `{name}` | {label(n)} | {d:.0f} | {f:.0f} | {ratio:.2f} | "
                f"{shown} | {mark(ok)} | {dc:.0f} / {fc:.0f} | {dc / fc:.2f} | {peak:.0f} |"
            )
            data["sizes"][label(n)][name] = {
                "deskctl_ms": round(d, 1), "floor_ms": round(f, 1), "ratio": round(ratio, 3),
                "cpu_deskctl_ms": round(dc, 1), "cpu_floor_ms": round(fc, 1),
                "cpu_ratio": round(dc / fc, 3),
                "peak_mib": round(peak, 1), "deskctl_runs_ms": [round(x * 1000, 1) for x in s.deskctl],
                "floor_runs_ms": [round(x * 1000, 1) for x in s.floor],
                **({"note": s.note} if hasattr(s, "note") else {}),
            }
    if len(sizes) >= 2:
        small, big = sizes[0], sizes[-1]
        lines += [
            "",
            f"Scaling, {label(big)} over {label(small)} tickets (target ≤ {SCALING_TARGET:.2f}):",
            "",
            f"| command | deskctl {label(small)} ms | deskctl {label(big)} ms | {label(big)}/{label(small)} "
            f"| | CPU {label(big)}/{label(small)} | floor {label(big)}/{label(small)} |",
            "|---|---:|---:|---:|---|---:|---:|",
        ]
        data["scaling"] = {}
        for name in results[small]:
            a, b = results[small][name], results[big][name]
            ratio = b.median("deskctl") / a.median("deskctl")
            floor_ratio = b.median("floor") / a.median("floor")
            cpu_ratio = b.median("deskctl_cpu") / a.median("deskctl_cpu")
            ok = ratio <= SCALING_TARGET
            if not ok:
                misses.append(f"{name}: {label(big)}/{label(small)} = {ratio:.2f} (target {SCALING_TARGET:.2f})")
            lines.append(
                f"| `{name}` | {a.median('deskctl') * 1000:.0f} | {b.median('deskctl') * 1000:.0f} | "
                f"{ratio:.2f} | {mark(ok)} | {cpu_ratio:.2f} | {floor_ratio:.2f} |"
            )
            data["scaling"][name] = {"ratio": round(ratio, 3), "cpu_ratio": round(cpu_ratio, 3),
                                     "floor_ratio": round(floor_ratio, 3)}
    peak_ok = peak_all < PEAK_TARGET_MIB
    if not peak_ok:
        misses.append(f"peak memory {peak_all:.0f} MiB (target < {PEAK_TARGET_MIB})")
    lines += ["", f"Peak memory of any deskctl process: {peak_all:.0f} MiB (target < {PEAK_TARGET_MIB} MiB) "
              f"{mark(peak_ok)}", ""]
    notes = [f"- `ticket show` at {label(n)}: {results[n]['ticket show'].note}" for n in sizes
             if hasattr(results[n]["ticket show"], "note")]
    lines += notes
    lines += ["", "Targets missed: " + ("; ".join(misses) if misses else "none"), ""]
    data["peak_mib"] = round(peak_all, 1)
    data["missed"] = misses
    return "\n".join(lines), data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,1000000", help="ticket counts, comma-separated")
    parser.add_argument("--runs", type=int, default=9, help="timed rounds (median; at least 7)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()),
                        help="where deskctl-bench-N.db are kept (generated when missing)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    deskctl = shutil.which("deskctl")
    if not deskctl:
        raise SystemExit("run_tickets: no `deskctl` on PATH; pip install -e . first")
    subprocess.run([sys.executable, str(BENCH_DIR / "floor_app.py"), "--sync"], check=True,
                   stdout=subprocess.DEVNULL)
    results = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="deskctl-bench-", dir=args.db_dir) as tmp:
        for n in sizes:
            results[n] = bench_size(n, deskctl=deskctl, db_dir=args.db_dir, runs=args.runs,
                                    warmup=args.warmup, work=Path(tmp))
    text, data = report(results, args.runs, args.warmup, (load_before, os.getloadavg()[0]))
    print(text)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"tickets-{stamp}", "tickets-latest"):
        (OUT_DIR / f"{name}.md").write_text(text, encoding="utf-8")
        (OUT_DIR / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    print(f"written to {OUT_DIR / f'tickets-{stamp}.md'}", file=sys.stderr)
    return 1 if args.strict and data["missed"] else 0


if __name__ == "__main__":
    sys.exit(main())
