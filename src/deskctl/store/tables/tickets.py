from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskctl.store.tables import staff  # noqa: F401  (its table is a foreign-key target here)
from deskctl.store.types import UTCDateTime


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_status_opened", "status", "opened_at"),
        Index("ix_ticket_assignee_status", "assignee_id", "status", "opened_at"),
        Index("ix_ticket_priority_status", "priority", "status", "opened_at"),
        Index("ix_ticket_system_opened", "system", "opened_at"),
        Index("ix_ticket_opened", "opened_at"),
        Index("ix_ticket_resolved", "resolved_at"),
        Index("ix_ticket_closed", "closed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str
    description: str = ""
    reporter: str
    contact: str = ""
    system: str = ""
    category: str = ""
    channel: str = "phone"  # phone | email | walk-in | monitoring | inspection
    priority: str  # P1..P4
    impact: str | None = None
    urgency: str | None = None
    status: str = "new"  # new assigned in_progress waiting resolved closed cancelled
    tier: int = 1
    assignee_id: int | None = Field(default=None, foreign_key="staff.id")
    opened_by_id: int | None = Field(default=None, foreign_key="staff.id")
    opened_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # SLA clocks: deadlines move on resume by the paused (calendar) time; breaches are facts.
    waiting_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paused_seconds: int = 0
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response_breached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution_breached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    auto_escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolution: str = ""
    rating: int | None = None
    rating_comment: str = ""
    confirmed: bool | None = None  # None until closed; False = closed unconfirmed
    close_reason: str = ""
    cancel_reason: str = ""
    duplicate_of_id: int | None = Field(default=None, foreign_key="ticket.id")
    reopen_count: int = 0
    reassign_count: int = 0  # assignments after the first, and escalations
    resolved_by_id: int | None = Field(default=None, foreign_key="staff.id")
    resolved_tier: int | None = None
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1
