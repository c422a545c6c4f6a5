"""Every report command: the JSON envelope, --period/--from/--to/--date, CSV that parses and
guards formulas, markdown, bar charts, and bad input through the error boundary. The views and
the period rules: tests/services/test_report_views.py."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

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


def _with_formula_ticket(desk):
    def insert(*, session):
        z = session.execute(select(Staff.id).where(Staff.handle == "zhang")).scalar_one()
        at = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
        for _ in range(3):
            session.add(Ticket(title="=HYPERLINK(\"http://x\")", reporter="=cmd|' /C calc'!A0", system="=sum(A1)",
                               category="@evil", priority="P3", opened_at=at, updated_at=at, opened_by_id=z,
                               status="new"))

    desk.write(insert)


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

    def insert(*, session):
        at = datetime(2026, 11, 23, 0, 40, tzinfo=UTC)
        session.add(Ticket(title="[bold]x\x1b[2J", reporter="r", system="x", priority="P1", opened_at=at,
                           updated_at=at, status="new", response_breached_at=at))

    staffed.write(insert)
    out = staffed.ok("report", "daily").stdout
    assert "[bold]x\\x1b[2J" in out and "\x1b" not in out


# --- bad input: a clear error and nothing lost ------------------------------------------------


@pytest.mark.parametrize("args, code, words", [
    (["sla", "--period", "2026-13"], 2, "no month 13"),
    (["sla", "--from", "2026-11-15", "--to", "2026-11-01"], 2, "not before"),
    (["daily", "--date", "2026-02-30"], 2, "invalid date"),
    (["daily", "--date", "2026-11-01", "--period", "month"], 2, "not both"),
    (["tickets", "--by", "colour"], 2, "system, category, priority, assignee, channel, day"),
    (["sla", "--format", "xml"], 2, "unknown format"),
    (["recurring", "--threshold", "1"], 2, "from 2 tickets"),
    (["recurring", "--threshold", "two"], 2, "--threshold"),
])
def test_report_bad_input_exits_with_clear_error(staffed, args, code, words):
    res = staffed.run("report", *args)
    assert res.exit_code == code
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ") and words in res.stderr


def test_report_from_to_options(staffed):
    view = staffed.json("report", "sla", "--from", "2026-11-01", "--to", "2026-11-15")
    assert (view["period"]["from"], view["period"]["to"]) == ("2026-11-01T00:00:00+08:00", "2026-11-16T00:00:00+08:00")
    view = staffed.json("report", "sla", "--from", "3d ago")
    assert view["period"]["to"] == "2026-11-23T09:00:00+08:00"


def test_report_unknown_database_exits_6(staffed, tmp_path):
    res = staffed.run("--db", str(tmp_path / "nope.db"), "report", "sla")
    assert res.exit_code == 6
