"""Issue 10, found items 9-11 (output): real `deskctl` processes, doing what the reproductions do.

- A closed pipe (`… | head -1`) exits 141 with nothing on stderr, for every list and export.
- A committed write whose output fails (`> /dev/full`) says on stderr what it committed.
- A huge argument gives a short error line.
- Ctrl-C (SIGINT) during `ticket import` says `deskctl: interrupted`, exits 130, imports nothing.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from datetime import date

import pytest

from deskctl.services.inspections import plans
from deskctl.services.shifts import rota, types
from deskctl.services.tickets.importer import import_tickets

HUGE = "a" * 120_000


@pytest.fixture(scope="module")
def _busy_template(_proc_staffed_template, tmp_path_factory):
    """The staffed desk with 3,000 tickets (and their events), a year of day and night shifts
    needing three people each, and an hourly inspection nobody ran for 60 days: every list and
    export below writes far more than a pipe holds (64 KiB)."""
    desk = _proc_staffed_template.copy_to(tmp_path_factory.mktemp("busy"))
    rows = [{"title": f"打印机卡纸 printer jam {i}", "reporter": f"财务部 user {i}", "priority": "P3"}
            for i in range(3000)]
    desk.write(import_tickets, rows=rows)
    desk.write(types.add_type, name="day", start="08:00", end="20:00", min_staff=3)
    desk.write(types.add_type, name="night", start="20:00", end="08:00", min_staff=3)
    desk.write(rota.plan, first=date(2026, 11, 23), last=date(2027, 11, 22), types=["day", "night"],
               members=["zhang", "li", "maria"])
    now = desk.env["DESKCTL_NOW"]
    desk.env["DESKCTL_NOW"] = "2026-09-20T08:00:00+08:00"
    desk.write(plans.add_plan, name="ups", target="UPS room", every="every 1h", items=["load < 80%"])
    desk.env["DESKCTL_NOW"] = now
    return desk.freeze()


@pytest.fixture
def busy(_busy_template, tmp_path):
    return _busy_template.copy_to(tmp_path)


LISTS = [
    "ticket list --status all --limit 5000 --json",
    "ticket list --status all --limit 5000 --format csv",
    "ticket list --status all --limit 5000 --format jsonl",
    "ticket list --status all --limit 5000",
    "audit log -n 5000",
    "audit log -n 5000 --json",
    "shift list --from 2026-11-23 --to 2027-11-22 --json",
    "shift list --from 2026-11-23 --to 2027-11-22",
    "shift export --ics -",
    "shift gaps --from 2026-11-23 --to 2027-11-22 --json",
    "inspect history --since '60d ago' --json",
    "inspect history --since '60d ago'",
]
# the default run takes one form of each writer (JSON array, CSV, a table, the calendar); the slow
# set every form
EVERY_WRITER = {LISTS[0], LISTS[1], LISTS[4], LISTS[8]}
LIST_PARAMS = [c if c in EVERY_WRITER else pytest.param(c, marks=pytest.mark.slow) for c in LISTS]


@pytest.mark.parametrize("command", LIST_PARAMS)
def test_output_closed_pipe_exits_141_silently(busy, command):
    res = busy.shell(f'deskctl {command} | head -1; echo "rc=${{PIPESTATUS[0]}}"')
    first, _, tail = res.out.partition("\n")
    assert tail.strip() == "rc=141", f"{command}: {res.out[-300:]!r} {res.err[-500:]}"
    assert first.strip()
    assert res.err == ""


@pytest.mark.parametrize("command", LIST_PARAMS)
def test_output_lists_written_whole_to_a_pipe_read_to_the_end(busy, command):
    """The same lists, read to the end through a pipe: exit 0 (1 for gaps: it found some)."""
    res = busy.shell(f'deskctl {command} | wc -c; echo "rc=${{PIPESTATUS[0]}}"')
    size, rc = res.out.split()
    assert rc == ("rc=1" if "gaps" in command else "rc=0"), res.err[-500:]
    assert int(size) > 65536, f"{command}: only {size} bytes, the pipe test above proves nothing"


def test_output_streamed_json_is_one_valid_array(busy):
    rows = busy.json("ticket", "list", "--status", "all", "--limit", "5000")
    assert len(rows) == 3000
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    assert busy.json("ticket", "list", "--system", "nothing-here") == []
    assert busy.ok("ticket", "list", "--system", "nothing-here", "--json").out == "[]\n"


def test_output_long_table_has_every_row_once_under_one_header(busy):
    out = busy.ok("ticket", "list", "--status", "all", "--limit", "5000").out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["id", "prio", "status"]
    assert sum(1 for line in lines if line.split()[:1] == ["id"]) == 1
    ids = [int(line.split()[0]) for line in lines[2:] if line.strip() and line.split()[0].isdigit()]
    assert ids == list(range(3000, 0, -1))


def test_output_audit_log_is_the_newest_events_oldest_first(busy):
    events = busy.json("audit", "log", "-n", "5")
    ids = [e["id"] for e in events]
    everything = busy.json("audit", "log", "-n", "100000")
    assert ids == [e["id"] for e in everything][-5:]
    assert ids == sorted(ids)


# --- a committed write whose output fails ----------------------------------------------------


def _titles(desk) -> list[str]:
    return [t["title"] for t in desk.json("ticket", "list", "--status", "all", "--limit", "10")]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_output_dev_full_after_commit_names_the_ticket(proc_staffed, fmt):
    res = proc_staffed.shell(f"deskctl ticket open 'VPN down' --reporter r {' '.join(fmt)} > /dev/full")
    assert res.code == 6
    assert res.err == "deskctl: ticket 1 opened; output failed: No space left on device\n"
    assert _titles(proc_staffed) == ["VPN down"]  # committed once: nothing to retry


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_dev_full_after_any_write_names_it(proc_staffed):
    proc_staffed.ok("ticket", "open", "VPN down", "--reporter", "r")
    res = proc_staffed.shell("deskctl ticket note 1 'called back' > /dev/full")
    assert (res.code, res.err) == (6, "deskctl: ticket 1: note recorded; output failed: No space left on device\n")
    res = proc_staffed.shell("deskctl --as lead staff add wu --name Wu --role officer > /dev/full")
    assert res.code == 6
    assert res.err.startswith("deskctl: staff ") and "added; output failed: No space left on device" in res.err
    assert "wu" in [s["handle"] for s in proc_staffed.json("staff", "list")]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_dev_full_on_a_read_is_an_error_line(proc_staffed):
    res = proc_staffed.shell("deskctl ticket list --json > /dev/full")
    assert (res.code, res.err) == (6, "deskctl: error: output failed: No space left on device\n")


def test_output_closed_pipe_after_a_commit_still_names_it(proc_staffed):
    res = proc_staffed.shell('deskctl ticket open T --reporter r --json | true; echo "rc=${PIPESTATUS[0]}"')
    assert res.out.strip() in ("rc=141", "rc=0")  # the pipe may close before or after the write
    if res.out.strip() == "rc=141":
        assert res.err == "deskctl: ticket 1 opened; output not read (closed pipe)\n"
    assert _titles(proc_staffed) == ["T"]


# --- huge arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["ticket", "show", HUGE],
    pytest.param(["ticket", "show", "9" * 120_000], marks=pytest.mark.slow),
    ["ticket", "list", "--status", HUGE],
    pytest.param(["ticket", "list", "--since", HUGE], marks=pytest.mark.slow),
    ["ticket", "open", "T", "--reporter", "r", "--channel", HUGE],
    pytest.param(["--as", "lead", "staff", "edit", HUGE, "--name", "x"], marks=pytest.mark.slow),
    pytest.param(["ticket", "list", "--format", HUGE], marks=pytest.mark.slow),
    pytest.param(["shift", "list", "--from", HUGE], marks=pytest.mark.slow),
])
def test_output_huge_argument_gives_a_short_error_line(proc_staffed, args):
    res = proc_staffed.run(*args)
    assert res.code in (2, 3), res.err[:300]
    assert res.err.startswith("deskctl: error: ") and res.err.count("\n") == 1
    assert len(res.err) < 400, res.err[:600]
    assert "(120000 characters)" in res.err


def test_output_huge_phone_and_note_refused_short(proc_staffed):
    res = proc_staffed.run("--as", "lead", "staff", "add", "wu", "--name", "Wu", "--role", "officer",
                           "--phone", "1" * 100_000)
    assert res.code == 2 and len(res.err) < 300, res.err[:300]
    assert "wu" not in [s["handle"] for s in proc_staffed.json("staff", "list")]


# --- Ctrl-C ------------------------------------------------------------------------------------


def _wal_size(desk) -> int:
    wal = desk.db.with_name(desk.db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_output_sigint_during_import_says_interrupted_and_imports_nothing(proc_staffed, tmp_path):
    source = tmp_path / "big.csv"
    source.write_text("title,reporter,priority\n" + "".join(f"fault {i},user {i},P3\n" for i in range(60_000)),
                      encoding="utf-8")
    before = _wal_size(proc_staffed)
    proc = proc_staffed.popen("ticket", "import", str(source))
    deadline = time.monotonic() + 120
    while _wal_size(proc_staffed) <= before + 256 * 1024 and proc.poll() is None:  # inside the transaction
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()[-500:]
    assert err.decode() == "deskctl: interrupted\n"
    assert out == b""
    assert proc_staffed.json("ticket", "list", "--status", "all") == []
    con = sqlite3.connect(proc_staffed.db)
    try:
        assert con.execute("SELECT count(*) FROM ticket").fetchone()[0] == 0
    finally:
        con.close()
    assert proc_staffed.ok("audit", "verify").code == 0


@pytest.mark.slow
def test_output_sigint_at_any_moment_says_interrupted(proc_staffed, tmp_path):
    """Ctrl-C while the program loads, parses, reads: the same line, never a traceback. (Before
    Python itself has started, no program can say anything: the first delay leaves it that.)"""
    source = tmp_path / "some.csv"
    source.write_text("title,reporter\n" + "".join(f"fault {i},user {i}\n" for i in range(20_000)), encoding="utf-8")
    for delay in (0.5, 0.8, 1.2):
        proc = proc_staffed.popen("ticket", "import", str(source))
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        if proc.returncode == 0:  # finished first on a fast machine
            continue
        assert (proc.returncode, err.decode()) == (130, "deskctl: interrupted\n"), err.decode()[-800:]
    con = sqlite3.connect(proc_staffed.db)
    try:
        count = con.execute("SELECT count(*) FROM ticket").fetchone()[0]
    finally:
        con.close()
    assert count % 20_000 == 0  # each import whole or not at all


@pytest.mark.slow
def test_output_runaway_list_on_a_big_desk_streams(proc_staffed):
    """100,000 tickets: `--limit 100000000 --json | head -1` ends at once with 141 and the whole
    list to the end is one valid array (full size: slow)."""
    rows = [{"title": f"t{i}", "reporter": "r", "priority": "P4"} for i in range(100_000)]
    proc_staffed.write(import_tickets, rows=rows)
    res = proc_staffed.shell('deskctl ticket list --status all --limit 100000000 --json | head -1; '
                             'echo "rc=${PIPESTATUS[0]}"')
    assert res.out.split() == ["[", "rc=141"] and res.err == ""
    res = proc_staffed.shell("deskctl ticket list --status all --limit 100000000 --json | "
                             "python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'")
    assert res.out.strip() == "100000", res.err[-500:]
