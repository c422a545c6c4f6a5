"""Time `deskctl notify run` as whole processes.

    python bench/bench_notify.py [--pending 10000] [--runs 7] [--tickets 200]

1. **Throughput**: a desk with --pending notifications waiting for a webhook channel that points
   at a local HTTP server in this process (it answers 200 at once and counts the ids it gets);
   one `deskctl notify run` delivers them all (claimed 100 at a time, 4 deliveries in flight,
   each signed with HMAC-SHA256). Prints deliveries per second and checks every id arrived once.
2. **Start-up**: a desk with a channel, --tickets open tickets (so the time-based scan has work:
   every ticket's SLA clocks are read) and nothing pending: the median of --runs `deskctl notify
   run` against the median of --runs `deskctl ticket list` (target: at most 1.1x), wall and CPU.

Results also go to bench/out/notify.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_NOW, DESK_TZ, OUT_DIR, minimal_env  # noqa: E402

TARGET_RATIO = 1.1


class Receiver:
    def __init__(self) -> None:
        self.ids: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.ids.append(self.headers.get("X-Deskctl-Id", ""))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"


def build(folder: Path, *, url: str, pending: int, tickets: int) -> tuple[Path, Path]:
    from deskctl.config import Config
    from deskctl.services.context import Unit
    from deskctl.services.notify.channels import add_channel
    from deskctl.services.people.staff import add_staff
    from deskctl.services.tickets.lifecycle import open_ticket
    from deskctl.store.engine import open_database
    from deskctl.store.tables import Notification
    from deskctl.timeparse import Clock

    db_path, config_path = folder / "desk.db", folder / "config.toml"
    config_path.write_text(f'timezone = "{DESK_TZ}"\n', encoding="utf-8")
    db = open_database(str(db_path), create=True)
    clock = Clock.from_env({"DESKCTL_NOW": BENCH_NOW})
    config = Config(path=config_path, data={"timezone": DESK_TZ}, exists=True)
    with db.write() as session:
        unit = Unit(session=session, clock=clock, actor="lead", config=config, tz=ZoneInfo(DESK_TZ))
        unit.call(add_staff, handle="lead", name="Lead", role="supervisor")
        unit.call(add_staff, handle="zhang", name="Zhang", role="officer")
        for n in range(tickets):  # P4: no notification when opened, clocks for the scan to read
            unit.call(open_ticket, title=f"ticket {n}", reporter="bench", priority="P4")
        unit.call(add_channel, name="hook", kind="webhook", target=url, secret="bench-secret")
    now = clock.now().astimezone(UTC)
    with db.write() as session:
        rows = []
        for n in range(pending):
            uid = str(uuid.uuid4())
            payload = {"id": uid, "event": "ticket.assigned", "at": BENCH_NOW, "to": ["zhang"],
                       "text": f"Ticket {n} (P2) assigned to zhang: bench. Acknowledge: deskctl ticket ack {n}"}
            rows.append({"uid": uid, "event": "ticket.assigned", "channel_id": 1, "to": '["zhang"]',
                         "priority": "P2", "payload": json.dumps(payload), "status": "pending", "tries": 0,
                         "next_try_at": now, "claimed_by": "", "last_error": "", "delivered_as": "",
                         "created_at": now})
        if rows:
            session.execute(Notification.__table__.insert(), rows)  # type: ignore[attr-defined]
    db.close()
    return db_path, config_path


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, stdin=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")
    return wall, cpu, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tickets", type=int, default=200)
    opts = parser.parse_args()
    exe = str(Path(sys.executable).parent / "deskctl")
    receiver = Receiver()
    results: dict[str, Any] = {"at": datetime.now(UTC).isoformat(), "pending": opts.pending}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a").mkdir()
        db, config = build(root / "a", url=receiver.url, pending=opts.pending, tickets=0)
        env = minimal_env(db=db, config=config, home=root)
        wall, cpu, _ = timed([exe, "notify", "run"], env)
        delivered = len(receiver.ids)
        once = len(set(receiver.ids)) == delivered == opts.pending
        results["throughput"] = {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
                                 "delivered": delivered, "each_once": once,
                                 "per_second": round(delivered / wall, 1)}
        print(f"throughput: {delivered} deliveries in {wall:.2f} s = {delivered / wall:.0f}/s "
              f"(cpu {cpu:.2f} s); every id once: {once}")

        (root / "b").mkdir()
        db, config = build(root / "b", url=receiver.url, pending=0, tickets=opts.tickets)
        env = minimal_env(db=db, config=config, home=root)
        timed([exe, "notify", "run"], env)  # warm-up (and anything time-based fires now, once)
        timed([exe, "ticket", "list"], env)
        samples: dict[str, list[tuple[float, float]]] = {"notify run": [], "ticket list": []}
        for _ in range(opts.runs):
            for name, args in (("notify run", ["notify", "run"]), ("ticket list", ["ticket", "list"])):
                samples[name].append(timed([exe, *args], env)[:2])
        medians = {name: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
                   for name, s in samples.items()}
        ratio = medians["notify run"][0] / medians["ticket list"][0]
        cpu_ratio = medians["notify run"][1] / medians["ticket list"][1]
        results["startup"] = {name: {"wall_seconds": round(w, 3), "cpu_seconds": round(c, 3)}
                              for name, (w, c) in medians.items()}
        results["startup"].update(ratio=round(ratio, 3), cpu_ratio=round(cpu_ratio, 3), target=TARGET_RATIO,
                                  open_tickets=opts.tickets)
        for name, (w, c) in medians.items():
            print(f"{name:12} median wall {w * 1000:.0f} ms, cpu {c * 1000:.0f} ms")
        print(f"notify run / ticket list: wall {ratio:.2f}x, cpu {cpu_ratio:.2f}x (target <= {TARGET_RATIO}x)")
    OUT_DIR.mkdir(exist_ok=True)
    (OUT_DIR / "notify.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
