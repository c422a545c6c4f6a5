from datetime import datetime

from sqlmodel import Field, SQLModel

from deskctl.store.tables import staff  # noqa: F401  (its table is a foreign-key target here)
from deskctl.store.types import UTCDateTime


class TicketTemplate(SQLModel, table=True):
    """A frequent fault's fields, kept under a name: `ticket open --template NAME -r …`."""

    __tablename__ = "ticket_template"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    title: str
    description: str = ""
    system: str = ""
    category: str = ""
    priority: str | None = None
    impact: str | None = None
    urgency: str | None = None
    channel: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int = Field(foreign_key="staff.id")
