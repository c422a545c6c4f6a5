"""Chinese for identity, notifications and the handover (docs/i18n.md, docs/notify.md): their
errors and messages follow the reader's language with the exit codes unchanged, and notification
texts follow the desk's `notify.language`, not the language of the process that writes them."""

from __future__ import annotations

import pytest

from deskctl import i18n
from tests.notify_servers import free_port
from tests.services.notify_steps import add_channel, bodies, notes, serve_vendor
from tests.services.shift_steps import before_handover

ZH = {"LANG": "zh_CN.UTF-8"}
EN = {"LANG": "C.UTF-8"}
PASS = "lead's long passphrase"


@pytest.fixture
def vendor():
    yield from serve_vendor()


def _error(res, code: int) -> str:
    assert res.exit_code == code, res.stderr
    assert res.stderr.startswith("deskctl: error: ") and res.stderr.count("\n") == 1, res.stderr
    return res.stderr[len("deskctl: error: "):-1]


# --- identity -------------------------------------------------------------------------------------


def test_wrong_passphrase_in_chinese_keeps_exit_5(staffed):
    staffed.ok("staff", "passphrase", "lead", "--passphrase-stdin", input=PASS + "\n")
    english = _error(staffed.run("login", "lead", "--passphrase-stdin", input="guess\n", env=EN), 5)
    assert english == "wrong passphrase for lead (4 tries left before a lockout)"
    chinese = _error(staffed.run("login", "lead", "--passphrase-stdin", input="guess\n", env=ZH), 5)
    assert chinese == "lead 的口令错误（再错 3 次将被锁定）"
    ok = staffed.ok("login", "lead", "--passphrase-stdin", input=PASS + "\n", env=ZH)
    assert ok.stderr.startswith("已在 ") and "以 lead 登录，有效至 " in ok.stderr
    assert staffed.ok("logout", env=ZH).stderr == "lead 已退出登录\n"
    assert staffed.ok("logout", env=ZH).stderr == "本终端未登录\n"


def test_login_required_in_chinese_keeps_exit_5(staffed):
    # a deactivated member cannot log in: the handle quoted, in Chinese
    staffed.ok("--as", "lead", "staff", "deactivate", "wang")
    assert _error(staffed.run("login", "wang", "--passphrase-stdin", input="x\n", env=ZH), 5) == (
        "'wang' 已停用，不能登录")
    staffed.configure("auth.require", "supervisor")
    args = ("--as", "lead", "staff", "deactivate", "li")
    assert _error(staffed.run(*args, env=EN), 5) == (
        "lead must log in first (auth.require = supervisor): `deskctl login lead`")
    assert _error(staffed.run(*args, env=ZH), 5) == (
        "lead 须先登录（auth.require = supervisor）：`deskctl login lead`")


def test_staff_cards_and_passphrase_messages_in_chinese(staffed):
    res = staffed.ok("--as", "lead", "staff", "add", "chen", "--name", "陈", "--role", "officer", env=ZH)
    assert "已添加 chen" in res.stdout
    res = staffed.ok("staff", "passphrase", "lead", "--passphrase-stdin", input=PASS + "\n", env=ZH)
    assert res.stderr == "已为 lead 设置口令\n"
    taken = _error(staffed.run("--as", "lead", "staff", "add", "chen", "--name", "C", "--role", "officer", env=ZH),
                   4)
    assert taken == "账号 'chen' 已被占用；请另选一个，或 `deskctl staff edit chen`"


# --- notification channels --------------------------------------------------------------------------


