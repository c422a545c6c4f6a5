"""Demo staff: a supervisor, duty officers and technicians in three tiers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import Session

from deskctl.services.people.staff import add_staff
from deskctl.store.tables import Staff

if TYPE_CHECKING:
    from deskctl.services.demo import DemoContext

STAFF = [
    ("lead", "王主管", "supervisor", 1, "13800000001"),
    ("zhang", "张三", "officer", 1, "13800000002"),
    ("wang", "王五", "officer", 1, "13800000003"),
    ("zhao", "赵六", "officer", 1, "13800000004"),
    ("sun", "孙七", "officer", 1, "13800000005"),
    ("chen", "Chen Wei", "officer", 1, "13800000006"),
    ("li", "李四", "technician", 2, "13800000007"),
    ("zhou", "周八", "technician", 2, "13800000008"),
    ("wu", "吴九", "technician", 2, "13800000009"),
    ("maria", "Maria Lopez", "technician", 3, "13800000010"),
    ("kumar", "Ravi Kumar", "technician", 3, "13800000011"),
]
OFFICERS = ["zhang", "wang", "zhao", "sun", "chen"]
TECHNICIANS = {2: ["li", "zhou", "wu"], 3: ["maria", "kumar"]}


def desk_is_empty(session: Session) -> bool:
    members: int = session.execute(select(func.count()).select_from(Staff)).scalar_one()
    return members == 0


def seed(ctx: DemoContext) -> None:
    for handle, name, role, tier, phone in STAFF:
        add_staff(
            session=ctx.session, clock=ctx.clock, actor="lead", config=ctx.config, handle=handle, name=name,
            role=role, tier=tier, phone=phone,
        )
    ctx.counts["staff"] = len(STAFF)
