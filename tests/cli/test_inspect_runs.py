"""`deskctl inspect run`, `inspect show` and `inspect history`: how results are given (options, a
file, stdin, the interactive walk), --at in the desk zone, output and exit codes. The rules:
tests/services/test_inspect_runs.py."""

from __future__ import annotations

import json

import pytest

from deskctl.services.inspections import plans
from tests.services.inspection_steps import add_core, run, snapshot
from tests.services.ticket_steps import at


def test_run_json_and_the_finding_on_stderr(staffed):
    add_core(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--ok", "1,3", "--fail", "2:Gi0/12 down",
                      "--json")
    assert res.exit_code == 0, res.stderr
    view = res.json()
    assert view["occurrence_at"] == "2026-11-23T09:00:00+08:00" and view["state"] == "on_time"
    assert [r["result"] for r in view["results"]] == ["ok", "fail", "ok"]
    assert view["findings"][0]["ticket_id"] == 1
    assert "item 2 failed: ticket 1 opened" in res.stderr
    assert staffed.json("ticket", "show", "1")["channel"] == "inspection"


def test_run_table_lists_the_results(staffed):
    add_core(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--ok", "all", "--no-ticket", "--fail", "2:x")
    assert res.exit_code == 0, res.stderr
    assert "所有端口状态正常" in res.stdout and "fail" in res.stdout
    assert "ticket" not in res.stderr


def test_run_results_from_stdin(staffed):
    staffed.write(plans.add_plan, name="backups", target="backup-server", every="FREQ=WEEKLY;BYDAY=MO;BYHOUR=10",
                  items=["last full backup < 7 days"], start=at("2026-11-16T00:00:00+08:00"))
    doc = '{"items":[{"n":1,"result":"ok","value":"2 days"}]}'
    view = staffed.json("--as", "zhang", "inspect", "run", "backups", "--results", "-", input=doc)
    assert view["occurrence_at"] == "2026-11-16T10:00:00+08:00" and view["state"] == "late"
    assert view["results"][0]["value"] == "2 days"


@pytest.mark.parametrize(
    ("doc", "message"),
    [(None, "does not exist"), ('{"items":[{"n":1,"result":"ok"},', "invalid JSON")],
    ids=["missing-file", "bad-json"],
)
def test_run_bad_results_file_exits_2_nothing_written(staffed, tmp_path, doc, message):
    add_core(staffed)
    path = tmp_path / "results.json"
    if doc is not None:
        path.write_text(doc, encoding="utf-8")
    before = snapshot(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--results", str(path))
    assert res.exit_code == 2, res.stderr
    assert res.stderr.startswith("deskctl: error: ") and message in res.stderr
    assert snapshot(staffed) == before


def test_run_results_and_options_together_exit_2(staffed):
    add_core(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--results", "-", "--ok", "all", input="{}")
    assert res.exit_code == 2 and "not both" in res.stderr


def test_run_twice_for_same_occurrence_exits_4(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])
    res = staffed.run("--as", "wang", "inspect", "run", "core-network", "--ok", "all")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "--at" in res.stderr


def test_run_at_is_read_in_the_desk_zone(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])
    view = staffed.json("--as", "zhang", "inspect", "run", "core-network", "--ok", "all", "--at", "tomorrow 09:00")
    assert view["occurrence_at"] == "2026-11-24T09:00:00+08:00"
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--ok", "all", "--at", "2026-11-23 09:30")
    assert res.exit_code == 2 and "2026-11-23 09:00" in res.stderr


def test_run_without_results_and_no_terminal_exits_2(staffed):
    add_core(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network")
    assert res.exit_code == 2 and "no terminal" in res.stderr


def test_run_interactive_walks_checklist(staffed, monkeypatch):
    from deskctl.cli import options

    add_core(staffed)
    monkeypatch.setattr(options, "interactive", lambda: True)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--json",
                      input="ok\nmaybe\nfail\nGi0/12 down\nskip\ny\n")
    assert res.exit_code == 0, res.stderr
    view = json.loads(res.stdout[res.stdout.index("{"):])
    assert [r["result"] for r in view["results"]] == ["ok", "fail", "skipped"]
    assert view["findings"][0]["note"] == "Gi0/12 down"
    assert "answer ok, fail or skip" in res.stderr  # "maybe" was asked again


def test_run_interactive_declined_writes_nothing(staffed, monkeypatch):
    from deskctl.cli import options

    add_core(staffed)
    monkeypatch.setattr(options, "interactive", lambda: True)
    before = snapshot(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", input="ok\nok\nok\nn\n")
    assert res.exit_code == 0
    assert "nothing recorded" in res.stderr
    assert snapshot(staffed) == before


def test_run_interactive_refuses_before_asking(staffed, monkeypatch):
    from deskctl.cli import options

    add_core(staffed)
    run(staffed, ok=["all"])
    monkeypatch.setattr(options, "interactive", lambda: True)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", input="ok\nok\nok\ny\n")
    assert res.exit_code == 4
    assert "[1/3]" not in res.stdout + res.stderr  # nothing was asked


def test_history_options(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-21T09:20:00+08:00")
    run(staffed, ok=["all"])
    staffed.set_now("2026-11-23T11:00:00+08:00")
    rows = staffed.json("inspect", "history", "--plan", "core-network", "--since", "7d ago")
    assert [(r["occurrence_at"][:10], r["state"]) for r in rows] == [
        ("2026-11-22", "missed"), ("2026-11-21", "on_time"), ("2026-11-20", "missed")]
    missed = staffed.json("inspect", "history", "--state", "missed", "--limit", "1")
    assert [r["occurrence_at"] for r in missed] == ["2026-11-22T09:00:00+08:00"]
    assert staffed.run("inspect", "history", "--state", "lost").exit_code == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_history_and_show_in_every_format(staffed, fmt):
    add_core(staffed)
    run(staffed, ok=["all"])
    assert "core-network" in staffed.ok("inspect", "history", "--format", fmt).stdout
    assert "CPU" in staffed.ok("inspect", "show", "1", "--format", fmt).stdout


def test_show_unknown_run_exits_3(staffed):
    res = staffed.run("inspect", "show", "99")
    assert res.exit_code == 3 and res.stderr.startswith("deskctl: error: ")
