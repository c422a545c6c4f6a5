"""What the CLI owns in issue 9: the `ticket show` breach line, instants shown in the desk zone,
`--until`/`--to` parsing, and the exit-2 limits of reports."""

from __future__ import annotations


def _open_p2(desk) -> str:
    return str(desk.json("--as", "zhang", "ticket", "open", "VPN down", "--reporter", "r", "--priority", "P2")["id"])


def test_ticket_show_says_when_a_breach_is_not_yet_recorded(staffed):
    tid = _open_p2(staffed)
    staffed.set_now("2026-11-23T09:45:00+08:00")
    out = staffed.ok("ticket", "show", tid).stdout
    assert "breach not yet recorded" in out
    assert "deskctl ticket sweep" in out
    staffed.ok("--as", "lead", "ticket", "sweep")
    out = staffed.ok("ticket", "show", tid).stdout
    assert "not yet recorded" not in out


def test_ticket_show_timeline_instants_are_local(staffed):
    staffed.set_now("2026-12-09T10:00:00+08:00")
    tid = str(staffed.json("--as", "zhang", "ticket", "open", "printer", "--reporter", "r", "--priority", "P3")["id"])
    staffed.set_now("2026-12-09T12:30:00+08:00")
    staffed.ok("--as", "lead", "ticket", "sweep")
    view = staffed.json("ticket", "show", tid)
    breach = next(e for e in view["timeline"] if e["kind"] == "sla_breach")
    assert breach["details"]["due_at"] == "2026-12-09T12:00:00+08:00"
    table = staffed.ok("ticket", "show", tid).stdout
    assert "04:00" not in table
    assert "due_at: 2026-12-09T12:00:00+08:00" in table


# --- --until / --to: a bare date is the end of that day (item 5) --------------------------------


def _open_at(desk, at: str, title: str) -> int:
    desk.set_now(at)
    return desk.json("--as", "zhang", "ticket", "open", title, "--reporter", "r", "--priority", "P4")["id"]


def test_ticket_list_until_a_date_includes_that_day(staffed):
    before = _open_at(staffed, "2026-12-07T23:59:00+08:00", "the day before")
    morning = _open_at(staffed, "2026-12-08T00:00:00+08:00", "first minute")
    evening = _open_at(staffed, "2026-12-08T23:59:00+08:00", "last minute")
    after = _open_at(staffed, "2026-12-09T00:00:00+08:00", "the day after")
    rows = staffed.json("ticket", "list", "--status", "all", "--since", "2026-12-08", "--until", "2026-12-08")
    assert sorted(r["id"] for r in rows) == [morning, evening]
    # a time is taken as given (exclusive)
    rows = staffed.json("ticket", "list", "--status", "all", "--since", "2026-12-07", "--until", "2026-12-08 12:00")
    assert sorted(r["id"] for r in rows) == [before, morning]
    assert after not in [r["id"] for r in staffed.json("ticket", "list", "--status", "all", "--until", "2026-12-08")]


def test_ticket_list_until_before_since_exits_2(staffed):
    res = staffed.run("ticket", "list", "--since", "2026-12-09", "--until", "2026-12-08")
    assert res.exit_code == 2
    assert res.stderr.strip() == "deskctl: error: --until must be after --since"


def test_inspect_history_until_a_date_includes_that_day(staffed):
    staffed.ok("--as", "lead", "inspect", "plan", "add", "ups", "--target", "dc", "--every", "daily 09:00",
               "--item", "UPS load below 80%")
    staffed.set_now("2026-11-26T12:00:00+08:00")
    rows = staffed.json("inspect", "history", "--since", "2026-11-24", "--until", "2026-11-24")
    assert [r["occurrence_at"] for r in rows] == ["2026-11-24T09:00:00+08:00"]


# --- report limits: one line, exit 2 (item 7) ---------------------------------------------------


def test_report_daily_over_decades_exits_2_with_the_limit(staffed):
    res = staffed.run("report", "daily", "--from", "1970-01-01")
    assert res.exit_code == 2
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: report daily covers at most 31 days; ")
    assert len(res.stderr.strip().splitlines()) == 1


def test_report_tickets_by_day_over_decades_exits_2_and_by_month_works(staffed):
    res = staffed.run("report", "tickets", "--by", "day", "--from", "1970-01-01")
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: report tickets --by day lists at most 366 days; ")
    view = staffed.json("report", "tickets", "--by", "month", "--from", "2026-01-01", "--to", "2026-12-31")
    assert [g["key"] for g in view["groups"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    table = staffed.ok("report", "tickets", "--by", "week", "--period", "2026-11").stdout
    assert "tickets by week" in table and "2026-W44" in table and "2026-W49" in table


# --- the handover table leads with breaches (item 9) -------------------------------------------


def test_handover_table_shows_breached_first_and_a_due_column(staffed):
    staffed.ok("--as", "lead", "shift", "type", "add", "day", "--start", "08:00", "--end", "20:00")
    staffed.ok("--as", "lead", "shift", "assign", "2026-11-23", "day", "zhang")
    _open_p2(staffed)  # response due 09:30
    staffed.set_now("2026-11-23T19:50:00+08:00")
    out = staffed.ok("--as", "zhang", "shift", "handover").stdout
    assert out.index("SLA BREACHED") < out.index("open tickets")
    assert "not yet" in out  # recorded: not yet
    header = next(line for line in out.splitlines() if line.split()[:3] == ["id", "priority", "status"])
    assert header.split()[3:5] == ["due", "breached"]
