"""Demo tickets: a few hundred fault reports over the last month, in every state.

Every step goes through the real lifecycle services with the clock frozen at that step's
instant; steps of all tickets run in time order, so the audit trail reads like a real month.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from deskctl.errors import DeskError
from deskctl.services.context import Unit
from deskctl.services.demo.staff import OFFICERS, TECHNICIANS
from deskctl.services.tickets import lifecycle as svc
from deskctl.services.tickets.sweep import sweep
from deskctl.timeparse import Clock

if TYPE_CHECKING:
    from deskctl.services.demo import DemoContext

FAULTS = [
    ("VPN 无法连接", "vpn", "network"),
    ("VPN drops every 10 minutes", "vpn", "network"),
    ("邮箱无法发送附件", "mail", "application"),
    ("Outlook keeps asking for password", "mail", "account"),
    ("打印机卡纸，无法打印", "printer", "hardware"),
    ("Printer on 3F prints blank pages", "printer", "hardware"),
    ("财务系统登录超时", "finance-erp", "application"),
    ("ERP report export fails with error 500", "finance-erp", "application"),
    ("会议室投影仪无信号", "av", "hardware"),
    ("Wi-Fi 信号弱，频繁掉线", "wifi", "network"),
    ("Laptop will not boot after update", "endpoint", "hardware"),
    ("账号被锁定", "ad", "account"),
    ("Password reset request", "ad", "account"),
    ("OA 审批流程卡住", "oa", "application"),
    ("Core switch port flapping", "core-network", "network"),
    ("备份任务失败", "backup", "infrastructure"),
    ("Disk almost full on file server", "fileserver", "infrastructure"),
    ("电话分机无拨号音", "telephony", "hardware"),
]
REPORTERS = [
    "财务部 刘女士", "人事部 陈先生", "销售部 王经理", "Logistics — Tom Becker",
    "研发部 张工", "Front desk — Aisha", "法务部 李律师", "Marketing — Julia Meyer",
]
RESOLUTIONS = [
    "重启服务后恢复正常", "Replaced faulty cable", "升级固件解决", "Cleared the print queue",
    "Reset the account and verified login with the user", "扩容磁盘并清理日志",
    "Rolled back the faulty update", "更换硬件后测试通过",
]
PRIORITY_WEIGHTS = [("P1", 3), ("P2", 12), ("P3", 55), ("P4", 30)]
TICKETS = 320


def _pick_priority(rng: random.Random) -> str:
    return rng.choices([p for p, _ in PRIORITY_WEIGHTS], weights=[w for _, w in PRIORITY_WEIGHTS])[0]


def _plan(rng: random.Random, opened: datetime, now: datetime) -> list[tuple[timedelta, str, str, dict[str, Any]]]:
    """The steps of one ticket's life as (offset from opening, action, kwargs)."""
    tier = rng.choices([1, 2, 3], weights=[45, 45, 10])[0]
    worker = rng.choice(OFFICERS) if tier == 1 else rng.choice(TECHNICIANS[tier])
    dispatcher = rng.choice(OFFICERS)
    steps: list[tuple[timedelta, str, str, dict[str, Any]]] = []
    t = timedelta(minutes=rng.randint(2, 40))
    if rng.random() < 0.04:
        steps.append((t, "cancel", dispatcher, {"reason": "reported twice by the same user"}))
        return steps
    steps.append((t, "assign", dispatcher, {"handle": worker}))
    if rng.random() < 0.03:
        return steps  # nobody acknowledges it: a response breach for sweep to escalate
    t += timedelta(minutes=rng.randint(1, 90) if rng.random() < 0.85 else rng.randint(120, 600))
    steps.append((t, "ack", worker, {}))
    t += timedelta(minutes=rng.randint(10, 120))
    steps.append((t, "note", worker, {
        "text": "已联系用户，正在排查" if rng.random() < 0.5 else "Checked logs, investigating",
        "to_user": rng.random() < 0.5,
    }))
    if rng.random() < 0.03:
        return steps  # stuck in progress: the resolution clock runs out
    if rng.random() < 0.2:
        t += timedelta(minutes=rng.randint(5, 60))
        steps.append((t, "wait", worker, {"reason": "waiting for the user to test"}))
        t += timedelta(hours=rng.randint(1, 20))
        steps.append((t, "resume", worker, {}))
    if tier < 3 and rng.random() < 0.08:
        t += timedelta(minutes=rng.randint(10, 120))
        nxt = rng.choice(TECHNICIANS[tier + 1])
        steps.append((t, "escalate", worker, {"reason": "needs specialist knowledge", "to": nxt}))
        t += timedelta(minutes=rng.randint(5, 60))
        steps.append((t, "ack", nxt, {}))
        worker = nxt
    t += timedelta(hours=rng.uniform(0.2, 30))
    steps.append((t, "resolve", worker, {"resolution": rng.choice(RESOLUTIONS)}))
    roll = rng.random()
    t += timedelta(hours=rng.uniform(0.5, 40))
    if roll < 0.07:
        steps.append((t, "reopen", dispatcher, {"reason": "用户反馈问题仍然存在"}))
        t += timedelta(hours=rng.uniform(1, 10))
        steps.append((t, "resolve", worker, {"resolution": "Root cause fixed this time"}))
        t += timedelta(hours=rng.uniform(0.5, 20))
        steps.append((t, "confirm", dispatcher, {"rating": rng.choice([3, 4, 4, 5])}))
    elif roll < 0.85:
        rating = rng.choices([5, 4, 3, 2, 1], weights=[55, 28, 9, 5, 3])[0]
        steps.append((t, "confirm", dispatcher, {"rating": rating, "comment": "好的，谢谢" if rating >= 4 else "slow"}))
    return steps


