"""`deskctl ticket list`: how the CLI parses the filters (times in the desk zone, --mine,
--limit), the formats, and bad input. The filters themselves: tests/services/test_ticket_list.py."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import freeze_desk
from tests.services.ticket_steps import open_ticket, six_tickets


def _ids(desk, *args, **kw):
    return [t["id"] for t in desk.json("ticket", "list", *args, **kw)]


@pytest.fixture(scope="module")
def _listed_db(tmp_path_factory, _staffed_template_db):
    """Six tickets over three days (see ticket_steps.six_tickets), built once per module."""
    return freeze_desk(tmp_path_factory.mktemp("listed"), _staffed_template_db, six_tickets)


@pytest.fixture
def listed(staffed, _listed_db):
    return staffed.load(_listed_db)


def test_ticket_list_default_is_open_newest_first(listed):
    rows = listed.json("ticket", "list")
    assert [r["id"] for r in rows] == [4, 3, 2, 1]
    assert set(rows[0]) >= {"id", "priority", "status", "tier", "assignee", "system", "title", "reporter",
                            "opened_at", "due_at", "breached"}
    assert rows[0]["opened_at"] == "2026-11-23T08:00:00+08:00"


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--status", "new", "--status", "assigned"], [3, 2, 1]),  # repeatable
        (["--status", "new,in_progress"], [4, 3, 1]),  # comma-separated
        (["--since", "2026-11-22"], [4, 3, 2]),  # a date: local midnight
        (["--since", "yesterday 12:00"], [4, 3]),
        (["--until", "2026-11-22"], [3, 2, 1]),  # a bare date: to the end of that day (issue 9)
        (["--since", "2026-11-22", "--until", "2026-11-22T12:00"], [2]),
        (["--since", "1d ago", "--status", "all"], [6, 5, 4, 3, 2]),
        (["--since", "20h ago", "--status", "all"], [6, 5, 4, 3]),
        (["--since", "-30m", "--status", "all"], [6, 5]),
        (["--since", "2026-11-23T00:00:00Z", "--status", "all"], [6, 5, 4]),
        (["--limit", "2"], [4, 3]),
        (["--system", "vpn", "--priority", "P2", "--assignee", "li"], [4]),
    ],
)
def test_ticket_list_filters(listed, args, ids):
    assert _ids(listed, *args) == ids


def test_ticket_list_mine(listed):
    assert _ids(listed, "--mine", env={"DESKCTL_USER": "li"}) == [4, 2]
    assert _ids(listed, "--mine", env={"DESKCTL_USER": "zhang"}) == []


def test_ticket_list_empty_json_is_brackets(listed):
    res = listed.run("ticket", "list", "--status", "closed", "--json")
    assert res.exit_code == 0
    assert res.stdout == "[]\n"
    assert res.stderr == ""


def test_ticket_list_empty_table_says_none_on_stderr(desk):
    res = desk.run("ticket", "list")
    assert res.exit_code == 0
    assert res.stdout == ""
    assert "(none)" in res.stderr


def test_ticket_list_breached_and_search_options(staffed):
    d = staffed
    open_ticket(d, "core switch down", priority="P1")  # response due 09:15
    open_ticket(d, "slow laptop", priority="P4", description="core temperature")
    d.set_now("2026-11-23T09:20:00+08:00")
    rows = d.json("ticket", "list", "--breached")
    assert [(r["id"], r["breached"]) for r in rows] == [(1, True)]
    assert _ids(d, "--search", "CORE") == [2, 1]


@pytest.mark.parametrize(
    ("args", "code", "snippet"),
    [
        (["--since", "2026-02-30"], 2, "2026-02-30"),
        (["--since", "yesterday 25:00"], 2, "25:00"),
        (["--until", "someday"], 2, "someday"),
        (["--since", "today", "--until", "yesterday"], 2, "--until"),
        (["--status", "frozen"], 2, "frozen"),
        (["--assignee", "ghost"], 3, "ghost"),
        (["--assignee", "li", "--mine"], 2, "not both"),
        (["--limit", "0"], 2, "--limit"),
        (["--format", "yaml"], 2, "yaml"),
    ],
)
def test_ticket_list_bad_input(listed, args, code, snippet):
    res = listed.run("ticket", "list", *args)
    assert res.exit_code == code
    assert res.stdout == ""
    assert res.stderr.startswith("deskctl: error: ")
    assert snippet in res.stderr


def test_ticket_list_csv_guards_formulas(staffed):
    d = staffed
    for title in ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd", "@SUM(A1)", "plain, with comma"]:
        open_ticket(d, title)
    res = d.run("ticket", "list", "--format", "csv")
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["title"] for r in rows] == [
        "plain, with comma", "'@SUM(A1)", "'+cmd", "'=HYPERLINK(\"http://evil\",\"x\")"]
    assert rows[0]["opened_at"] == "2026-11-23T09:00:00+08:00"
    assert rows[0]["breached"] == "false"


def test_ticket_list_jsonl(listed):
    res = listed.run("ticket", "list", "--format", "jsonl")
    assert res.exit_code == 0
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == [4, 3, 2, 1]


def test_ticket_list_table(listed):
    res = listed.run("ticket", "list", "--system", "vpn")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert "prio" in lines[0] and "title" in lines[0]
    assert "VPN flaky" in res.stdout and "VPN down" in res.stdout and "mail" not in res.stdout
    assert "2026-11-23 08:00" in res.stdout


@pytest.mark.parametrize(
    ("moment", "snippet"), [("2026-03-29 02:30", "does not exist"), ("2026-10-25 02:30", "happens twice")]
)
def test_ticket_list_since_dst_gap_or_overlap_exits_2(desk, moment, snippet):
    res = desk.run("--tz", "Europe/Berlin", "ticket", "list", "--since", moment)
    assert res.exit_code == 2
    assert res.stdout == ""
    assert snippet in res.stderr


def test_ticket_list_since_with_offset_in_overlap_is_fine(desk):
    res = desk.run("--tz", "Europe/Berlin", "ticket", "list", "--since", "2026-10-25T02:30+01:00", "--json")
    assert res.exit_code == 0
    assert res.json() == []


def test_ticket_list_since_absurd_duration_exits_2(desk):
    res = desk.run("ticket", "list", "--since", "99999999999d ago")
    assert res.exit_code == 2
    assert "internal error" not in res.stderr
