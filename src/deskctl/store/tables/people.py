from datetime import date, datetime

from sqlmodel import Field, SQLModel

from deskctl.store.tables import staff  # noqa: F401  (its table is a foreign-key target here)
from deskctl.store.types import UTCDateTime


class TrainingRecord(SQLModel, table=True):
    __tablename__ = "training_record"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    topic: str
    on: date
    hours: float = 0.0
    result: str = "pass"  # pass fail
    recorded_by_id: int = Field(foreign_key="staff.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class StaffRecord(SQLModel, table=True):
    """Discipline and commendation records kept by the supervisor."""

    __tablename__ = "staff_record"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    kind: str  # late absent violation commendation
    note: str
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_by_id: int = Field(foreign_key="staff.id")


class Review(SQLModel, table=True):
    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    area: str  # workflow attitude discipline inspections handover other
    score: int
    finding: str
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    at: datetime = Field(sa_type=UTCDateTime)
    reviewer_id: int = Field(foreign_key="staff.id")


class Improvement(SQLModel, table=True):
    __tablename__ = "improvement"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    problem: str
    action: str
    owner_id: int = Field(foreign_key="staff.id")
    due: date
    status: str = "open"  # open done dropped
    outcome: str = ""
    ticket_ids: str = "[]"  # JSON list of linked ticket ids
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int = Field(foreign_key="staff.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AssessmentSnapshot(SQLModel, table=True):
    """A finalised performance report: later data changes do not alter it."""

    __tablename__ = "assessment_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(unique=True)
    data: str  # the report's JSON as signed off
    comment: str = ""
    finalized_by_id: int = Field(foreign_key="staff.id")
    finalized_at: datetime = Field(sa_type=UTCDateTime)
