"""All tables, in the desk's words.

A table's module is imported when one of its classes is first asked for
(`from deskctl.store.tables import Ticket`), so a ticket command does not pay for defining the
shift, inspection and people models (~50 ms). Each module imports the modules whose tables its
foreign keys name. `load_all()` registers every table on SQLModel.metadata, for the migration
environment and the schema tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from sqlmodel import SQLModel

# Constraint and index names the same on SQLite and PostgreSQL, so that a revision can name the
# constraint it drops or changes on both engines (PostgreSQL would otherwise pick its own names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

_MODULE_OF: dict[str, str] = {
    "DeskSetting": "desk",
    "Event": "events",
    "InspectionItem": "inspections",
    "InspectionPlan": "inspections",
    "InspectionResult": "inspections",
    "InspectionRun": "inspections",
    "AssessmentSnapshot": "people",
    "Improvement": "people",
    "LoginSession": "desk",
    "Review": "people",
    "StaffRecord": "people",
    "TrainingRecord": "people",
    "Handover": "shifts",
    "Shift": "shifts",
    "ShiftType": "shifts",
    "SwapRequest": "shifts",
    "Notification": "notify",
    "NotifyChannel": "notify",
    "NotifyFired": "notify",
    "NotifyRule": "notify",
    "Staff": "staff",
    "Ticket": "tickets",
    "TicketTemplate": "templates",
}

__all__ = [
    "AssessmentSnapshot",
    "DeskSetting",
    "Event",
    "Handover",
    "Improvement",
    "InspectionItem",
    "InspectionPlan",
    "InspectionResult",
    "InspectionRun",
    "LoginSession",
    "Notification",
    "NotifyChannel",
    "NotifyFired",
    "NotifyRule",
    "Review",
    "Shift",
    "ShiftType",
    "Staff",
    "StaffRecord",
    "SwapRequest",
    "Ticket",
    "TicketTemplate",
    "TrainingRecord",
    "load_all",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value
    return value


class _Row(Protocol):
    id: int | None


def pk(row: _Row) -> int:
    """The id of a row read from the database or flushed: SQLModel types every id as optional,
    because a new row has none until it is flushed."""
    assert row.id is not None, f"{type(row).__name__} has no id yet"
    return row.id


def load_all() -> None:
    """Import every table module (all tables on SQLModel.metadata)."""
    for name in _MODULE_OF:
        __getattr__(name)


if TYPE_CHECKING:
    from deskctl.store.tables.desk import DeskSetting, LoginSession
    from deskctl.store.tables.events import Event
    from deskctl.store.tables.inspections import (
        InspectionItem,
        InspectionPlan,
        InspectionResult,
        InspectionRun,
    )
    from deskctl.store.tables.notify import Notification, NotifyChannel, NotifyFired, NotifyRule
    from deskctl.store.tables.people import (
        AssessmentSnapshot,
        Improvement,
        Review,
        StaffRecord,
        TrainingRecord,
    )
    from deskctl.store.tables.shifts import Handover, Shift, ShiftType, SwapRequest
    from deskctl.store.tables.staff import Staff
    from deskctl.store.tables.templates import TicketTemplate
    from deskctl.store.tables.tickets import Ticket
