"""All tables, in the desk's words. Importing this registers them on SQLModel.metadata."""

from deskctl.store.tables.events import Event
from deskctl.store.tables.inspections import (
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectionRun,
)
from deskctl.store.tables.people import (
    AssessmentSnapshot,
    Improvement,
    Review,
    StaffRecord,
    TrainingRecord,
)
from deskctl.store.tables.shifts import Handover, Shift, ShiftType, SwapRequest
from deskctl.store.tables.staff import Staff
from deskctl.store.tables.tickets import Ticket

__all__ = [
    "AssessmentSnapshot",
    "Event",
    "Handover",
    "Improvement",
    "InspectionItem",
    "InspectionPlan",
    "InspectionResult",
    "InspectionRun",
    "Review",
    "Shift",
    "ShiftType",
    "Staff",
    "StaffRecord",
    "SwapRequest",
    "Ticket",
    "TrainingRecord",
]
