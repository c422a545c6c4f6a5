"""Freeze a small desk at the current schema revision as SQL, for the upgrade test.

    python tools/make_schema_fixture.py      # writes tests/fixtures/desk-<HEAD>.sql

Run it once per released schema revision, *before* writing the next migration, and commit the
file: `tests/unit/test_schema_fixtures.py` loads every `desk-*.sql`, upgrades it with the current
program and checks that every row is still there and the audit chain still verifies. The desk is
built through the real CLI (every area has rows: staff, tickets through their lifecycle, shifts
with attendance and a handover, an inspection with a finding, training, records, a review, an
improvement, a finalised assessment), then dumped with sqlite3's `iterdump`.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

STEPS: list[tuple[str, list[str]]] = [
    ("2026-11-02T08:00:00+08:00", ["init"]),
    ("2026-11-02T08:00:00+08:00", ["staff", "add", "lead", "--name", "王主管", "--role", "supervisor"]),
    ("2026-11-02T08:00:00+08:00", ["--as", "lead", "staff", "add", "zhang", "--name", "张三", "--role", "officer"]),
    ("2026-11-02T08:00:00+08:00", ["--as", "lead", "staff", "add", "wang", "--name", "王五", "--role", "officer"]),
    ("2026-11-02T08:00:00+08:00", ["--as", "lead", "staff", "add", "li", "--name", "李四", "--role", "technician",
                                   "--tier", "2"]),
    ("2026-11-02T08:00:00+08:00", ["--as", "lead", "shift", "type", "add", "day", "--start", "08:00",
                                   "--end", "20:00"]),
    ("2026-11-02T08:00:00+08:00", ["--as", "lead", "shift", "type", "add", "night", "--start", "20:00",
                                   "--end", "08:00"]),
    ("2026-11-02T08:00:00+08:00", ["--as", "lead", "shift", "plan", "--from", "2026-11-02", "--to", "2026-11-08",
                                   "--type", "day", "--members", "zhang,wang"]),
    ("2026-11-02T08:00:00+08:00", ["--as", "lead", "shift", "plan", "--from", "2026-11-02", "--to", "2026-11-08",
                                   "--type", "night", "--members", "wang,zhang"]),
    ("2026-11-02T08:09:00+08:00", ["--as", "zhang", "shift", "clock-in"]),
    ("2026-11-02T09:00:00+08:00", ["--as", "zhang", "ticket", "open", "VPN 无法连接", "--reporter", "财务部 刘女士",
                                   "--contact", "13800000000", "--system", "vpn", "--impact", "high",
                                   "--urgency", "medium"]),
    ("2026-11-02T09:01:00+08:00", ["--as", "zhang", "ticket", "assign", "1", "li"]),
    ("2026-11-02T09:05:00+08:00", ["--as", "li", "ticket", "ack", "1"]),
    ("2026-11-02T09:30:00+08:00", ["--as", "li", "ticket", "wait", "1", "--reason", "user testing"]),
    ("2026-11-02T10:00:00+08:00", ["--as", "li", "ticket", "resume", "1"]),
    ("2026-11-02T10:30:00+08:00", ["--as", "li", "ticket", "resolve", "1", "--resolution", "firmware upgraded"]),
    ("2026-11-02T11:00:00+08:00", ["--as", "zhang", "ticket", "confirm", "1", "--rating", "5", "--comment", "works"]),
    ("2026-11-02T11:10:00+08:00", ["--as", "zhang", "ticket", "open", "打印机卡纸", "--reporter", "3F",
                                   "--system", "printer", "--priority", "P4"]),
    ("2026-11-02T11:20:00+08:00", ["--as", "lead", "inspect", "plan", "add", "core-network", "--target", "核心交换机",
                                   "--every", "daily 12:00", "--item", "CPU < 70%", "--item", "ports up"]),
    ("2026-11-02T12:05:00+08:00", ["--as", "zhang", "inspect", "run", "core-network", "--ok", "1",
                                   "--fail", "2:Gi0/12 down"]),
    ("2026-11-02T19:50:00+08:00", ["--as", "zhang", "shift", "handover", "--note", "watch Gi0/12"]),
    ("2026-11-02T20:02:00+08:00", ["--as", "zhang", "shift", "clock-out"]),
    ("2026-11-02T20:05:00+08:00", ["--as", "lead", "train", "add", "zhang", "--topic", "防火墙变更流程",
                                   "--on", "2026-11-01", "--hours", "4", "--result", "pass"]),
    ("2026-11-02T20:06:00+08:00", ["--as", "lead", "staff", "record", "zhang", "--kind", "commendation",
                                   "--note", "calm on the P2"]),
    ("2026-11-02T20:07:00+08:00", ["--as", "lead", "review", "add", "--area", "handover", "--score", "4",
                                   "--finding", "notes are short", "--staff", "zhang"]),
    ("2026-11-02T20:08:00+08:00", ["--as", "lead", "improve", "add", "VPN 反复故障", "--problem", "repeats",
                                   "--action", "replace concentrator", "--owner", "li", "--due", "2026-12-15"]),
    ("2026-12-01T09:00:00+08:00", ["--as", "lead", "report", "performance", "--period", "2026-11", "--finalize"]),
]


def build(folder: Path) -> Path:
    db = folder / "desk.db"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "DESKCTL_DB": str(db),
        "DESKCTL_CONFIG": str(folder / "config.toml"),
    }
    (folder / "config.toml").write_text('timezone = "Asia/Shanghai"\n', encoding="utf-8")
    for now, args in STEPS:
        res = subprocess.run([sys.executable, "-m", "deskctl", *args], env={**env, "DESKCTL_NOW": now},
                             stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"deskctl {' '.join(args)} exited {res.returncode}: {res.stderr.strip()}")
    return db


def main() -> int:
    from deskctl.store.schema import HEAD

    FIXTURES.mkdir(parents=True, exist_ok=True)
    target = FIXTURES / f"desk-{HEAD}.sql"
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp))
        con = sqlite3.connect(db)
        try:
            text = "\n".join(con.iterdump()) + "\n"
        finally:
            con.close()
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
