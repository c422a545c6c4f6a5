from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskctl.store.types import UTCDateTime


class Event(SQLModel, table=True):
    """Append-only, hash-chained record of every change: the audit trail and ticket timelines."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_entity", "entity", "entity_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor: str  # a staff handle, or "system" for cron work such as sweep
    entity: str  # ticket, staff, shift, inspection, config, …
    entity_id: int | None = None
    kind: str  # opened, assigned, note, status, escalated, …
    from_value: str | None = None
    to_value: str | None = None
    details: str = "{}"  # JSON object
    # Who was at the keyboard and when the event was really written (docs/audit.md); empty on
    # events written before schema 0002. `at` is the business instant (a frozen clock on drills).
    os_user: str | None = None
    host: str | None = None
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    prev_hash: str = ""
    hash: str = ""