ACTIONS: dict[str, Callable[..., dict]] = {
    "assign": svc.assign_ticket,
    "ack": svc.ack_ticket,
    "note": svc.add_note,
    "wait": svc.wait_ticket,
    "resume": svc.resume_ticket,
    "escalate": svc.escalate_ticket,
    "resolve": svc.resolve_ticket,
    "confirm": svc.confirm_ticket,
    "reopen": svc.reopen_ticket,
    "cancel": svc.cancel_ticket,
}
def seed(ctx: DemoContext) -> None:
    rng, now = ctx.rng, ctx.now
    start = now - timedelta(days=30)
    queue: list = []
    for n in range(TICKETS):
        # more tickets on weekdays and in office hours, like a real desk
        opened = start + timedelta(seconds=rng.uniform(0, 30 * 86400))
        if opened.astimezone(ctx.tz).hour < 8 and rng.random() < 0.6:
            opened += timedelta(hours=9)
        if opened >= now:
            continue
        heapq.heappush(queue, (opened, n, "open", rng.choice(OFFICERS), {}))
        for offset, action, actor, kwargs in _plan(rng, opened, now):
            when = opened + offset
            if when < now:
                heapq.heappush(queue, (when, n, action, actor, kwargs))
    day = start.astimezone(ctx.tz).replace(hour=0, minute=5, second=0, microsecond=0)
    while day < now:  # cron runs `deskctl ticket sweep` every night
        heapq.heappush(queue, (day, -1, "sweep", "system", {}))
        day += timedelta(days=1)
    ids: dict[int, int] = {}
    while queue:
        when, n, action, actor, kwargs = heapq.heappop(queue)
        clock = Clock(fixed=when)
        if action == "sweep":
            sweep(session=ctx.session, clock=clock, config=ctx.config, tz=ctx.tz)
            continue
        if action == "open":
            title, system, category = rng.choice(FAULTS)
            view = svc.open_ticket(
                session=ctx.session, clock=clock, actor=actor, config=ctx.config, tz=ctx.tz,
                title=title, reporter=rng.choice(REPORTERS), contact=f"1390000{rng.randint(1000, 9999)}",
                system=system, category=category, priority=_pick_priority(rng),
                channel=rng.choices(["phone", "email", "walk-in", "monitoring"], weights=[70, 15, 8, 7])[0],
                description="用户电话报修。" if rng.random() < 0.5 else "Reported by phone.",
            )
            ids[n] = view["id"]
            continue
        if n not in ids:
            continue
        unit = Unit(session=ctx.session, clock=clock, actor=actor, config=ctx.config, tz=ctx.tz)
        try:
            unit.call(ACTIONS[action], ticket_id=ids[n], **kwargs)
        except DeskError:
            pass  # a step an earlier event made impossible (e.g. escalated by sweep meanwhile)
    ctx.counts["tickets"] = len(ids)
