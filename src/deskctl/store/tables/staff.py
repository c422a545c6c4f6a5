from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from deskctl.store.types import UTCDateTime


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    __table_args__ = (Index("uq_staff_db_login", "db_login", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(unique=True, max_length=64)
    name: str
    role: str  # supervisor | officer | technician
    tier: int = 1  # 1 desk, 2 second line, 3 specialists
    phone: str = ""
    active: bool = True
    # Contacts for notifications (docs/notify.md)
    email: str = ""
    mobile: str = ""
    wecom_id: str = ""
    dingtalk_id: str = ""
    feishu_id: str = ""
    quiet_hours: str = ""  # HH:MM-HH:MM in the desk zone; empty = the desk's notify.quiet_hours
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Identity (docs/identity.md): an scrypt hash "scrypt$n$r$p$salt$hash", failures in a row,
    # and the instant a lockout ends.
    passphrase_hash: str | None = None
    failed_logins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    db_login: str | None = Field(default=None, max_length=63)  # team mode: its database login
