"""Demo people: training (one officer overdue, one due soon), discipline and commendation
records, supervisor reviews, and improvement actions (one done, one open, one overdue).

Runs last, after tickets, shifts and inspections, so improvements can link real tickets.
Everything goes through the real services, acting as the supervisor `lead`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from deskctl.services.people import improvements, records, reviews, training
from deskctl.store.tables import Staff, Ticket
from deskctl.timeparse import Clock

if TYPE_CHECKING:
    from deskctl.services.demo import DemoContext

SUPERVISOR = "lead"
TOPICS = [
    ("防火墙变更流程", 4.0),
    ("ITIL incident management refresher", 3.0),
    ("新版工单系统操作", 2.0),
    ("Customer communication on the phone", 2.0),
    ("机房巡检规范", 3.0),
    ("VPN concentrator troubleshooting", 6.0),
]
OVERDUE = "chen"  # last passed training 200 days ago
DUE_SOON = "wu"  # last passed 170 days ago: due within the next two weeks


def seed(ctx: DemoContext) -> None:
    session, tz, config = ctx.session, ctx.tz, ctx.config
    today = ctx.now.astimezone(tz).date()
    handles = [h for (h,) in session.execute(select(col(Staff.handle)).order_by(col(Staff.id)))]
    n_training = 0
    for handle in handles:
        if handle == OVERDUE:
            ages = [200, 20]
        elif handle == DUE_SOON:
            ages = [170]
        else:
            ages = sorted(ctx.rng.sample(range(5, 160), 2), reverse=True)
        for age in ages:
            topic, hours = TOPICS[ctx.rng.randrange(len(TOPICS))]
            result = "fail" if handle == OVERDUE and age == 20 else "pass"
            training.add_training(session=session, clock=ctx.clock, actor=SUPERVISOR, config=config, tz=tz,
                                handle=handle, topic=topic, on=today - timedelta(days=age), hours=hours,
                                result=result)
            n_training += 1
    record_rows = [
        ("zhang", "commendation", "handled the P1 outage calmly and kept the users informed", 3),
        ("wang", "late", "arrived 25 minutes late for the night shift without notice", 9),
        ("zhao", "violation", "left the desk unattended for 20 minutes during the day shift", 12),
        ("sun", "commendation", "夜班发现机房空调告警并及时处理", 6),
    ]
    for handle, kind, note, days_ago in record_rows:
        if handle in handles:
            records.add_record(session=session, clock=ctx.clock, actor=SUPERVISOR, config=config, handle=handle,
                              kind=kind, note=note, at=ctx.now - timedelta(days=days_ago, hours=3))
    review_rows = [
        ("handover", 3, "handover notes too short: open P2 tickets not mentioned", "wang"),
        ("workflow", 4, "tickets dispatched within minutes; categories mostly right", None),
        ("attitude", 5, "polite and patient with an angry caller", "zhang"),
        ("inspections", 3, "机房巡检记录不完整，缺少温度读数", None),
        ("discipline", 2, "personal phone use at the desk during a P1", "zhao"),
    ]
    for area, score, finding, handle in review_rows:
        reviews.add_review(session=session, clock=ctx.clock, actor=SUPERVISOR, config=config, area=area,
                          score=score, finding=finding, handle=handle if handle in handles else None)
    vpn = list(session.execute(
        select(col(Ticket.id)).where(col(Ticket.system) == "vpn").order_by(col(Ticket.id)).limit(7)).scalars())
    printer = list(session.execute(
        select(col(Ticket.id)).where(col(Ticket.system) == "printer").order_by(col(Ticket.id)).limit(4)).scalars())
    month_ago = Clock(fixed=ctx.now - timedelta(days=30))
    owner = "li" if "li" in handles else SUPERVISOR
    done = improvements.add_improvement(
        session=session, clock=month_ago, actor=SUPERVISOR, config=config, tz=tz,
        title="打印机卡纸反复出现", problem=f"{len(printer)} printer faults on 3F in two weeks",
        action="replace the worn feed rollers and stock spare toner", owner=owner,
        due=today - timedelta(days=14), ticket_ids=printer)
    improvements.complete_improvement(session=session, clock=ctx.clock, actor=SUPERVISOR, config=config, tz=tz,
                                      improvement_id=done["id"],
                                      outcome="no paper jams reported since the rollers were replaced")
    improvements.add_improvement(
        session=session, clock=month_ago, actor=SUPERVISOR, config=config, tz=tz,
        title="交接记录过短", problem="handover notes often miss open P2 tickets",
        action="handover checklist: open P1/P2, SLA deadlines, inspections due",
        owner="wang" if "wang" in handles else owner,
        due=today - timedelta(days=5))
    improvements.add_improvement(
        session=session, clock=ctx.clock, actor=SUPERVISOR, config=config, tz=tz,
        title="VPN 反复故障", problem=f"{len(vpn)} VPN faults in a month", action="replace the VPN concentrator",
        owner=owner, due=today + timedelta(days=21), ticket_ids=vpn)
    ctx.counts.update({"training": n_training, "records": len(record_rows), "reviews": len(review_rows),
                       "improvements": 3})
