"""Fill a deskctl database with N realistic tickets and their hash-chained events, quickly.

    python bench/gen_tickets.py --db /tmp/bench-1m.db --tickets 1000000 [--seed 42]

The database is created with deskctl's own `open_database(create=True)`, so the schema is
the real migrated one. Rows go in with SQLAlchemy Core `insert()` executemany in large
batches inside a few transactions (no ORM objects), with the secondary indexes dropped during
the load and recreated from their exact migrated DDL afterwards. 1M tickets take a few
minutes on a small machine.

What the desk looks like: 50 staff (a supervisor, 15 duty officers, technicians in tiers
1-3), tickets over the last few years at office-hour peaks with fewer at weekends, P1-P4 from
the impact x urgency matrix or given, SLA deadlines from the default targets, a small share of
response and resolution breaches, waits that pause the clock, reopens, cancellations (some as
duplicates), confirmations with ratings, and unconfirmed closes by the sweep. Most tickets are
closed; `--open` of them (default: a few hundred) are still open, in every open state, and
recent ones may be resolved and waiting for the user's confirmation. Every change is an event
with the kinds, from/to values and details deskctl's ticket services write (opened, assigned,
acknowledged, escalated, note, feedback, waiting, resumed, sla_breach, resolved, reopened,
confirmed, closed_unconfirmed, cancelled), in time order, with a valid audit hash chain, computed exactly as
`deskctl.store.audit.chain_hash` does (checked against it while generating).
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_NOW, DESK_TZ  # noqa: E402

GENESIS = "0" * 64

# --- the desk's people -----------------------------------------------------------------------

SURNAMES = [
    ("liu", "刘"), ("yang", "杨"), ("huang", "黄"), ("zhou", "周"), ("wu", "吴"), ("xu", "徐"),
    ("sun", "孙"), ("ma", "马"), ("zhu", "朱"), ("hu", "胡"), ("guo", "郭"), ("he", "何"),
    ("gao", "高"), ("lin", "林"), ("luo", "罗"), ("zheng", "郑"), ("liang", "梁"), ("xie", "谢"),
    ("song", "宋"), ("tang", "唐"), ("han", "韩"), ("feng", "冯"), ("deng", "邓"), ("cao", "曹"),
    ("peng", "彭"), ("zeng", "曾"), ("xiao", "肖"), ("tian", "田"), ("dong", "董"), ("pan", "潘"),
    ("yuan", "袁"), ("cai", "蔡"), ("jiang", "蒋"), ("yu", "余"), ("du", "杜"), ("ye", "叶"),
    ("cheng", "程"), ("wei", "魏"), ("su", "苏"), ("lu", "吕"), ("ding", "丁"), ("ren", "任"),
]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平"]
ENGLISH = ["Maria Lopez", "Ravi Kumar", "Anna Schmidt", "John Carter", "Sofia Rossi", "Kenji Sato"]

# handle, name, role, tier — the fixtures' people first, so that tests and the bench agree.
FIXED_STAFF = [
    ("lead", "王主管", "supervisor", 1),
    ("zhang", "张三", "officer", 1),
    ("wang", "王五", "officer", 1),
    ("zhao", "赵六", "officer", 1),
    ("chen", "陈晨", "officer", 1),
    ("li", "李四", "technician", 2),
    ("maria", "Maria Lopez", "technician", 3),
]
ROLE_COUNTS = {("officer", 1): 15, ("technician", 1): 14, ("technician", 2): 12, ("technician", 3): 8}

# --- the faults ------------------------------------------------------------------------------

SYSTEMS = {
    "vpn": ("network", ["VPN 无法连接", "VPN keeps disconnecting", "VPN 登录提示证书过期"]),
    "email": ("software", ["邮箱无法收信", "Outlook cannot send mail", "邮件附件打不开", "Mailbox full"]),
    "erp": ("software", ["ERP 报表导出失败", "ERP login error", "ERP 审批流程卡住"]),
    "oa": ("software", ["OA 系统打不开", "OA 公文无法提交", "OA slow to load"]),
    "network": ("network", ["三楼网络中断", "Network port dead in room 402", "网速很慢"]),
    "wifi": ("network", ["会议室 WiFi 连不上", "WiFi drops every few minutes"]),
    "printer": ("hardware", ["打印机卡纸", "Printer offline on floor 2", "打印机无法扫描"]),
    "pc": ("hardware", ["电脑无法开机", "Laptop screen flickers", "电脑蓝屏", "键盘失灵"]),
    "ad": ("access", ["账号被锁定", "Password reset needed", "域账号无法登录"]),
    "database": ("software", ["数据库连接超时", "DB backup job failed"]),
    "phone": ("hardware", ["座机没有拨号音", "IP phone not registering"]),
    "storage": ("hardware", ["共享盘空间不足", "NAS volume degraded"]),
    "crm": ("software", ["CRM 客户数据同步失败", "CRM page error 500"]),
}
SYSTEM_WEIGHTS = [6, 9, 5, 6, 7, 4, 8, 10, 8, 2, 2, 2, 3]
DEPARTMENTS = ["财务部", "人事部", "市场部", "销售部", "法务部", "行政部", "采购部", "Engineering", "Sales EMEA"]
TITLES_OF_ADDRESS = ["女士", "先生", "经理", "主任"]
CHANNELS = (["phone", "email", "walk-in", "monitoring", "inspection"], [55, 20, 10, 10, 5])
LEVELS = ["high", "medium", "low"]
MATRIX = {
    ("high", "high"): "P1", ("high", "medium"): "P2", ("high", "low"): "P3",
    ("medium", "high"): "P2", ("medium", "medium"): "P3", ("medium", "low"): "P3",
    ("low", "high"): "P3", ("low", "medium"): "P4", ("low", "low"): "P4",
}
IMPACT_WEIGHTS = [8, 37, 55]
URGENCY_WEIGHTS = [12, 48, 40]
# deskctl's default SLA targets (config.py): response, resolution, in seconds
SLA = {"P1": (15 * 60, 4 * 3600), "P2": (30 * 60, 8 * 3600), "P3": (2 * 3600, 3 * 86400), "P4": (8 * 3600, 5 * 86400)}
CONFIRM_WINDOW = 72 * 3600
RESOLUTIONS = [
    "重启服务后恢复", "更换硬件后恢复", "password reset and account unlocked", "驱动重装",
    "firmware upgraded", "配置修正", "cable replaced", "清理磁盘空间", "证书更新",
]
NOTES = ["已远程查看，正在排查", "user called back, still failing", "联系厂商支持", "checked logs, no errors"]
WAIT_REASONS = ["等待用户测试", "waiting for the vendor", "等待备件到货", "user on leave"]
COMMENTS = ["", "", "", "works", "谢谢，很快", "slow but fixed", "满意"]


def digest(event_id, prev_hash, at_iso, actor, entity, entity_id, kind, from_value, to_value, details) -> str:
    """The audit chain digest, exactly as `deskctl.store.audit._digest` computes it."""
    payload = json.dumps(
        [event_id, prev_hash, at_iso, actor, entity, entity_id, kind, from_value, to_value, details],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Chain:
    """Numbers events and links them; buffers rows for executemany."""

    def __init__(self) -> None:
        self.next_id = 1
        self.prev = GENESIS
        self.rows: list[dict] = []
        self.checked = 0

    def add(self, at: datetime, actor: str, entity: str, entity_id, kind: str,
            from_value=None, to_value=None, details: dict | None = None) -> None:
        details_json = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
        h = digest(self.next_id, self.prev, at.isoformat(), actor, entity, entity_id, kind,
                   from_value, to_value, details_json)
        self.rows.append({
            "id": self.next_id, "at": at, "actor": actor, "entity": entity, "entity_id": entity_id,
            "kind": kind, "from_value": from_value, "to_value": to_value, "details": details_json,
            "prev_hash": self.prev, "hash": h,
        })
        self.prev = h
        self.next_id += 1


def self_check(rows: list[dict]) -> None:
    """Recompute some digests with deskctl's own chain_hash: the generator must agree with it."""
    from deskctl.store.audit import chain_hash
    from deskctl.store.tables import Event

    for row in rows:
        if chain_hash(Event(**row)) != row["hash"]:
            raise SystemExit(f"gen_tickets: digest of event {row['id']} differs from deskctl's chain_hash")


