"""`deskctl shift export --ics` parsed back with the icalendar library; the demo rota."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from icalendar import Calendar

from deskctl.services.demo import DemoContext
from deskctl.services.demo import shifts as demo_shifts
from deskctl.services.demo import staff as demo_staff
from deskctl.store.engine import open_database
from deskctl.timeparse import Clock, get_zone


@pytest.fixture
def rota(staffed):
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    staffed.ok("--as", "lead", "shift", "type", "add", "night", "--start", "20:00", "--end", "08:00")
    staffed.ok("--as", "lead", "shift", "plan", "--from", "2026-12-01", "--to", "2026-12-07", "--type", "day,night",
               "--members", "zhang,wang")
    return staffed


def events_of(path):
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_export_ics_events_match_the_rota(rota):
    out = rota.root / "zhang.ics"
    res = rota.run("shift", "export", "--ics", str(out), "--who", "zhang")
    assert res.exit_code == 0, res.stderr
    events = events_of(out)
    listed = rota.json("shift", "list", "--from", "2026-12-01", "--to", "2026-12-07", "--who", "zhang")
    assert len(events) == len(listed) > 0
    by_start = {e.decoded("DTSTART"): e for e in events.values()}
    for shift in listed:
        event = by_start[datetime.fromisoformat(shift["start_at"])]
        assert event.decoded("DTEND") == datetime.fromisoformat(shift["end_at"])
        assert "zhang" in str(event["SUMMARY"]) and shift["type"] in str(event["SUMMARY"])
    cal = Calendar.from_ical(out.read_bytes())
    assert str(cal["VERSION"]) == "2.0" and "deskctl" in str(cal["PRODID"])


def test_export_ics_uids_are_stable_across_swaps_and_reexports(rota):
    first = rota.root / "a.ics"
    rota.ok("shift", "export", "--ics", str(first))
    shift = rota.json("shift", "list", "--from", "2026-12-05", "--to", "2026-12-05", "--who", "zhang")[0]
    rota.ok("--as", "lead", "staff", "add", "zhao", "--name", "赵六", "--role", "officer")
    rota.ok("--as", "lead", "shift", "cover", str(shift["id"]), "--by", "zhao")
    second = rota.root / "b.ics"
    rota.ok("shift", "export", "--ics", str(second))
    a, b = events_of(first), events_of(second)
    assert set(a) == set(b) and len(a) == 14
    changed = [uid for uid in a if str(a[uid]["SUMMARY"]) != str(b[uid]["SUMMARY"])]
    assert len(changed) == 1 and "zhao" in str(b[changed[0]]["SUMMARY"])


def test_export_ics_window_filters(rota):
    out = rota.root / "w.ics"
    rota.ok("shift", "export", "--ics", str(out), "--from", "2026-12-02", "--to", "2026-12-03")
    assert len(events_of(out)) == 4


def test_export_ics_to_stdout(rota):
    res = rota.run("shift", "export", "--ics", "-", "--who", "wang")
    assert res.exit_code == 0
    assert len(Calendar.from_ical(res.stdout).walk("VEVENT")) == 7


def test_export_ics_into_missing_folder_exits_2_and_leaves_nothing(rota):
    target = rota.root / "nowhere" / "zhang.ics"
    res = rota.run("shift", "export", "--ics", str(target), "--who", "zhang")
    assert res.exit_code == 2
    assert "does not exist" in res.stderr
    assert not (rota.root / "nowhere").exists()
    assert not list(rota.root.glob("**/*.ics*"))


def test_export_ics_unknown_person_exits_3_and_writes_nothing(rota):
    target = rota.root / "ghost.ics"
    assert rota.run("shift", "export", "--ics", str(target), "--who", "ghost").exit_code == 3
    assert not target.exists() and not list(rota.root.glob(".deskctl-*"))


# --- demo -----------------------------------------------------------------------------------


def test_demo_seeds_a_month_of_rota_with_late_and_one_no_show(desk):
    db = open_database(desk.db)
    try:
        with db.write() as session:
            from deskctl.config import load

            ctx = DemoContext(session=session, clock=Clock.from_env(), config=load(), tz=get_zone("Asia/Shanghai"),
                              now=Clock.from_env().now(), rng=random.Random(7))
            demo_staff.seed(ctx)
            demo_shifts.seed(ctx)
    finally:
        db.close()
    assert ctx.counts["shifts"] == 62 and ctx.counts["no_shows"] == 1 and ctx.counts["handovers"] == 3
    shifts = desk.json("shift", "list", "--from", "2026-11-01", "--to", "2026-12-31")
    assert {s["type"] for s in shifts} == {"day", "night"}
    assert {s["who"] for s in shifts} == {"zhang", "wang", "zhao", "sun", "chen"}
    assert sum(s["no_show"] for s in shifts) == 1
    assert sum(1 for s in shifts if s["late_seconds"]) == ctx.counts["late"] >= 3
    assert desk.json("shift", "gaps", "--from", "2026-11-09", "--to", "2026-12-09") == []
    assert desk.json("shift", "now")["nobody_on_duty"] is False
    assert desk.json("shift", "handover", "--show")["taken_over_at"] is None
    assert desk.json("audit", "verify")["ok"] is True
