from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskctl.store.tables import staff, tickets  # noqa: F401  (their tables are foreign-key targets here)
from deskctl.store.types import UTCDateTime


class InspectionPlan(SQLModel, table=True):
    __tablename__ = "inspection_plan"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    target: str
    schedule: str  # as the supervisor typed it: "daily 09:00", an RRULE, …
    rrule: str  # normalised RFC 5545 RRULE, evaluated in the desk time zone
    starts_at: datetime = Field(sa_type=UTCDateTime)  # no occurrence is owed before this
    grace_seconds: int = 3600
    owner: str = "on-duty"  # a staff handle, or on-duty
    priority: str = "P3"
    status: str = "active"  # active paused retired
    created_at: datetime = Field(sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InspectionItem(SQLModel, table=True):
    __tablename__ = "inspection_item"
    __table_args__ = (UniqueConstraint("plan_id", "position", name="uq_item_plan_position"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="inspection_plan.id")
    position: int  # 1-based, the checklist order; a retired item gets -id (kept for history)
    text: str


class InspectionRun(SQLModel, table=True):
    __tablename__ = "inspection_run"
    __table_args__ = (
        UniqueConstraint("plan_id", "occurrence_at", name="uq_run_plan_occurrence"),
        Index("ix_run_performed", "performed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="inspection_plan.id")
    occurrence_at: datetime = Field(sa_type=UTCDateTime)
    performed_at: datetime = Field(sa_type=UTCDateTime)
    performed_by_id: int = Field(foreign_key="staff.id")


class InspectionResult(SQLModel, table=True):
    __tablename__ = "inspection_result"
    __table_args__ = (Index("ix_result_item_ticket", "item_id", "ticket_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="inspection_run.id", index=True)
    item_id: int = Field(foreign_key="inspection_item.id")
    result: str  # ok fail skipped
    note: str = ""
    value: str = ""  # a measured value, as the inspector gave it ("63%", "12 ms")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
