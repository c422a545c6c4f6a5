"""The desk's daily commands in Chinese (docs/i18n.md): the notes written to stderr after a change,
card titles with a value, the y/n confirmations (which take 是/否 as well as y/n), refusals of
tickets, shifts, inspections and reports, and `--format md` report documents. English stays as it
was, and so do exit codes and JSON."""

from __future__ import annotations

import json

import pytest

from tests.services.inspection_steps import add_core, snapshot

ZH = {"LANG": "zh_CN.UTF-8"}
EN = {"LANG": "C.UTF-8"}
ZHANG = {"DESKCTL_USER": "zhang"}


@pytest.fixture
def terminal(monkeypatch):
    from deskctl.cli import options

    monkeypatch.setattr(options, "interactive", lambda: True)


# --- y/n confirmations ---------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "recorded"), [("是", True), ("否", False), ("y", True), ("n", False)])
def test_a_chinese_confirmation_takes_shi_fou_and_y_n(staffed, terminal, answer, recorded):
    add_core(staffed)
    before = snapshot(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--json", env=ZH,
                      input=f"通过\n通过\n通过\n也许\n{answer}\n")
    assert res.exit_code == 0, res.stderr
    assert "登记本次巡检？ [是/否，默认 是]:" in res.stdout
    assert "请回答 是 或 否（也可输入 y 或 n）" in res.stdout  # "也许" was asked again
    if recorded:
        view = json.loads(res.stdout[res.stdout.index("{"):])
        assert [r["result"] for r in view["results"]] == ["ok", "ok", "ok"]
    else:
        assert "未登记任何内容" in res.stderr
        assert snapshot(staffed) == before


def test_an_english_confirmation_reads_as_before_and_takes_shi_too(staffed, terminal):
    add_core(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--json", env=EN,
                      input="ok\nok\nok\nmaybe\n是\n")
    assert res.exit_code == 0, res.stderr
    assert "Record this run? [Y/n]:" in res.stdout
    assert "answer y or n" in res.stdout
    assert json.loads(res.stdout[res.stdout.index("{"):])["results"][0]["result"] == "ok"


def test_ticket_open_walk_in_chinese_accepts_level_names_and_fou(staffed, terminal):
    res = staffed.run("ticket", "open", "--json", env={**ZH, **ZHANG},
                      input="VPN 无法连接\n财务部\n8123\nvpn\n高\n\n是\n")
    assert res.exit_code == 0, res.stderr
    view = json.loads(res.stdout[res.stdout.index("{"):])
    assert (view["impact"], view["urgency"], view["priority"]) == ("high", "medium", "P2")
    assert "工单：标题 VPN 无法连接，报障人 财务部，联系方式 8123，系统 vpn，影响 高，紧急程度 中" in res.stderr
    res = staffed.run("ticket", "open", env={**ZH, **ZHANG}, input="打印机\n人事部\n\n\n低\n低\n否\n")
    assert res.exit_code == 1
    assert res.stderr.rstrip().endswith("未登记")
    assert staffed.json("ticket", "list", "--status", "all")[-1]["title"] == "VPN 无法连接"


def test_a_missing_reason_off_a_terminal_is_refused_in_chinese(staffed):
    staffed.ok("ticket", "open", "打印机卡纸", "-r", "HR", env=ZHANG)
    res = staffed.run("ticket", "wait", "1", env={**ZH, **ZHANG})
    assert (res.exit_code, res.stderr) == (2, "deskctl: error: 缺少 --reason：请作为选项给出（没有终端可询问）\n")
    res = staffed.run("ticket", "wait", "1", env={**EN, **ZHANG})
    assert (res.exit_code, res.stderr) == (
        2, "deskctl: error: missing --reason: pass it as an option (no terminal to ask on)\n")


# --- notes after a change, card titles -----------------------------------------------------


def test_notes_after_a_change_in_chinese_and_unchanged_in_english(staffed):
    staffed.ok("ticket", "template", "add", "vpn", "--title", "VPN 无法连接", env=ZHANG)
    res = staffed.run("ticket", "template", "remove", "vpn", env={**ZH, **ZHANG})
    assert (res.exit_code, res.stderr) == (0, "已删除模板 vpn\n")
    staffed.ok("ticket", "template", "add", "vpn", "--title", "VPN 无法连接", env=ZHANG)
    res = staffed.run("ticket", "template", "remove", "vpn", env={**EN, **ZHANG})
    assert (res.exit_code, res.stderr) == (0, "template vpn removed\n")

    add_core(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--ok", "1,3", "--fail", "2:端口断开", env=ZH)
    assert res.exit_code == 0, res.stderr
    assert "第 2 项异常：工单 1 已新建" in res.stderr
    assert "巡检记录 1" in res.stdout  # the card's title


def test_inspection_run_note_in_english_is_as_before(staffed):
    add_core(staffed)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--ok", "1,3", "--fail", "2:port down", env=EN)
    assert res.exit_code == 0, res.stderr
    assert "item 2 failed: ticket 1 opened" in res.stderr
    assert "inspection run 1" in res.stdout


# --- refusals: Chinese, same exit codes ----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "zh", "en"),
    [
        (["report", "tickets", "--by", "colour"], 2, "未知的 --by 'colour'（可用 system",
         "unknown --by 'colour' (use one of system"),
        (["report", "daily", "--date", "today", "--period", "week"], 2, "--period 或 --date 只能给一个",
         "give either --period or --date, not both"),
        (["inspect", "plan", "show", "nope"], 3, "没有名为 'nope' 的巡检计划", "no inspection plan named 'nope'"),
        (["shift", "swap", "abc", "--with", "li"], 2, "'abc'：请给出班次 ID", "'abc': give a shift ID"),
        (["ticket", "list", "--status", "openish"], 2, "未知状态 'openish'", "unknown status 'openish'"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_refusals_in_chinese_keep_their_exit_codes(staffed, args, code, zh, en):
    chinese = staffed.run(*args, env={**ZH, **ZHANG})
    english = staffed.run(*args, env={**EN, **ZHANG})
    assert (chinese.exit_code, english.exit_code) == (code, code)
    assert chinese.stderr.startswith("deskctl: error: ") and zh in chinese.stderr, chinese.stderr
    assert english.stderr.startswith("deskctl: error: ") and en in english.stderr, english.stderr


# --- report documents ----------------------------------------------------------------------


def test_report_daily_markdown_has_chinese_headings_and_english_values(staffed):
    staffed.ok("ticket", "open", "打印机卡纸", "-r", "HR", "-p", "P2", env=ZHANG)
    chinese = staffed.ok("report", "daily", "--format", "md", env=ZH).stdout
    english = staffed.ok("report", "daily", "--format", "md", env=EN).stdout
    assert chinese.startswith("# 报表 日报 — ")
    assert "\n生成于 " in chinese or "），生成于 " in chinese
    for heading in ("## 工单", "## 积压（按优先级）", "## 超出时限", "## 巡检", "## 交接班"):
        assert f"\n{heading}\n" in chinese, heading
    assert "| 新建 | 1 |" in chinese.replace("新建工单", "")  # the label translated, the value as is
    assert english.startswith("# daily report — ")
    for heading in ("## tickets", "## backlog by priority", "## SLA breaches", "## handovers"):
        assert f"\n{heading}\n" in english, heading
    assert "| opened | 1 |" in english
    assert (staffed.ok("report", "daily", "--json", env=ZH).stdout.encode()
            == staffed.ok("report", "daily", "--json", env=EN).stdout.encode())