def test_channel_errors_in_chinese_keep_their_exit_codes(staffed):
    add = ("--as", "lead", "notify", "channel", "add", "x", "--kind", "webhook", "--target")
    assert _error(staffed.run(*add, "not a url", env=EN), 2) == "--target 'not a url' is not an http(s) URL"
    assert _error(staffed.run(*add, "not a url", env=ZH), 2) == "--target 'not a url' 不是 http(s) URL"
    missing = _error(staffed.run("--as", "lead", "notify", "rule", "add", "--event", "ticket.assigned",
                                 "--to", "lead", "--via", "nope", env=ZH), 3)
    assert missing == "没有通知渠道 'nope'（见 `deskctl notify channel list`）"
    # a delivery that fails: the channel's error in the reader's language, exit 6
    port = free_port()
    staffed.ok("--as", "lead", "notify", "channel", "add", "hook", "--kind", "webhook",
               "--target", f"http://127.0.0.1:{port}/x")
    failed = _error(staffed.run("--as", "lead", "notify", "test", "hook", env=ZH), 6)
    assert failed.startswith(f"渠道 hook：无法连接 127.0.0.1:{port}：")
    english = _error(staffed.run("--as", "lead", "notify", "test", "hook", env=EN), 6)
    assert english.startswith(f"channel hook: cannot reach 127.0.0.1:{port}: ")


# --- notification texts: the desk's notify.language ------------------------------------------------


def _open_p1(desk, title: str, env: dict) -> None:
    desk.ok("--as", "zhang", "ticket", "open", title, "--reporter", "NOC", "--priority", "P1", env=env)


def test_notification_texts_follow_the_desk_setting_not_the_writing_process(staffed, vendor):
    assert staffed.ok("config", "get", "notify.language").stdout.strip() == "en"
    add_channel(staffed, target=f"{vendor.base}/hook")
    _open_p1(staffed, "core switch down", ZH)  # a Chinese-speaking officer, an English desk
    staffed.ok("--as", "lead", "config", "set", "notify.language", "zh-CN", env=EN)
    assert staffed.ok("config", "get", "notify.language").stdout.strip() == "zh-CN"
    _open_p1(staffed, "核心交换机宕机", EN)  # an English-speaking process, a Chinese desk
    first, second = (n["text"] for n in notes(staffed))
    assert first == ("P1 ticket 1 opened at 2026-11-23 09:00: core switch down, reported by NOC. "
                     "Dispatch it: deskctl ticket assign 1 HANDLE")
    assert second == ("P1 工单 2 于 2026-11-23 09:00 登记报障：核心交换机宕机，报障人 NOC。"
                      "派单：deskctl ticket assign 2 HANDLE")
    staffed.ok("notify", "run", env=EN)
    got = [b["text"] for b in bodies(vendor)]  # what the receiver was sent
    assert sorted(got) == sorted([first, second])  # delivered side by side: in either order
    # the process's own language is back after composing: the English command still reads English
    assert i18n.language() == "en"
    assert _error(staffed.run("ticket", "show", "404", env=EN), 3).startswith("no ticket 404")


def test_notify_language_is_validated_like_the_persons_language(staffed):
    res = staffed.run("--as", "lead", "config", "set", "notify.language", "fr")
    assert res.exit_code == 2 and "'fr' is not a language: zh-CN or en" in res.stderr
    staffed.ok("--as", "lead", "config", "set", "notify.language", "zh_CN")
    assert staffed.ok("config", "get", "notify.language").stdout.strip() == "zh-CN"


def test_time_based_texts_and_digests_in_the_desk_language(staffed, vendor):
    staffed.ok("--as", "lead", "config", "set", "notify.language", "zh-CN")
    staffed.ok("--as", "lead", "config", "set", "notify.robot_rate", "2")
    add_channel(staffed, name="robot", kind="wecom", target=f"{vendor.base}/wecom?key=wecom-key-1", secret="")
    staffed.ok("--as", "zhang", "ticket", "open", "printer", "--reporter", "NOC", "--priority", "P3", env=EN)
    staffed.ok("--as", "zhang", "ticket", "assign", "1", "li", env=EN)
    _open_p1(staffed, "core switch down", EN)
    _open_p1(staffed, "vpn down", EN)
    staffed.ok("--as", "zhang", "ticket", "assign", "2", "li", env=EN)
    staffed.set_now("2026-11-23T09:13:00+08:00")  # P1 response (15m) at 75 %: time-based, fired by the run
    staffed.ok("notify", "run", env=EN)
    texts = [n["text"] for n in notes(staffed)]
    assert texts[0] == "工单 1（P3）于 2026-11-23 09:00 派给 li：printer。接单确认：deskctl ticket ack 1"
    assert ("工单 2（P1）已用去响应时限的 75%，2026-11-23 09:15 到期：core switch down。"
            "接单确认：deskctl ticket ack 2") in texts
    contents = [b["text"]["content"] for b in bodies(vendor)]  # what the robot was sent
    # more than the robot's rate: the first alone, the rest in one digest with a Chinese heading
    assert len(contents) == 2 and contents[0] == texts[0]
    assert contents[1].startswith(f"deskctl 通知 {len(texts) - 1} 条：\n- "), contents