# --- staff -----------------------------------------------------------------------------------


def make_staff(rng: random.Random, created: datetime) -> list[dict]:
    people = [dict(handle=h, name=n, role=r, tier=t) for h, n, r, t in FIXED_STAFF]
    taken = {p["handle"] for p in people}
    names = {p["name"] for p in people}
    for (role, tier), want in ROLE_COUNTS.items():
        have = sum(1 for p in people if p["role"] == role and p["tier"] == tier)
        while have < want:
            if rng.random() < 0.1:
                name = rng.choice(ENGLISH)
                handle = name.split()[0].lower()
            else:
                py, zh = rng.choice(SURNAMES)
                name = zh + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
                handle = py
            if name in names:
                continue
            base, n = handle, 2
            while handle in taken:
                handle, n = f"{base}{n}", n + 1
            taken.add(handle)
            names.add(name)
            people.append(dict(handle=handle, name=name, role=role, tier=tier))
            have += 1
    out = []
    for i, p in enumerate(people, start=1):
        out.append({
            "id": i, **p, "phone": f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
            "active": True, "created_at": created + timedelta(minutes=i),
        })
    return out


# --- opening times ---------------------------------------------------------------------------


def opening_times(rng: random.Random, n: int, now: datetime, years: float, tz: ZoneInfo):
    """Yield n UTC instants in increasing order, over `years` up to now, peaking in office hours."""
    local_now = now.astimezone(tz)
    days = max(1, int(years * 365))
    first = local_now.date() - timedelta(days=days)
    weights = []
    for d in range(days + 1):
        day = first + timedelta(days=d)
        w = 0.45 if day.weekday() >= 5 else 1.0
        if d == days:  # today: only the part that has passed
            w *= (local_now.hour * 3600 + local_now.minute * 60) / 86400
        weights.append(w)
    total = sum(weights)
    done = 0
    acc = 0.0
    for d, w in enumerate(weights):
        acc += w
        upto = round(n * acc / total) if d < days else n
        count, done = upto - done, upto
        if count <= 0:
            continue
        day = first + timedelta(days=d)
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
        limit = 86400 if d < days else max(60, int((local_now - midnight).total_seconds()) - 60)
        seconds = []
        for _ in range(count):
            if rng.random() < 0.75:
                s = rng.randint(8 * 3600 + 1800, 18 * 3600)
            else:
                s = rng.randrange(86400)
            seconds.append(min(s, limit - 1))
        seconds.sort()
        for s in seconds:
            yield (midnight + timedelta(seconds=s)).astimezone(UTC)


