from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from deskctl.store.tables import staff  # noqa: F401  (its table is a foreign-key target here)
from deskctl.store.types import UTCDateTime


class ShiftType(SQLModel, table=True):
    __tablename__ = "shift_type"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    start_local: str  # HH:MM in the desk time zone
    end_local: str  # HH:MM; end <= start crosses midnight
    min_staff: int = 1
    active: bool = True
    # An on-call rota's type names its team and the tier whose technicians it keeps on call;
    # desk duty types have neither (docs/design.md §4).
    team: str | None = None
    tier: int | None = None


class Shift(SQLModel, table=True):
    """One person on one type on one date; instants fixed when published."""

    __tablename__ = "shift"
    __table_args__ = (
        UniqueConstraint("staff_id", "day", "type_id", name="uq_shift_person_day_type"),
        Index("ix_shift_start", "start_at"),
        Index("ix_shift_end", "end_at"),
        Index("ix_shift_staff_start", "staff_id", "start_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    type_id: int = Field(foreign_key="shift_type.id")
    staff_id: int = Field(foreign_key="staff.id")
    day: date
    start_at: datetime = Field(sa_type=UTCDateTime)
    end_at: datetime = Field(sa_type=UTCDateTime)
    clock_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    clock_out_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SwapRequest(SQLModel, table=True):
    __tablename__ = "swap_request"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id", index=True)
    requester_id: int = Field(foreign_key="staff.id")
    target_id: int = Field(foreign_key="staff.id")
    status: str = "pending"  # pending accepted declined
    created_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Handover(SQLModel, table=True):
    __tablename__ = "handover"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    from_staff_id: int = Field(foreign_key="staff.id")
    to_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    note: str = ""
    summary: str = "{}"  # JSON: open tickets, SLA deadlines, inspections due, compiled at handover
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    taken_over_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    taken_over_by_id: int | None = Field(default=None, foreign_key="staff.id")
