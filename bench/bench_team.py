"""Team mode beside SQLite: the same desk on both engines, timed as whole `deskctl` processes.

    python bench/bench_team.py [--sizes 1000,100000] [--runs 7] [--writers 8 --per-writer 10]
                               [--pg postgresql://127.0.0.1:5432/]

For each size it generates (bench/gen_tickets.py, kept in --db-dir) an SQLite desk of that many
tickets, copies it with `deskctl db copy --to` into a fresh PostgreSQL database, and times
`ticket open`, `ticket list`, `ticket show ID` and `status` on a scratch copy of the file and on
the server (medians of --runs rounds, the two engines alternating within a round). Then
--writers shell loops × --per-writer `ticket open` at once on each engine: tickets per second of
wall time, and the audit chain verified afterwards. The databases made are dropped at the end.
Prints a markdown table; writes it with the raw timings to bench/out/team-latest.md|json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, DESK_TZ, OUT_DIR, minimal_env  # noqa: E402

COMMANDS = {
    "ticket open": ["ticket", "open", "打印机卡纸 printer jam", "--reporter", "财务部 刘女士", "--priority", "P3"],
    "ticket list": ["ticket", "list"],
    "ticket show": ["ticket", "show", "{id}"],
    "status": ["status"],
}


def deskctl() -> str:
    exe = Path(sys.executable).with_name("deskctl")
    return str(exe) if exe.exists() else "deskctl"


def admin(base: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(base)
    url = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(sql)


def db_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(("postgresql", parts.netloc, f"/{name}", parts.query, ""))


def run(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    res = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if res.returncode != 0:
        raise SystemExit(f"bench_team: {' '.join(argv[1:4])}… exited {res.returncode}: {res.stderr.decode()[-500:]}")
    return elapsed


def writers(env: dict[str, str], n: int, per: int, work: Path) -> float:
    loop = ('for i in $(seq 1 {per}); do deskctl ticket open "w{w} $i" --reporter r --priority P4 '
            '>/dev/null || exit 1; done')
    script = " & ".join(f"({loop.format(per=per, w=w)})" for w in range(n)) + " & wait"
    env = {**env, "PATH": f"{Path(deskctl()).parent}:{env['PATH']}"}
    started = time.perf_counter()
    subprocess.run(["bash", "-c", script], env=env, check=True, cwd=work)
    elapsed = time.perf_counter() - started
    verify = subprocess.run([deskctl(), "audit", "verify", "--json"], env=env, capture_output=True, text=True)
    assert json.loads(verify.stdout)["ok"] is True, verify.stdout
    return n * per / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=10)
    parser.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--pg", default="postgresql://127.0.0.1:5432/")
    args = parser.parse_args()

    results: dict = {"sizes": {}, "writers": {}}
    work = Path(tempfile.mkdtemp(prefix="deskctl-team-bench-"))
    made: list[str] = []
    config = work / "config.toml"
    config.write_text(f'timezone = "{DESK_TZ}"\n', encoding="utf-8")
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            kept = args.db_dir / f"deskctl-bench-{size}.db"
            if not kept.exists():
                subprocess.run([sys.executable, str(BENCH_DIR / "gen_tickets.py"), "--db", str(kept),
                                "--tickets", str(size), "-q"], check=True)
            scratch = work / f"scratch-{size}.db"
            shutil.copyfile(kept, scratch)
            name = f"deskctl_bench_{size}"
            admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin(args.pg, f'CREATE DATABASE "{name}"')
            made.append(name)
            url = db_url(args.pg, name)
            envs = {"sqlite": minimal_env(db=scratch, config=config, home=work),
                    "postgresql": {**minimal_env(db=scratch, config=config, home=work), "DESKCTL_DB": url}}
            started = time.perf_counter()
            run([deskctl(), "db", "copy", "--to", url], envs["sqlite"])
            copy_seconds = time.perf_counter() - started
            show_id = str(max(1, size // 2))
            timings: dict[str, dict[str, list[float]]] = {c: {"sqlite": [], "postgresql": []} for c in COMMANDS}
            for round_no in range(args.runs + 1):
                order = ["sqlite", "postgresql"] if round_no % 2 else ["postgresql", "sqlite"]
                for command, argv in COMMANDS.items():
                    for engine in order:
                        took = run([deskctl(), *[a.replace("{id}", show_id) for a in argv]], envs[engine])
                        if round_no:  # the first round warms caches
                            timings[command][engine].append(took)
            results["sizes"][size] = {"copy_seconds": copy_seconds, "timings": timings}
        size = int(args.sizes.split(",")[0])
        for engine in ("sqlite", "postgresql"):
            env = minimal_env(db=work / f"scratch-{size}.db", config=config, home=work)
            if engine == "postgresql":
                env["DESKCTL_DB"] = db_url(args.pg, f"deskctl_bench_{size}")
            results["writers"][engine] = writers(env, args.writers, args.per_writer, work)
    finally:
        for name in made:
            admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)

    lines = ["| tickets | command | SQLite (s) | PostgreSQL (s) |", "|---:|---|---:|---:|"]
    for size, data in results["sizes"].items():
        for command, per in data["timings"].items():
            lines.append(f"| {size} | {command} | {statistics.median(per['sqlite']):.3f} | "
                         f"{statistics.median(per['postgresql']):.3f} |")
        lines.append(f"| {size} | db copy SQLite → PostgreSQL | | {data['copy_seconds']:.1f} |")
    lines.append(f"| — | {args.writers} writers × {args.per_writer} ticket open (tickets/s) | "
                 f"{results['writers']['sqlite']:.2f} | {results['writers']['postgresql']:.2f} |")
    table = "\n".join(lines)
    print(table)
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "team-latest.md").write_text(table + "\n", encoding="utf-8")
    (OUT_DIR / "team-latest.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
