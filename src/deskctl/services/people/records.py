"""Discipline and commendation records, kept by the supervisor; anyone may read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import InvalidInput
from deskctl.i18n import _
from deskctl.services.inputs import choice, clean_text
from deskctl.services.people.staff import get_staff, handles_by_id, require_supervisor
from deskctl.store import audit
from deskctl.store.tables import StaffRecord
from deskctl.timeparse import Clock

RECORD_KINDS = ("late", "absent", "violation", "commendation")


def record_view(row: StaffRecord, names: dict[int, str]) -> dict:
    return {"id": row.id, "handle": names.get(row.staff_id), "kind": row.kind, "note": row.note,
            "at": row.at, "recorded_by": names.get(row.recorded_by_id)}


def add_record(*, session: Session, clock: Clock, actor: str, config: Config, handle: str, kind: str,
               note: str, at: datetime | None = None) -> dict:
    """A discipline or commendation record (supervisor only)."""
    by = require_supervisor(session, actor)
    member = get_staff(session, handle)
    kind = choice(kind, RECORD_KINDS, "--kind")
    note = clean_text(note, "--note", config, required=True)
    now = clock.now()
    when = at or now
    if when > now:
        raise InvalidInput(_("--at is in the future; record what has happened"))
    assert member.id is not None and by.id is not None  # rows read from the database
    row = StaffRecord(staff_id=member.id, kind=kind, note=note, at=when, recorded_by_id=by.id)
    session.add(row)
    session.flush()
    audit.append(session, at=now, actor=by.handle, entity="staff_record", entity_id=row.id, kind="added",
                 to_value=kind, details={"handle": member.handle, "note": note, "at": when.isoformat()})
    return record_view(row, {member.id: member.handle, by.id: by.handle})


def records_for(*, session: Session, handle: str) -> list[dict]:
    member = get_staff(session, handle)
    rows = session.execute(
        select(StaffRecord)
        .where(col(StaffRecord.staff_id) == member.id)
        .order_by(col(StaffRecord.at), col(StaffRecord.id))
    ).scalars()
    names = handles_by_id(session)
    return [record_view(r, names) for r in rows]