# --- one ticket's life -----------------------------------------------------------------------


def lognorm(rng: random.Random, median: float, sigma: float) -> float:
    return median * rng.lognormvariate(0.0, sigma)


def plan_steps(rng: random.Random, t: dict, ctx: dict) -> list[tuple]:
    """The whole life the ticket would have: [(offset_seconds, actor, kind, details)]."""
    resp, res = SLA[t["priority"]]
    opener = ctx["handles"][t["opened_by_id"]]
    tier = rng.choices([1, 2, 3], [60, 30, 10])[0]
    assignee = rng.choice(ctx["techs"][tier])
    who = ctx["handles"][assignee]
    steps: list[tuple] = [(0, opener, "opened", {})]
    if rng.random() < 0.03:  # cancelled early, some as duplicates
        at = lognorm(rng, 1200, 1.0)
        dup = t["id"] - rng.randint(1, 30) if t["id"] > 31 and rng.random() < 0.4 else None
        reason = "duplicate report" if dup else rng.choice(["用户自行解决", "reported by mistake"])
        steps.append((at, opener, "cancelled", {"reason": reason, "duplicate_of": dup}))
        return steps
    at = lognorm(rng, 240, 0.8)
    steps.append((at, opener, "assigned", {"assignee": who, "assignee_id": assignee, "tier": tier}))
    at += lognorm(rng, resp * 0.35, 0.7)
    steps.append((at, who, "acknowledged", {}))
    if tier < 3 and rng.random() < 0.06:  # escalated one tier up, acknowledged again there
        up = rng.choice(ctx["techs"][tier + 1])
        at += lognorm(rng, res * 0.1, 0.8)
        steps.append((at, who, "escalated", {"reason": "需要上一级支持", "assignee": ctx["handles"][up],
                                             "assignee_id": up, "tier": tier + 1}))
        who = ctx["handles"][up]
        at += lognorm(rng, 900, 0.8)
        steps.append((at, who, "acknowledged", {}))
    if rng.random() < 0.15:
        at += lognorm(rng, 1800, 1.0)
        steps.append((at, who, "note", {"text": rng.choice(NOTES), "to_user": rng.random() < 0.5}))
    if rng.random() < 0.12:
        at += lognorm(rng, res * 0.1, 0.8)
        steps.append((at, who, "waiting", {"reason": rng.choice(WAIT_REASONS)}))
        at += lognorm(rng, 4 * 3600, 1.0)
        steps.append((at, who, "resumed", {}))
    at += lognorm(rng, res * 0.3, 0.8)
    steps.append((at, who, "resolved", {"resolution": rng.choice(RESOLUTIONS)}))
    if rng.random() < 0.02:
        at += lognorm(rng, 10 * 3600, 0.8)
        steps.append((at, opener, "reopened", {"reason": "用户反馈问题仍在"}))
        at += lognorm(rng, res * 0.2, 0.8)
        steps.append((at, who, "resolved", {"resolution": rng.choice(RESOLUTIONS)}))
    if rng.random() < 0.72:
        at += min(lognorm(rng, 3 * 3600, 1.0), CONFIRM_WINDOW - 600)
        rating = rng.choices([5, 4, 3, 2, 1], [60, 25, 9, 4, 2])[0]
        steps.append((at, opener, "confirmed", {"rating": rating, "comment": rng.choice(COMMENTS)}))
    else:  # the nightly sweep closes it, unconfirmed
        at += CONFIRM_WINDOW + rng.randint(60, 3600)
        steps.append((at, "system", "closed_unconfirmed", {"reason": "no confirmation within 72h"}))
    return steps


