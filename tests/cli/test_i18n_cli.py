"""The interface in Chinese (docs/i18n.md): help, errors, refusals, status and reports read in
zh-CN under a Chinese locale (no zh_CN locale need be installed), a config `language = "en"`
wins over it, and what scripts read (JSON, CSV, exit codes) is the same in both languages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.services.ticket_steps import open_ticket, walk_to

ZH = {"LANG": "zh_CN.UTF-8"}


def _importtime_heavy(stderr: str) -> list[str]:
    names = {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    return sorted(n for n in names if n.split(".")[0] in ("sqlalchemy", "sqlmodel", "alembic"))


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--help"], ["用法", "选项", "命令", "工单：报障", "显示本帮助并退出"]),
     (["ticket", "--help"], ["用法", "登记报障", "查看某个命令的选项"]),
     (["ticket", "open", "--help"], ["参数", "报障人（用户、部门）", "[默认: table]"])],
    ids=lambda a: " ".join(a) if isinstance(a, list) and a and a[0].startswith(("-", "t")) else "",
)
def test_help_in_chinese_in_a_real_process_imports_no_storage_stack(tmp_path, args, words):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "zh_CN.UTF-8",
           "DESKCTL_CONFIG": str(tmp_path / "config.toml"), "DESKCTL_DB": str(tmp_path / "no" / "desk.db"),
           "COLUMNS": "80"}
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "deskctl", *args], env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr[-2000:]
    for word in words:
        assert word in res.stdout
    assert _importtime_heavy(res.stderr) == []
    english = subprocess.run([sys.executable, "-m", "deskctl", *args], env={**env, "LANG": "C.UTF-8"},
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert "Usage:" in english.stdout and "用法" not in english.stdout


def test_help_lines_fit_80_columns_in_chinese(staffed):
    from rich.cells import cell_len

    for args in (["--help"], ["ticket", "--help"], ["ticket", "list", "--help"], ["report", "daily", "--help"]):
        out = staffed.ok(*args, env={**ZH, "COLUMNS": "80"}).stdout
        assert max(cell_len(line) for line in out.splitlines()) <= 80, out


def test_usage_errors_in_chinese_keep_their_exit_code(staffed):
    res = staffed.run("ticket", "opn", env=ZH)
    assert res.exit_code == 2
    assert res.stderr == "deskctl: error: 没有命令 'opn'。 是否要用 'open', 'reopen'？（见 `deskctl ticket --help`）\n"
    res = staffed.run("ticket", "assign", "1", env=ZH)
    assert res.exit_code == 2 and "缺少参数 'HANDLE'。" in res.stderr


def test_not_found_and_refused_transition_in_chinese(staffed):
    res = staffed.run("ticket", "show", "404", env=ZH)
    assert (res.exit_code, res.stderr) == (3, "deskctl: error: 没有工单 404（见 `deskctl ticket list --status all`）\n")
    walk_to(staffed, "closed")
    res = staffed.run("--as", "li", "ticket", "resolve", "1", "--resolution", "again", env=ZH)
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: 无法解决工单 1：它当前已关闭；如果故障再次出现，请新建工单")


def test_permission_refusal_in_chinese(staffed):
    res = staffed.run("--as", "zhang", "staff", "deactivate", "wang", env=ZH)
    assert res.exit_code == 5
    assert "只有主管可以执行此操作；'zhang' 的角色是值班人员" in res.stderr


def test_status_in_chinese(staffed):
    open_ticket(staffed)
    out = staffed.ok("--as", "lead", "status", env=ZH).stdout
    for word in ("当前无人值班", "状态", "值班", "未结", "已超时", "巡检"):
        assert word in out, out
    assert "on duty" not in out and "breached" not in out


def test_ticket_table_headers_and_states_in_chinese_csv_stays_english(staffed):
    open_ticket(staffed)
    out = staffed.ok("ticket", "list", env=ZH).stdout
    assert "标题" in out and "新建" in out and "title" not in out
    csv = staffed.ok("ticket", "list", "--format", "csv", env=ZH).stdout
    assert csv == staffed.ok("ticket", "list", "--format", "csv").stdout
    assert csv.startswith("id,") and "new" in csv


def test_report_daily_in_chinese(staffed):
    out = staffed.ok("--as", "lead", "report", "daily", env=ZH).stdout
    for word in ("报表 日报", "期间", "审计锚点", "每日新建工单", "积压"):
        assert word in out, out


def test_config_language_en_wins_over_a_chinese_locale(staffed):
    staffed.config.write_text(staffed.config.read_text(encoding="utf-8").replace(
        'timezone = "Asia/Shanghai"\n', 'timezone = "Asia/Shanghai"\nlanguage = "en"\n', 1), encoding="utf-8")
    assert staffed.ok("config", "get", "language").stdout.strip() == "en"
    res = staffed.run("ticket", "show", "404", env=ZH)
    assert res.stderr == "deskctl: error: no ticket 404 (see `deskctl ticket list --status all`)\n"
    assert "Usage:" in staffed.ok("ticket", "--help", env=ZH).stdout
    # --lang for one run wins over both
    assert "用法" in staffed.ok("--lang", "zh-CN", "ticket", "--help").stdout


def test_config_set_language_is_kept_in_the_persons_file(staffed):
    staffed.ok("config", "set", "language", "zh_CN")
    assert 'language = "zh-CN"' in staffed.config.read_text(encoding="utf-8")
    assert "用法" in staffed.ok("ticket", "--help").stdout
    res = staffed.run("config", "set", "language", "fr")
    assert res.exit_code == 2


def test_lang_option_rejects_an_unknown_language(staffed):
    res = staffed.run("--lang", "fr", "status")
    assert res.exit_code == 2 and "'fr' is not a language: zh-CN or en" in res.stderr


@pytest.mark.parametrize(
    "args",
    [["--as", "lead", "status", "--json"], ["ticket", "list", "--json", "--status", "all"],
     ["--as", "lead", "report", "daily", "--json"], ["ticket", "show", "1", "--json"]],
    ids=lambda a: " ".join(a),
)
def test_json_is_byte_identical_in_both_languages(staffed, args):
    walk_to(staffed, "in_progress")
    open_ticket(staffed, "打印机卡纸")
    english = staffed.ok(*args).stdout
    chinese = staffed.ok(*args, env=ZH).stdout
    assert chinese.encode() == english.encode()
    assert '"in_progress"' in english or '"in_progress"' in english.replace(": ", ":") or "status" not in english


def test_inspection_walk_accepts_the_officers_words_and_asks_in_chinese(staffed, monkeypatch):
    import json

    from deskctl.cli import options
    from tests.services.inspection_steps import add_core

    add_core(staffed)
    monkeypatch.setattr(options, "interactive", lambda: True)
    res = staffed.run("--as", "zhang", "inspect", "run", "core-network", "--json", env=ZH,
                      input="通过\n也许\n失败：Gi0/12 端口断开\n跳过\ny\n")
    assert res.exit_code == 0, res.stderr
    view = json.loads(res.stdout[res.stdout.index("{"):])
    assert [r["result"] for r in view["results"]] == ["ok", "fail", "skipped"]
    assert view["findings"][0]["note"] == "Gi0/12 端口断开"
    assert "请回答 正常、异常 或 跳过" in res.stderr  # "也许" was asked again, in Chinese


def test_ticket_change_lines_in_chinese(staffed):
    res = staffed.run("--as", "zhang", "ticket", "open", "打印机卡纸", "--reporter", "HR", "-p", "P4", env=ZH)
    assert (res.exit_code, res.stdout) == (0, "工单 1 已新建：P4 新建，第 1 线\n")
    res = staffed.run("--as", "zhang", "ticket", "assign", "1", "li", env=ZH)
    assert (res.exit_code, res.stdout) == (0, "工单 1 已派单：P4 已派单，第 2 线，li\n")


def _ambiguous(line: str) -> list[str]:
    import unicodedata

    return [c for c in line if unicodedata.east_asian_width(c) == "A"]


def test_chinese_terminal_screens_fit_80_columns_without_ambiguous_width_punctuation(staffed):
    """A CJK terminal may draw ambiguous-width characters (`·`, `→`, `…`, `─`) two cells wide and
    push a line past the screen: the Chinese status screen and tables use none of their own."""
    from rich.cells import cell_len

    for n in range(3):
        open_ticket(staffed, title=f"核心交换机端口频繁闪断，影响财务系统与人事系统的访问 {n}")
    walk_to(staffed, "assigned", 1)
    screen = {**ZH, "TTY_COMPATIBLE": "1", "COLUMNS": "80", "LINES": "24"}
    for args in (["status"], ["ticket", "list"], ["ticket", "show", "1"]):
        out = staffed.ok("--as", "lead", *args, env=screen).stdout
        for line in out.splitlines():
            assert cell_len(line) <= 80, (args, line)
            assert _ambiguous(line) == [], (args, line)
    listed = staffed.ok("--as", "lead", "ticket", "list", env=screen).stdout
    assert "..." in listed and "…" not in listed  # titles cut with narrow dots
    english = staffed.ok("--as", "lead", "ticket", "list", env={**screen, "LANG": "C"}).stdout
    assert "…" in english and "─" in english  # English keeps Rich's ellipsis and rule


def test_value_details_of_the_option_parser_in_chinese(staffed):
    """Click/Typer write the reason after "Invalid value for X:" in English f-strings: translated
    by shape, with the exit code unchanged."""
    open_ticket(staffed)
    for args, detail in ((["ticket", "confirm", "1", "--rating", "9"], "不能大于 5"),
                         (["ticket", "confirm", "1", "--rating", "0"], "不能小于 1"),
                         (["ticket", "list", "--limit", "-5"], "'-5' 小于 1"),
                         (["ticket", "show", "abc"], "'abc' 不是整数")):
        res = staffed.run("--as", "zhang", *args, env=ZH)
        assert res.exit_code == 2 and detail in res.stderr, res.stderr
        english = staffed.run("--as", "zhang", *args)
        assert english.exit_code == 2 and "Invalid value for" in english.stderr
