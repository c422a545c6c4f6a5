"""Supervisor reviews of the desk's work: area, score 1–5, finding, optional person."""

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
from deskctl.store.tables import Review
from deskctl.timeparse import Clock

REVIEW_AREAS = ("workflow", "attitude", "discipline", "inspections", "handover", "other")


def review_view(row: Review, names: dict[int, str]) -> dict:
    return {"id": row.id, "at": row.at, "area": row.area, "score": row.score, "finding": row.finding,
            "staff": names.get(row.staff_id) if row.staff_id else None,
            "reviewer": names.get(row.reviewer_id)}


def add_review(*, session: Session, clock: Clock, actor: str, config: Config, area: str, score: int,
               finding: str, handle: str | None = None) -> dict:
    """A supervisor's review of the desk's work: area, score 1–5, finding, optional person."""
    by = require_supervisor(session, actor)
    area = choice(area, REVIEW_AREAS, "--area")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(_("--score {score} is not 1 to 5 (1 = poor, 5 = excellent)").format(score=score))
    finding = clean_text(finding, "--finding", config, required=True)
    member = get_staff(session, handle) if handle else None
    now = clock.now()
    assert by.id is not None  # a row read from the database
    row = Review(area=area, score=score, finding=finding, staff_id=member.id if member else None,
                 at=now, reviewer_id=by.id)
    session.add(row)
    session.flush()
    audit.append(session, at=now, actor=by.handle, entity="review", entity_id=row.id, kind="added",
                 to_value=str(score), details={"area": area, "finding": finding,
                                               "staff": member.handle if member else None})
    names = {by.id: by.handle}
    if member:
        assert member.id is not None  # a row read from the database
        names[member.id] = member.handle
    return review_view(row, names)


def list_reviews(*, session: Session, handle: str | None = None, area: str | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> list[dict]:
    query = select(Review).order_by(col(Review.at), col(Review.id))
    if handle:
        query = query.where(col(Review.staff_id) == get_staff(session, handle).id)
    if area:
        query = query.where(col(Review.area) == choice(area, REVIEW_AREAS, "--area"))
    if since:
        query = query.where(col(Review.at) >= since)
    if until:
        query = query.where(col(Review.at) < until)
    names = handles_by_id(session)
    return [review_view(r, names) for r in session.execute(query).scalars()]
