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
    created_at: datetime = Field(sa_type=UTCDateTime)
    db_login: str | None = Field(default=None, max_length=63)  # team mode: its database login