STOP_AT = {"new": "opened", "assigned": "assigned", "in_progress": "acknowledged", "waiting": "waiting"}


def _breaches(t: dict, at: datetime, actor: str, push) -> None:
    """What `record_breaches` does on each action: a passed, running deadline is recorded once."""
    status = t["status"]
    if (t["response_breached_at"] is None and t["acknowledged_at"] is None
            and status in ("new", "assigned") and t["response_due_at"] <= at):
        t["response_breached_at"] = t["response_due_at"]
        push(at, actor, "sla_breach", None, "response", {"due_at": t["response_due_at"].isoformat()}, t["id"])
    if (t["resolution_breached_at"] is None and t["resolved_at"] is None
            and status in ("new", "assigned", "in_progress") and t["resolution_due_at"] <= at):
        t["resolution_breached_at"] = t["resolution_due_at"]
        push(at, actor, "sla_breach", None, "resolution", {"due_at": t["resolution_due_at"].isoformat()}, t["id"])


def live(rng: random.Random, t: dict, steps: list[tuple], now: datetime, open_state: str | None, push) -> None:
    """Apply the steps that happened by `now` to the ticket row and push their events.

    Event kinds, from/to values and details are the ones deskctl's ticket services write.
    """
    opened = t["opened_at"]
    room = (now - opened).total_seconds()
    if open_state is not None:
        if any(s[2] == "cancelled" for s in steps):
            steps, open_state = steps[:1], "new"
        if open_state == "waiting" and not any(s[2] == "waiting" for s in steps):
            i = next(k for k, s in enumerate(steps) if s[2] == "acknowledged")
            steps.insert(i + 1, (steps[i][0] + 600, steps[i][1], "waiting", {"reason": rng.choice(WAIT_REASONS)}))
        cut = next((k for k, s in enumerate(steps) if s[2] == STOP_AT[open_state]), 0)
        steps = steps[: cut + 1]
        last = steps[-1][0]
        if last > room * 0.95 and last > 0:  # squeeze the life so far into the time there was
            f = room * 0.95 / last
            steps = [(o * f, a, k, d) for o, a, k, d in steps]
    else:
        final = max(k for k, s in enumerate(steps) if s[2] in ("resolved", "cancelled"))
        if steps[final][0] > room * 0.9:
            f = room * 0.9 / steps[final][0]
            steps = [(o * f, a, k, d) for o, a, k, d in steps]
        steps = [s for s in steps if s[0] <= room]
    for offset, actor, kind, details in steps:
        at = opened + timedelta(seconds=int(offset))
        before = t["status"]
        if kind == "opened":
            push(at, actor, kind, None, "new", {"channel": t["channel"], "priority": t["priority"],
                                               "reporter": t["reporter"], "title": t["title"]}, t["id"])
            continue
        if kind not in ("note", "resumed", "confirmed", "closed_unconfirmed", "reopened", "cancelled"):
            _breaches(t, at, actor, push)
        frm, to, ev = before, None, {}
        if kind == "assigned":
            to = "assigned"
            t["assignee_id"], t["tier"] = details["assignee_id"], details["tier"]
            ev = {"assignee": details["assignee"], "tier": details["tier"]}
        elif kind == "acknowledged":
            to = "in_progress"
            t["acknowledged_at"] = t["acknowledged_at"] or at
        elif kind == "escalated":
            frm, to = f"tier {t['tier']}", f"tier {details['tier']}"
            t["assignee_id"], t["tier"] = details["assignee_id"], details["tier"]
            t["reassign_count"] += 1
            t["status"] = "assigned"
            ev = {"assignee": details["assignee"], "reason": details["reason"], "status": "assigned"}
        elif kind == "note":
            kind = "feedback" if details["to_user"] else "note"
            frm, ev = None, {"text": details["text"], "to_user": details["to_user"]}
        elif kind == "waiting":
            to = "waiting"
            t["waiting_since"] = at
            ev = {"reason": details["reason"]}
        elif kind == "resumed":
            to = "in_progress"
            paused = int((at - t["waiting_since"]).total_seconds())
            t["paused_seconds"] += paused
            if t["resolution_breached_at"] is None:
                t["resolution_due_at"] += timedelta(seconds=paused)
            t["waiting_since"] = None
            ev = {"paused_seconds": paused}
        elif kind == "resolved":
            to = "resolved"
            t["resolved_at"], t["resolution"] = at, details["resolution"]
            t["resolved_by_id"], t["resolved_tier"] = t["assignee_id"], t["tier"]
            ev = {"resolution": details["resolution"]}
        elif kind == "reopened":
            to = "in_progress"
            paused = int((at - t["resolved_at"]).total_seconds())
            t["paused_seconds"] += paused
            if t["resolution_breached_at"] is None:
                t["resolution_due_at"] += timedelta(seconds=paused)
            t["resolved_at"] = t["resolved_by_id"] = t["resolved_tier"] = None
            t["reopen_count"] += 1
            ev = {"reason": details["reason"], "reopen_count": t["reopen_count"]}
        elif kind == "confirmed":
            to = "closed"
            t["closed_at"], t["confirmed"] = at, True
            t["rating"], t["rating_comment"] = details["rating"], details["comment"]
            ev = {"rating": details["rating"]}
            if details["comment"]:
                ev["comment"] = details["comment"]
        elif kind == "closed_unconfirmed":
            to = "closed"
            t["closed_at"], t["confirmed"], t["close_reason"] = at, False, details["reason"]
            ev = {"reason": details["reason"]}
        elif kind == "cancelled":
            to = "cancelled"
            t["closed_at"], t["cancel_reason"] = at, details["reason"]
            t["duplicate_of_id"] = details["duplicate_of"]
            ev = {"reason": details["reason"]}
            if details["duplicate_of"]:
                ev["duplicate_of"] = details["duplicate_of"]
        if to is not None and kind != "escalated":
            t["status"] = to
        t["updated_at"] = at
        t["version"] += 1
        push(at, actor, kind, frm, to, ev, t["id"])


