"""Every report: the envelope, an empty period (zeros and empty lists), CSV that parses and
guards formulas, markdown, and the bad inputs of issue 5."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from deskctl.store.engine import open_database
from deskctl.store.tables import Staff, Ticket

REPORTS = ["daily", "sla", "tickets", "inspections", "attendance", "training", "recurring", "performance"]


@pytest.mark.parametrize("name", REPORTS)
def test_report_json_has_the_envelope(staffed, name):
    view = staffed.json("report", name)
    assert view["report"] == name
    assert view["schema_version"] == 1
    assert view["timezone"] == "Asia/Shanghai"
    assert view["generated_at"] == "2026-11-23T09:00:00+08:00"
    assert set(view["period"]) == {"from", "to", "label"}


def test_report_daily_defaults_to_today_and_takes_date(staffed):
    assert staffed.json("report", "daily")["period"]["label"] == "2026-11-23"
    view = staffed.json("report", "daily", "--date", "yesterday")
    assert view["period"] == {"from": "2026-11-22T00:00:00+08:00", "to": "2026-11-23T00:00:00+08:00",
                              "label": "2026-11-22"}


def test_report_daily_empty_day_gives_zeros_and_empty_lists(staffed):
    view = staffed.json("report", "daily", "--date", "2026-01-05")
    assert view["tickets"] == {"opened": 0, "resolved": 0, "closed": 0, "cancelled": 0}
    assert view["backlog"]["total"] == 0
    assert view["backlog"]["by_priority"] == {"P1": 0, "P2": 0, "P3": 0, "P4": 0}
    assert [b["tickets"] for b in view["backlog"]["by_age"]] == [0, 0, 0, 0, 0]
    assert [d["opened"] for d in view["tickets_per_day"]] == [0] * 7
    for key in ("sla_breaches", "inspections_missed", "findings", "on_duty", "attendance_anomalies", "handovers"):
        assert view[key] == [], key
    assert view["inspections"]["done"] == 0 and view["inspections"]["findings"] == 0


def test_report_empty_period_everywhere(staffed):
    args = ("--period", "2025-03")
    sla = staffed.json("report", "sla", *args)
    assert [r["tickets"] for r in sla["priorities"]] == [0, 0, 0, 0]
    assert sla["total"]["response_met"] == 0 and sla["breaches"] == []
    assert sla["total"]["response_compliance_pct"] is None  # nothing judged: no made-up 0 % or 100 %
    tickets = staffed.json("report", "tickets", *args)
    assert tickets["groups"] == [] and tickets["total"]["opened"] == 0
    assert len(staffed.json("report", "tickets", "--by", "day", *args)["groups"]) == 31
    insp = staffed.json("report", "inspections", *args)
    assert insp["plans"] == [] and insp["findings"] == [] and insp["total"]["done"] == 0
    att = staffed.json("report", "attendance", *args)
    assert att["total"]["shifts"] == 0 and att["anomalies"] == []
    assert all(p["shifts"] == 0 for p in att["people"])
    assert staffed.json("report", "recurring", *args)["groups"] == []
    training = staffed.json("report", "training", *args)
    assert training["total"]["sessions"] == 0 and training["total"]["hours"] == 0
    perf = staffed.json("report", "performance", *args)
    assert all(p["handled"] == 0 and p["score"] is None for p in perf["people"])


def _with_formula_ticket(desk):
    db = open_database(desk.db)
    try:
        with db.write() as s:
            z = s.execute(select(Staff.id).where(Staff.handle == "zhang")).scalar_one()
            from datetime import UTC, datetime

            at = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
            for _ in range(3):
                s.add(Ticket(title="=HYPERLINK(\"http://x\")", reporter="=cmd|' /C calc'!A0", system="=sum(A1)",
                             category="@evil", priority="P3", opened_at=at, updated_at=at, opened_by_id=z,
                             status="new"))
    finally:
        db.close()


@pytest.mark.parametrize("args", [
    ["daily"], ["sla"], ["tickets", "--by", "system"], ["tickets", "--by", "day"], ["inspections"],
    ["attendance"], ["training"], ["recurring"], ["performance"],
])
def test_report_csv_parses_and_guards_formulas(staffed, args):
    _with_formula_ticket(staffed)
    res = staffed.ok("report", *args, "--format", "csv")
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows, "a CSV always has at least its header"
    width = len(rows[0])
    assert all(len(r) == width for r in rows)
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_report_csv_formula_cells_are_prefixed(staffed):
    _with_formula_ticket(staffed)
    rows = list(csv.DictReader(io.StringIO(staffed.ok("report", "recurring", "--format", "csv").stdout)))
    keys = {r["key"] for r in rows}
    assert "'=sum(A1)" in keys and "'=cmd|' /C calc'!A0" in keys


def test_report_csv_of_an_empty_period_is_a_header(staffed):
    out = staffed.ok("report", "tickets", "--period", "2025-03", "--format", "csv").stdout
    assert out.splitlines()[0].startswith("key,opened,")
    assert len(out.splitlines()) == 1


def test_report_markdown_reads_as_tables(staffed):
    _with_formula_ticket(staffed)
    out = staffed.ok("report", "sla", "--format", "md").stdout
    assert out.startswith("# sla report — 2026-11")
    assert "| priority | tickets |" in out


def test_report_table_mode_draws_bar_charts(staffed):
    _with_formula_ticket(staffed)
    out = staffed.ok("report", "daily").stdout
    assert "tickets opened per day" in out and "backlog by age" in out and "█" in out
    by_day = staffed.ok("report", "tickets", "--by", "day").stdout
    assert "tickets opened per day" in by_day
    json_out = staffed.ok("report", "tickets", "--by", "day", "--json").stdout
    assert "█" not in json_out


def test_report_text_is_shown_literally(staffed):
    _with_formula_ticket(staffed)
    db = open_database(staffed.db)
    try:
        with db.write() as s:
            from datetime import UTC, datetime

            at = datetime(2026, 11, 23, 0, 40, tzinfo=UTC)
            s.add(Ticket(title="[bold]x\x1b[2J", reporter="r", system="x", priority="P1", opened_at=at,
                         updated_at=at, status="new", response_breached_at=at))
    finally:
        db.close()
    out = staffed.ok("report", "daily").stdout
    assert "[bold]x\\x1b[2J" in out and "\x1b" not in out


# --- bad input: a clear error and nothing lost ------------------------------------------------


@pytest.mark.parametrize("args, code, words", [
    (["sla", "--period", "2026-13"], 2, "no month 13"),
    (["sla", "--period", "2026-W60"], 2, "invalid period"),
    (["sla", "--from", "2026-11-15", "--to", "2026-11-01"], 2, "not before"),
    (["sla", "--to", "2026-11-01"], 2, "--to needs --from"),
    (["sla", "--period", "month", "--from", "2026-11-01"], 2, "not both"),
    (["daily", "--date", "2026-02-30"], 2, "invalid date"),
    (["tickets", "--by", "colour"], 2, "system, category, priority, assignee, channel, day"),
    (["sla", "--format", "xml"], 2, "unknown format"),
    (["recurring", "--threshold", "1"], 2, "from 2 tickets"),
])
def test_report_bad_input_exits_with_clear_error(staffed, args, code, words):
    res = staffed.run("report", *args)
    assert res.exit_code == code
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and words in res.stderr


def test_report_from_to_accepts_dates_and_instants(staffed):
    view = staffed.json("report", "sla", "--from", "2026-11-01", "--to", "2026-11-15")
    assert view["period"]["to"] == "2026-11-16T00:00:00+08:00"
    view = staffed.json("report", "sla", "--from", "2026-11-01 08:00", "--to", "2026-11-01 12:00")
    assert view["period"]["to"] == "2026-11-01T12:00:00+08:00"
    view = staffed.json("report", "sla", "--from", "3d ago")
    assert view["period"]["to"] == "2026-11-23T09:00:00+08:00"


def test_report_unknown_database_exits_6(staffed, tmp_path):
    res = staffed.run("--db", str(tmp_path / "nope.db"), "report", "sla")
    assert res.exit_code == 6
