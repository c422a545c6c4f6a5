"""Prompting on a real pseudo-terminal (docs/design.md §7, §13): `ticket open` with nothing but
a terminal walks title, reporter, contact, system, impact and urgency with the choices and
defaults shown, then confirms; the same ticket as the options would give."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time


def _until(master: int, text: bytes, seen: bytearray, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in seen:
        assert time.monotonic() < deadline, f"waited for {text!r}; got {bytes(seen)[-400:]!r}"
        if select.select([master], [], [], 0.5)[0]:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break


def _answer_ticket_open(proc_staffed, answers, lang: str | None = None) -> tuple[dict, bytes]:
    """`ticket open --json` on a pseudo-terminal, each prompt answered in turn: (the printed
    ticket, everything the terminal showed)."""
    import json

    master, slave = pty.openpty()
    env = proc_staffed.environ({"DESKCTL_USER": "zhang", "NO_COLOR": "1", "TERM": "xterm",
                                **({"LANG": lang} if lang else {})})
    proc = subprocess.Popen([proc_staffed.exe, "ticket", "open", "--json"], env=env, stdin=slave,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = bytearray()
    try:
        for prompt, answer in answers:
            _until(master, prompt.encode(), seen)
            os.write(master, answer.encode() + b"\r")
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0, bytes(seen)[-600:]
    return json.loads(out), bytes(seen)


def test_ticket_open_walks_the_fields_on_a_terminal(proc_staffed):
    view, _seen = _answer_ticket_open(proc_staffed, (
        ("Title:", "VPN 无法连接"), ("Reporter:", "财务部 刘女士"), ("Contact:", "8123"), ("System:", "vpn"),
        ("Impact (high/medium/low) [medium]:", "high"), ("Urgency (high/medium/low) [medium]:", ""),
        ("Open it?", "y")))
    assert (view["title"], view["reporter"], view["contact"], view["system"]) == (
        "VPN 无法连接", "财务部 刘女士", "8123", "vpn")
    assert (view["impact"], view["urgency"], view["priority"]) == ("high", "medium", "P2")


def test_ticket_open_asks_in_chinese_on_a_terminal_and_takes_shi(proc_staffed):
    """Under a Chinese locale the walk asks in Chinese, shows the levels by name (高/中/低) and
    the confirmation takes 是; the ticket is the same as in English (JSON keeps `high`)."""
    view, seen = _answer_ticket_open(proc_staffed, (
        ("标题:", "VPN 无法连接"), ("报障人:", "财务部 刘女士"), ("联系方式:", "8123"), ("系统:", "vpn"),
        ("影响 (高/中/低) [中]:", "高"), ("紧急程度 (高/中/低) [中]:", ""), ("登记这张工单？ [是/否，默认 是]:", "是")),
        lang="zh_CN.UTF-8")
    assert (view["title"], view["reporter"], view["impact"], view["urgency"], view["priority"]) == (
        "VPN 无法连接", "财务部 刘女士", "high", "medium", "P2")
    assert "工单：标题 VPN 无法连接".encode() in seen
