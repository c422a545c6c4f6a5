"""`deskctl --help` in Chinese against English: whole processes, median of N runs each,
interleaved (docs/i18n.md; the target is zh-CN within 1.1× en).

    python bench/bench_help_lang.py --runs 21

Each run is a fresh `deskctl …` process with LANG=zh_CN.UTF-8 or LANG=C.UTF-8 and no config
file; wall time in milliseconds. Nothing is asserted: the numbers go to stdout.
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

COMMANDS = (["--help"], ["ticket", "--help"], ["ticket", "open", "--help"])


def deskctl() -> list[str]:
    exe = Path(sys.executable).with_name("deskctl")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("deskctl")
    return [found] if found else [sys.executable, "-m", "deskctl"]


def once(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command and language (median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "COLUMNS": "80",
                "DESKCTL_CONFIG": str(Path(home) / "config.toml"), "DESKCTL_DB": str(Path(home) / "desk.db")}
        print("| command | en ms | zh-CN ms | zh/en |")
        print("|---|---:|---:|---:|")
        for command in COMMANDS:
            times: dict[str, list[float]] = {"en": [], "zh": []}
            for _ in range(args.runs):
                times["en"].append(once([*deskctl(), *command], {**base, "LANG": "C.UTF-8"}))
                times["zh"].append(once([*deskctl(), *command], {**base, "LANG": "zh_CN.UTF-8"}))
            en, zh = statistics.median(times["en"]), statistics.median(times["zh"])
            print(f"| `deskctl {' '.join(command)}` | {en:.0f} | {zh:.0f} | {zh / en:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
