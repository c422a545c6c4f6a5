"""`deskctl notify …` and the staff contact options: parsing, exit codes, one-line errors, formats."""

from __future__ import annotations

import pytest

from deskctl.services.notify import channels
from deskctl.services.tickets import lifecycle
from tests.notify_servers import free_port
from tests.services.notify_steps import serve_vendor


@pytest.fixture
def vendor():
    yield from serve_vendor()


def _one_line_error(res, code: int, snippet: str) -> None:
    assert res.exit_code == code, res.stderr
    assert res.stderr.startswith("deskctl: error: ") and res.stderr.count("\n") == 1
    assert snippet in res.stderr


def test_notify_channel_add_list_never_prints_a_literal_secret(staffed):
    view = staffed.json("--as", "lead", "notify", "channel", "add", "hook", "--kind", "webhook",
                        "--target", "https://example.org/hook", "--secret", "do-not-print")
    assert view["secret"] == "(set)"
    for fmt in ("table", "json", "csv"):
        res = staffed.ok("notify", "channel", "list", "--format", fmt)
        assert "do-not-print" not in res.stdout and "(set)" in res.stdout


def test_notify_channel_add_refusals_exit_codes(staffed):
    _one_line_error(staffed.run("--as", "lead", "notify", "channel", "add", "x", "--kind", "pager",
                                "--target", "http://x"), 2, "unknown --kind 'pager'")
    _one_line_error(staffed.run("--as", "lead", "notify", "channel", "add", "x", "--kind", "webhook",
                                "--target", "not a url"), 2, "is not an http(s) URL")
    _one_line_error(staffed.run("--as", "zhang", "notify", "channel", "add", "x", "--kind", "webhook",
                                "--target", "http://x.org"), 5, "only a supervisor")
    _one_line_error(staffed.run("--as", "lead", "notify", "rule", "add", "--event", "ticket.assigned",
                                "--to", "lead", "--via", "nope"), 3, "no notification channel 'nope'")


def test_notify_list_empty_and_option_conflict(staffed):
    assert staffed.json("notify", "list") == []
    _one_line_error(staffed.run("notify", "list", "--pending", "--failed"), 2, "at most one of")
    _one_line_error(staffed.run("notify", "show", "7"), 3, "no notification 7")


def test_notify_run_quiet_when_nothing_to_do(staffed):
    res = staffed.ok("notify", "run")
    assert (res.stdout, res.stderr) == ("", "")


def test_notify_failed_shows_in_list_status_show_and_retry(staffed):
    staffed.configure("notify.max_tries", 1)
    staffed.write(channels.add_channel, name="hook", kind="webhook", target=f"http://127.0.0.1:{free_port()}/x")
    staffed.write(lifecycle.open_ticket, actor="zhang", title="core down", reporter="NOC", priority="P1")
    res = staffed.ok("notify", "run")
    assert "0 sent, 0 to retry, 1 failed" in res.stderr and "cannot reach 127.0.0.1" in res.stderr
    [row] = staffed.json("notify", "list", "--failed")
    assert (row["event"], row["status"], row["to"]) == ("ticket.opened", "failed", ["lead"])
    assert staffed.json("status")["notifications_failed"] == 1
    shown = staffed.json("notify", "show", str(row["id"]))
    assert shown["payload"]["id"] == row["uid"] and shown["payload"]["ticket"]["title"] == "core down"
    csv = staffed.ok("notify", "list", "--format", "csv").stdout
    assert csv.splitlines()[0].startswith("id,uid,event,channel,to,priority,status,tries")
    staffed.ok("--as", "zhang", "notify", "retry", str(row["id"]))
    assert staffed.json("notify", "list", "--pending")[0]["uid"] == row["uid"]
    _one_line_error(staffed.run("--as", "zhang", "notify", "retry", str(row["id"])), 4, "only a failed one")


def test_notify_run_json_summary_and_test_command(staffed, vendor):
    staffed.write(channels.add_channel, name="hook", kind="webhook", target=f"{vendor.base}/hook",
                  secret="s3cret-签名")
    staffed.write(lifecycle.open_ticket, actor="zhang", title="core down", reporter="NOC", priority="P2")
    assert staffed.json("notify", "run")["sent"] == 1
    res = staffed.ok("--as", "zhang", "notify", "test", "hook")
    assert "sent a test message through hook" in res.stderr
    vendor.mode = "500"
    _one_line_error(staffed.run("--as", "zhang", "notify", "test", "hook"), 6, "channel hook:")


def test_staff_contact_options(staffed):
    view = staffed.json("--as", "lead", "staff", "edit", "li", "--email", "li@example.org", "--mobile",
                        "+86 138 0000 0002", "--feishu-id", "ou_li", "--quiet-hours", "22:00-7:00")
    assert (view["email"], view["feishu_id"], view["quiet_hours"]) == ("li@example.org", "ou_li", "22:00-07:00")
    _one_line_error(staffed.run("--as", "lead", "staff", "edit", "li", "--email", "li.example.org"), 2,
                    "is not an e-mail address")
    _one_line_error(staffed.run("--as", "lead", "staff", "add", "kim", "--name", "Kim", "--role", "officer",
                                "--quiet-hours", "late"), 2, "is not a quiet-hours range")
