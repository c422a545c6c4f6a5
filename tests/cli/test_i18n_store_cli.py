"""The messages of storage, configuration, backups and the audit check in Chinese (docs/i18n.md):
under `--lang zh-CN` or a Chinese locale they read in zh-CN with the same exit codes, and the
English ones (and the JSON, which keeps its English problem lines) are as they were."""

from __future__ import annotations

import sqlite3

from tests.services.ticket_steps import walk_to

ZH = {"LANG": "zh_CN.UTF-8"}


def test_a_config_file_validation_error_in_chinese_keeps_exit_6(staffed):
    text = staffed.config.read_text(encoding="utf-8")
    staffed.config.write_text(text.replace('require = "none"', 'require = "x"'), encoding="utf-8")
    res = staffed.run("--lang", "zh-CN", "status")
    assert res.exit_code == 6
    assert res.stderr == (f"deskctl: error: 配置文件 {staffed.config}：auth.require："
                          "'x' 不是登录策略（请用 none、supervisor 或 all）\n")
    res = staffed.run("status")
    assert res.exit_code == 6
    assert res.stderr == (f"deskctl: error: config file {staffed.config}: auth.require: "
                          "'x' is not an auth policy (use none, supervisor or all)\n")


def test_a_broken_config_file_in_chinese(staffed):
    staffed.config.write_text("sla = 3\n", encoding="utf-8")
    res = staffed.run("status", env=ZH)
    assert res.exit_code == 6
    assert res.stderr == f"deskctl: error: 配置文件 {staffed.config}：sla 必须是含 sla.at_risk 等键的表，而不是 3\n"


def test_config_set_refusals_in_chinese_keep_exit_2(staffed):
    res = staffed.run("--as", "lead", "config", "set", "sla.P1.response", "5x", env=ZH)
    assert res.exit_code == 2
    assert res.stderr == "deskctl: error: 配置 sla.P1.response：时长 '5x' 无效（请用 15m、2h、1d、1h30m 这样的形式）\n"
    res = staffed.run("--as", "lead", "config", "set", "sla.P1.respons", "1h", env=ZH)
    assert res.exit_code == 2
    assert res.stderr == ("deskctl: error: 未知配置项 'sla.P1.respons'；"
                          "是否要用 sla.P1.response, sla.P4.response, sla.P3.response？\n")
    res = staffed.run("--as", "lead", "config", "set", "sla.P1.response", "5x")
    assert res.exit_code == 2
    assert res.stderr == ("deskctl: error: config sla.P1.response: invalid duration '5x' "
                          "(use forms like 15m, 2h, 1d, 1h30m)\n")


def test_a_file_that_is_not_a_desk_in_chinese_keeps_exit_6(staffed):
    foreign = staffed.root / "notes.db"
    foreign.write_text("these are notes, not a database\n", encoding="utf-8")
    res = staffed.run("--db", str(foreign), "ticket", "list", env=ZH)
    assert res.exit_code == 6
    assert res.stderr == f"deskctl: error: {foreign} 不是可用的 deskctl 数据库（file is not a database）\n"
    res = staffed.run("--db", str(foreign), "ticket", "list")
    assert res.exit_code == 6
    assert res.stderr == f"deskctl: error: {foreign} is not a usable deskctl database (file is not a database)\n"
    missing = staffed.root / "none" / "desk.db"
    res = staffed.run("--lang", "zh-CN", "--db", str(missing), "status")
    assert res.exit_code == 6
    assert res.stderr == f"deskctl: error: {missing} 没有数据库；请先运行 `deskctl init`\n"


def test_audit_verify_lines_in_chinese_json_stays_english(staffed):
    walk_to(staffed, "resolved")
    res = staffed.run("--as", "lead", "audit", "verify", env=ZH)
    assert res.exit_code == 0
    for word in ("审计记录", "已检查事件", "链头", "已重放行数"):
        assert word in res.stdout, res.stdout
    assert "events_checked" not in res.stdout
    staffed.close()
    with sqlite3.connect(staffed.db) as con:
        con.execute("UPDATE ticket SET status = 'closed' WHERE id = 1")
    res = staffed.run("--as", "lead", "audit", "verify", env=ZH)
    assert res.exit_code == 1
    assert "工单 1：status 在行中为 已关闭，按其事件为 已解决（事件" in res.stdout, res.stdout
    english = staffed.run("--as", "lead", "audit", "verify")
    assert english.exit_code == 1
    assert "ticket 1: status is closed in the row, resolved by its events" in english.stdout
    chinese_json = staffed.run("--as", "lead", "audit", "verify", "--json", env=ZH)
    assert chinese_json.exit_code == 1
    assert chinese_json.stdout == staffed.run("--as", "lead", "audit", "verify", "--json").stdout
    assert chinese_json.json()["problem"].startswith("ticket 1: status is closed in the row")


def test_a_broken_chain_is_named_in_chinese(staffed):
    walk_to(staffed, "assigned")
    staffed.close()
    with sqlite3.connect(staffed.db) as con:
        con.execute("UPDATE event SET details = '{}' WHERE id = 2")
    res = staffed.run("--as", "lead", "db", "check", env=ZH)
    assert res.exit_code == 1
    assert "链在事件" not in res.stdout  # db check names the chain's own reason
    assert "内容与哈希不符（被绕过 deskctl 修改）" in res.stdout, res.stdout
    res = staffed.run("--as", "lead", "audit", "verify", env=ZH)
    assert res.exit_code == 1
    assert "链在事件 2 处断开：内容与哈希不符（被绕过 deskctl 修改）" in res.stdout, res.stdout


def test_db_backup_lines_in_chinese(staffed):
    backup = staffed.root / "backup.db"
    res = staffed.run("--as", "lead", "db", "backup", str(backup), env=ZH)
    assert (res.exit_code, res.stdout, res.stderr) == (0, "", f"已备份到 {backup}\n")
    res = staffed.run("--as", "lead", "db", "backup", str(backup), env=ZH)
    assert res.exit_code == 4
    assert res.stderr == f"deskctl: error: {backup} 已存在；加 --force 可替换它\n"
    res = staffed.run("--as", "lead", "db", "backup", str(backup), "--force")
    assert (res.exit_code, res.stderr) == (0, f"backed up to {backup}\n")
    res = staffed.run("--as", "lead", "db", "restore", str(backup), env=ZH)
    assert res.exit_code == 2
    assert res.stderr == "deskctl: error: 恢复会替换数据库；请加 --yes 确认\n"