def test_speaking_binds_a_language_for_a_block_and_restores_it():
    i18n.set_language("en")
    with pytest.raises(RuntimeError):
        with i18n.speaking("zh-CN"):
            assert i18n.is_chinese() and i18n._("open tickets") == "未结工单"
            raise RuntimeError
    assert i18n.language() == "en" and i18n._("open tickets") == "open tickets"


# --- handover -------------------------------------------------------------------------------------


@pytest.fixture
def rota(staffed):
    return before_handover(staffed)


def test_handover_in_chinese_shows_translated_labels_and_keeps_the_data(rota):
    rota.ok("--as", "zhang", "ticket", "open", "core switch down", "--reporter", "NOC", "--priority", "P1")
    out = rota.ok("--as", "zhang", "shift", "handover", "--note", "风扇有噪音", env={**ZH, "COLUMNS": "100"}).stdout
    for word in ("交接班", "交班人", "应接班人", "交班时间", "下一班", "未结工单", "下一班内到期的时限", "响应", "解决",
                 "风扇有噪音", "core switch down"):
        assert word in out, out
    for english in ("open tickets", "next shift", "SLA deadlines", "taken_over_by", "resolution"):
        assert english not in out, out
    shown_en = rota.ok("shift", "handover", "--show", env=EN).stdout
    assert "open tickets" in shown_en and "next shift" in shown_en and "resolution" in shown_en
    # stored data, not text: the JSON is the same in both languages
    assert rota.ok("shift", "handover", "--show", "--json", env=ZH).stdout == rota.ok(
        "shift", "handover", "--show", "--json", env=EN).stdout
    twice = _error(rota.run("--as", "zhang", "shift", "handover", env=ZH), 4)
    assert twice == "你已于 19:50 交接班次 1；用 `deskctl shift handover --show` 查看"
    taken = rota.ok("--as", "wang", "shift", "takeover", env=ZH).stdout
    assert "接班人" in taken and "wang" in taken


def test_a_handover_not_taken_over_is_announced_in_the_desk_language(rota, vendor):
    rota.ok("--as", "lead", "config", "set", "notify.language", "zh-CN")
    add_channel(rota, target=f"{vendor.base}/hook")
    rota.ok("--as", "zhang", "shift", "handover", env=EN)
    rota.set_now("2026-11-23T21:00:00+08:00")  # past shift.handover_window (1h)
    rota.ok("notify", "run", env=EN)
    [text] = [n["text"] for n in notes(rota) if n["event"] == "handover.not_taken"]
    assert text == ("zhang 于 2026-11-23 19:50 的交接班 1，wang 尚未接班。接班：deskctl shift takeover")


def test_an_email_subject_is_the_first_sentence_in_either_language():
    from deskctl.services.notify.senders import Message

    def subject(text: str) -> str:
        return Message(uid="u", event="e", kind="email", target="", secret="", text=text, payload={}).subject

    assert subject("Ticket 1 (P1) assigned to li. Acknowledge: deskctl ticket ack 1") == (
        "[deskctl] Ticket 1 (P1) assigned to li")
    assert subject("工单 1（P1）于 09:05 派给 li：核心交换机宕机。接单确认：deskctl ticket ack 1") == (
        "[deskctl] 工单 1（P1）于 09:05 派给 li：核心交换机宕机")
