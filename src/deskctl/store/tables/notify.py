"""The notification outbox (docs/design.md §11): channels, rules, notifications, fired keys."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskctl.store.types import UTCDateTime


class NotifyChannel(SQLModel, table=True):
    """Where notifications go: an SMTP server, a webhook, a chat robot, a program."""

    __tablename__ = "notify_channel"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    kind: str  # email webhook wecom dingtalk feishu exec
    target: str  # URL, SMTP URL or command line
    secret: str = ""  # literal, env:VAR or file:PATH; empty = none
    created_at: datetime = Field(sa_type=UTCDateTime)


class NotifyRule(SQLModel, table=True):
    """Who hears about an event, through which channel. An event without rules uses the defaults."""

    __tablename__ = "notify_rule"

    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(index=True)
    to: str  # a recipient word (assignee, on-duty, supervisor, owner, person, officers), a handle, or none
    channel_id: int = Field(foreign_key="notify_channel.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class Notification(SQLModel, table=True):
    """One message to deliver through one channel, written in the transaction of its cause."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_due", "status", "next_try_at"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, max_length=64)  # the stable id receivers deduplicate on
    event: str
    channel_id: int = Field(foreign_key="notify_channel.id", index=True)
    to: str = "[]"  # JSON list of staff handles
    priority: str = ""
    payload: str = "{}"  # JSON: id, event, at, to, text and the object
    status: str = "pending"  # pending sent failed
    tries: int = 0
    next_try_at: datetime = Field(sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str = ""
    last_error: str = ""
    delivered_as: str = ""  # its own uid, or the digest that carried it
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class NotifyFired(SQLModel, table=True):
    """A time-based event that has fired (SLA at 75 %, no clock-in, …): each key once, ever."""

    __tablename__ = "notify_fired"

    key: str = Field(primary_key=True, max_length=200)
    at: datetime = Field(sa_type=UTCDateTime)
