from datetime import datetime

from sqlmodel import Field, SQLModel

from deskctl.store.types import UTCDateTime


class DeskSetting(SQLModel, table=True):
    """A desk-wide setting (SLA targets, weights, auth.require, clock.override …): kept in the
    database, not in anybody's config file, so only a supervisor changes the desk's rules and
    every change is an audit event (docs/design.md §8)."""

    __tablename__ = "desk_setting"

    key: str = Field(primary_key=True, max_length=128)
    value: str  # JSON
    changed_at: datetime = Field(sa_type=UTCDateTime)
    changed_by: str


class LoginSession(SQLModel, table=True):
    """A proven identity at one terminal of one OS user (docs/identity.md). The token itself
    lives only in that OS user's session file; the desk keeps its SHA-256."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    handle: str = Field(index=True, max_length=64)
    os_user: str
    host: str
    terminal: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
