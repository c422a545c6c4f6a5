"""`deskctl ticket list`: every filter of SPEC §2, formats, and bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest


def _open(desk, title, *extra, actor="zhang", at=None):
    if at:
        desk.set_now(at)
    return desk.json("--as", actor, "ticket", "open", title, "--reporter", "HR 王", *extra)["id"]


def _ids(desk, *args, **kw):
    return [t["id"] for t in desk.json("ticket", "list", *args, **kw)]


def _build(d):
    """Six tickets over three days, in several states, systems and priorities."""
    _open(d, "VPN down", "--system", "vpn", "-p", "P1", at="2026-11-21T10:00:00+08:00")  # 1
    _open(d, "mail slow", "--system", "mail", "-p", "P3", at="2026-11-22T10:00:00+08:00")  # 2
    _open(d, "printer jam", "--system", "print", "-p", "P4", at="2026-11-22T15:00:00+08:00")  # 3
    _open(d, "VPN flaky", "--system", "vpn", "-p", "P2", at="2026-11-23T08:00:00+08:00")  # 4
    _open(d, "mail bounce", "--system", "mail", "-p", "P3", at="2026-11-23T08:30:00+08:00")  # 5
    _open(d, "wifi", "--system", "net", "-p", "P3", at="2026-11-23T08:45:00+08:00")  # 6
    d.set_now("2026-11-23T09:00:00+08:00")
    d.ok("--as", "zhang", "ticket", "assign", "2", "li")
    d.ok("--as", "zhang", "ticket", "assign", "4", "li")
    d.ok("--as", "li", "ticket", "ack", "4")
    d.ok("--as", "zhang", "ticket", "assign", "5", "maria")
    d.ok("--as", "maria", "ticket", "ack", "5")
    d.ok("--as", "maria", "ticket", "resolve", "5", "--resolution", "fixed")
    d.ok("--as", "zhang", "ticket", "cancel", "6", "--reason", "dup", "--duplicate-of", "3")


@pytest.fixture(scope="module")
def _listed_db(tmp_path_factory, _template_db):
    """Build the listed desk once per module (each CLI call costs ~0.3 s); tests get a copy."""
    from typer.testing import CliRunner

    root = tmp_path_factory.mktemp("listed")
    db = root / "desk.db"
    shutil.copyfile(_template_db, db)
    config = root / "config.toml"
    config.write_text('timezone = "Asia/Shanghai"\n', encoding="utf-8")
    env = {"DESKCTL_DB": str(db), "DESKCTL_CONFIG": str(config), "DESKCTL_USER": "",
           "DESKCTL_NOW": "2026-11-23T09:00:00+08:00", "NO_COLOR": "1", "COLUMNS": "200"}
    builder = _Builder(CliRunner(), env)
    builder.ok("staff", "add", "lead", "--name", "王主管", "--role", "supervisor")
    for handle, role, tier in [("zhang", "officer", "1"), ("li", "technician", "2"),
                               ("maria", "technician", "3")]:
        builder.ok("--as", "lead", "staff", "add", handle, "--name", handle, "--role", role, "--tier", tier)
    _build(builder)
    return db


class _Builder:
    def __init__(self, runner, env):
        self.runner, self.env = runner, env

    def set_now(self, instant):
        self.env["DESKCTL_NOW"] = instant

    def ok(self, *args):
        from deskctl.cli import app

        res = self.runner.invoke(app, [str(a) for a in args], env=self.env)
        assert res.exit_code == 0, res.stderr
        return res

    def json(self, *args):
        return json.loads(self.ok(*args, "--json").stdout)


@pytest.fixture
def listed(desk, _listed_db):
    shutil.copyfile(_listed_db, desk.db)
    return desk


def test_ticket_list_default_is_open_newest_first(listed):
    rows = listed.json("ticket", "list")
    assert [r["id"] for r in rows] == [4, 3, 2, 1]
    assert set(rows[0]) >= {"id", "priority", "status", "tier", "assignee", "system", "title", "reporter",
                            "opened_at", "due_at", "breached"}
    assert rows[0]["opened_at"] == "2026-11-23T08:00:00+08:00"


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--status", "resolved"], [5]),
        (["--status", "cancelled"], [6]),
        (["--status", "new", "--status", "assigned"], [3, 2, 1]),
        (["--status", "new,in_progress"], [4, 3, 1]),
        (["--status", "in-progress"], [4]),
        (["--status", "all"], [6, 5, 4, 3, 2, 1]),
        (["--status", "open"], [4, 3, 2, 1]),
        (["--status", "closed"], []),
        (["--priority", "P3"], [2]),
        (["--priority", "p3", "--status", "all"], [6, 5, 2]),
        (["--assignee", "li"], [4, 2]),
        (["--assignee", "maria", "--status", "all"], [5]),
        (["--system", "vpn"], [4, 1]),
        (["--system", "mail", "--status", "all"], [5, 2]),
        (["--since", "2026-11-22"], [4, 3, 2]),
        (["--since", "yesterday 12:00"], [4, 3]),
        (["--until", "2026-11-22"], [3, 2, 1]),  # a bare date: to the end of that day (issue 9)
        (["--since", "2026-11-22", "--until", "2026-11-22T12:00"], [2]),
        (["--since", "1d ago", "--status", "all"], [6, 5, 4, 3, 2]),
        (["--since", "20h ago", "--status", "all"], [6, 5, 4, 3]),
        (["--since", "-30m", "--status", "all"], [6, 5]),
        (["--since", "2026-11-23T00:00:00Z", "--status", "all"], [6, 5, 4]),
        (["--limit", "2"], [4, 3]),
        (["--limit", "1", "--status", "all"], [6]),
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


def test_ticket_list_breached(staffed):
    d = staffed
    _open(d, "core switch down", "-p", "P1")  # response due 09:15
    _open(d, "slow laptop", "-p", "P4")  # response due 17:00
    d.set_now("2026-11-23T09:20:00+08:00")
    rows = d.json("ticket", "list", "--breached")
    assert [(r["id"], r["breached"]) for r in rows] == [(1, True)]
    everything = {r["id"]: r["breached"] for r in d.json("ticket", "list")}
    assert everything == {1: True, 2: False}


def test_ticket_list_search_text_and_reporter(staffed):
    d = staffed
    _open(d, "VPN down")
    d.ok("--as", "zhang", "ticket", "open", "other", "--reporter", "Finance Liu", "-d", "vpn token expired")
    d.ok("--as", "zhang", "ticket", "open", "third", "--reporter", "Finance Wu")
    assert _ids(d, "--search", "vpn") == [2, 1]  # title or description, any case
    assert _ids(d, "--search", "finance") == [3, 2]
    assert _ids(d, "--search", "nothing like it") == []


def test_ticket_list_search_percent_and_underscore_are_literal(staffed):
    d = staffed
    _open(d, "disk 100% full")  # 1
    _open(d, "disk 1000 full")  # 2
    _open(d, "user_name wrong")  # 3
    _open(d, "username wrong")  # 4
    _open(d, r"path C:\temp broken")  # 5
    assert _ids(d, "--search", "%") == [1]
    assert _ids(d, "--search", "100%") == [1]
    assert _ids(d, "--search", "_") == [3]
    assert _ids(d, "--search", "r_n") == [3]
    assert _ids(d, "--search", "\\") == [5]


@pytest.mark.parametrize(
    ("args", "code", "snippet"),
    [
        (["--since", "2026-02-30"], 2, "2026-02-30"),
        (["--since", "yesterday 25:00"], 2, "25:00"),
        (["--until", "someday"], 2, "someday"),
        (["--since", "today", "--until", "yesterday"], 2, "--until"),
        (["--status", "frozen"], 2, "frozen"),
        (["--priority", "P9"], 2, "P9"),
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
        _open(d, title)
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


def test_ticket_list_breached_ignores_met_response_after_escalation(staffed):
    d = staffed
    _open(d, "core switch", "-p", "P1", at="2026-11-23T09:00:00+08:00")  # response due 09:15
    d.ok("--as", "zhang", "ticket", "assign", "1", "li")
    d.set_now("2026-11-23T09:05:00+08:00")
    d.ok("--as", "li", "ticket", "ack", "1")
    d.set_now("2026-11-23T09:10:00+08:00")
    d.ok("--as", "li", "ticket", "escalate", "1", "--reason", "needs tier 3")
    d.set_now("2026-11-23T09:20:00+08:00")
    clocks = d.json("ticket", "show", "1")["sla"]
    assert (clocks["response"]["state"], clocks["resolution"]["state"]) == ("met", "running")
    assert d.json("status")["sla_breached"] == []
    assert d.json("ticket", "list", "--breached") == []