# --- the load --------------------------------------------------------------------------------


def base_row(table) -> dict:
    """Every column, with the model's defaults: executemany needs the same keys in every row."""
    from deskctl.store.tables import Ticket

    row = {}
    for name in table.columns.keys():
        field = Ticket.model_fields.get(name)
        default = None if field is None or field.is_required() else field.default
        row[name] = default
    return row


def generate(db_path: Path, n: int, *, seed: int, n_open: int, years: float, batch: int,
             now: datetime, verify: bool, quiet: bool) -> dict:
    from sqlalchemy import event, text

    from deskctl.store.engine import make_engine, open_database
    from deskctl.store.tables import Event, Staff, Ticket

    started = time.perf_counter()
    open_database(db_path, create=True).close()  # the real, migrated schema

    engine = make_engine(str(db_path))

    @event.listens_for(engine, "connect")
    def _bulk_pragmas(dbapi_conn, _record):  # after deskctl's own pragmas
        dbapi_conn.execute("PRAGMA journal_mode=OFF")
        dbapi_conn.execute("PRAGMA synchronous=OFF")
        dbapi_conn.execute("PRAGMA cache_size=-262144")
        dbapi_conn.execute("PRAGMA temp_store=MEMORY")

    rng = random.Random(seed)
    tz = ZoneInfo(DESK_TZ)
    staff_rows = make_staff(rng, now - timedelta(days=int(years * 365) + 30))
    handles = {s["id"]: s["handle"] for s in staff_rows}
    officers = [s["id"] for s in staff_rows if s["role"] in ("officer", "supervisor")]
    techs = {tier: [s["id"] for s in staff_rows if s["role"] == "technician" and s["tier"] == tier]
             for tier in (1, 2, 3)}
    ctx = {"handles": handles, "techs": techs}

    window = min(n, max(n_open * 4, 1))
    open_ids = set(rng.sample(range(n - window + 1, n + 1), min(n_open, window)))
    open_states = (["new", "assigned", "in_progress", "waiting"], [15, 20, 45, 20])

    ticket_t, event_t = Ticket.__table__, Event.__table__
    template = base_row(ticket_t)
    chain = Chain()
    pending: list[tuple] = []  # heap of (at, seq, event args): events go in in time order
    seq = 0

    def push(at, actor, kind, from_value, to_value, details, ticket_id):
        nonlocal seq
        seq += 1
        heapq.heappush(pending, (at, seq, (actor, "ticket", ticket_id, kind, from_value, to_value, details)))

    def release(upto: datetime | None) -> None:
        while pending and (upto is None or pending[0][0] <= upto):
            at, _, args = heapq.heappop(pending)
            chain.add(at, *args)

    with engine.connect() as conn:
        indexes = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            "AND tbl_name IN ('ticket', 'event')"
        )).all()
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        conn.execute(Staff.__table__.insert(), staff_rows)
        lead = staff_rows[0]
        for s in staff_rows:
            chain.add(s["created_at"], lead["handle"], "staff", s["id"], "added", None, s["role"],
                      {"handle": s["handle"], "name": s["name"], "tier": s["tier"]})
        conn.commit()

        tickets: list[dict] = []
        systems = list(SYSTEMS)
        first_events_checked = False
        for i, opened in enumerate(opening_times(rng, n, now, years, tz), start=1):
            release(opened)
            system = rng.choices(systems, SYSTEM_WEIGHTS)[0]
            category, titles = SYSTEMS[system]
            if rng.random() < 0.7:
                impact = rng.choices(LEVELS, IMPACT_WEIGHTS)[0]
                urgency = rng.choices(LEVELS, URGENCY_WEIGHTS)[0]
                priority = MATRIX[(impact, urgency)]
            else:
                impact = urgency = None
                priority = rng.choices(["P1", "P2", "P3", "P4"], [2, 10, 50, 38])[0]
            resp, res = SLA[priority]
            t = dict(template)
            title = rng.choice(titles)
            t.update(
                id=i, title=title, description=f"{title}。reported by phone; see notes" if rng.random() < 0.5 else "",
                reporter=f"{rng.choice(DEPARTMENTS)} {rng.choice(SURNAMES)[1]}{rng.choice(TITLES_OF_ADDRESS)}",
                contact=f"13{rng.randint(0, 999999999):09d}", system=system, category=category,
                channel=rng.choices(*CHANNELS)[0], priority=priority, impact=impact, urgency=urgency,
                status="new", tier=1, opened_by_id=rng.choice(officers), opened_at=opened,
                paused_seconds=0, response_due_at=opened + timedelta(seconds=resp),
                resolution_due_at=opened + timedelta(seconds=res), resolution="", rating_comment="",
                close_reason="", cancel_reason="", reopen_count=0, reassign_count=0,
                updated_at=opened, version=1,
            )
            state = rng.choices(*open_states)[0] if i in open_ids else None
            live(rng, t, plan_steps(rng, t, ctx), now, state, push)
            tickets.append(t)
            if len(tickets) >= batch:
                conn.execute(ticket_t.insert(), tickets)
                tickets.clear()
                if not first_events_checked and len(chain.rows) > 200:
                    self_check(chain.rows[:200])
                    first_events_checked = True
                if len(chain.rows) >= batch:
                    conn.execute(event_t.insert(), chain.rows)
                    chain.rows.clear()
                if i % (batch * 10) == 0:
                    conn.commit()
                if not quiet:
                    rate = i / (time.perf_counter() - started)
                    print(f"\r  {i:>9,} tickets  {chain.next_id - 1:>10,} events  {rate:,.0f}/s",
                          end="", file=sys.stderr, flush=True)
        release(None)
        if tickets:
            conn.execute(ticket_t.insert(), tickets)
        if not first_events_checked:
            self_check(chain.rows[:200])
        if chain.rows:
            self_check(chain.rows[-50:])
            conn.execute(event_t.insert(), chain.rows)
        conn.commit()
        loaded = time.perf_counter()
        if not quiet:
            print(f"\n  rows in {loaded - started:.0f}s; building indexes", file=sys.stderr, flush=True)
        for _name, sql in indexes:
            conn.exec_driver_sql(sql)
        conn.commit()
        counts = dict(conn.execute(text("SELECT status, count(*) FROM ticket GROUP BY status")).all())
        events = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
    engine.dispose()

    import sqlite3

    raw = sqlite3.connect(db_path)
    try:
        raw.execute("PRAGMA journal_mode=WAL")  # as deskctl leaves its databases
    finally:
        raw.close()

    result = {"tickets": n, "events": events, "staff": len(staff_rows), "by_status": counts,
              "seconds": round(time.perf_counter() - started, 1)}
    if verify:
        from deskctl.store.audit import verify as verify_chain
        from deskctl.store.engine import open_database as reopen

        db = reopen(db_path)
        try:
            with db.read() as session:
                checked, broken, why = verify_chain(session)
        finally:
            db.close()
        if broken is not None:
            raise SystemExit(f"gen_tickets: audit chain broken at event {broken.id}: {why}")
        result["verified_events"] = checked
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="database file to create")
    parser.add_argument("--tickets", required=True, type=int, help="how many tickets (N)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same desk)")
    parser.add_argument("--open", type=int, default=None, dest="n_open",
                        help="tickets still open (default: N/10, at least 50, at most 300)")
    parser.add_argument("--years", type=float, default=3.0, help="history span in years")
    parser.add_argument("--batch", type=int, default=20_000, help="rows per executemany")
    parser.add_argument("--now", default=BENCH_NOW, help="the desk's now (ISO instant)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.add_argument("--verify", action=argparse.BooleanOptionalAction, default=None,
                        help="walk the audit chain with deskctl afterwards (default: N <= 100k)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.tickets < 1:
        parser.error("--tickets must be at least 1")
    if args.db.exists():
        if not args.force:
            parser.error(f"{args.db} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
    n_open = args.n_open if args.n_open is not None else min(300, max(50, args.tickets // 10))
    n_open = min(n_open, args.tickets)
    now = datetime.fromisoformat(args.now)
    now = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(UTC)
    verify = args.verify if args.verify is not None else args.tickets <= 100_000
    try:
        result = generate(args.db, args.tickets, seed=args.seed, n_open=n_open, years=args.years,
                          batch=args.batch, now=now, verify=verify, quiet=args.quiet)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        raise
    print(json.dumps({"db": str(args.db), **result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

