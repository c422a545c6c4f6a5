"""Training records, discipline and commendation records, and supervisor reviews.

Who may write: the supervisor records training, discipline/commendation records and reviews
(SPEC §1: "kept by the supervisor"). Anyone may read them. Every change appends an audit event.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlmodel import Session

from deskctl.config import Config
from deskctl.domain import kpi
from deskctl.errors import InvalidInput
from deskctl.services.staff import get_staff, handles_by_id, require_supervisor
from deskctl.store import audit
from deskctl.store.tables import Review, Staff, StaffRecord, TrainingRecord
from deskctl.timeparse import Clock

RESULTS = ("pass", "fail")
RECORD_KINDS = ("late", "absent", "violation", "commendation")
REVIEW_AREAS = ("workflow", "attitude", "discipline", "inspections", "handover", "other")
MAX_HOURS = 1000.0


def _text(value: str | None, field: str, config: Config) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field} must not be empty")
    limit = int(config.get("limits.text_max"))
    if len(text) > limit:
        raise InvalidInput(f"{field} is {len(text)} characters; at most {limit} (limits.text_max)")
    return text


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> str:
    text = (value or "").strip().lower()
    if text not in allowed:
        raise InvalidInput(f"unknown {option} {value!r} (use one of {', '.join(allowed)})")
    return text


# --- training -------------------------------------------------------------------------------


def training_view(row: TrainingRecord, names: dict[int, str]) -> dict:
    return {
        "id": row.id,
        "handle": names.get(row.staff_id),
        "topic": row.topic,
        "on": row.on,
        "hours": row.hours,
        "result": row.result,
        "recorded_by": names.get(row.recorded_by_id),
        "created_at": row.created_at,
    }


def add_training(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, handle: str, topic: str,
    on: date, hours: float = 0.0, result: str = "pass",
) -> dict:
    """Record a training a staff member attended (supervisor only)."""
    by = require_supervisor(session, actor)
    member = get_staff(session, handle)
    topic = _text(topic, "topic", config)
    result = _choice(result, RESULTS, "--result")
    if hours is None or not 0 <= hours <= MAX_HOURS:
        raise InvalidInput(f"--hours {hours} must be between 0 and {MAX_HOURS:g}")
    now = clock.now()
    today = now.astimezone(tz).date()
    if on > today:
        raise InvalidInput(f"--on {on} is in the future; record a training once it has taken place")
    row = TrainingRecord(staff_id=member.id, topic=topic, on=on, hours=float(hours), result=result,
                         recorded_by_id=by.id, created_at=now)
    session.add(row)
    session.flush()
    audit.append(session, at=now, actor=by.handle, entity="training", entity_id=row.id, kind="added",
                 to_value=result, details={"handle": member.handle, "topic": topic, "on": on.isoformat(),
                                           "hours": float(hours)})
    return training_view(row, {member.id: member.handle, by.id: by.handle})


def list_training(*, session: Session, handle: str | None = None, since: date | None = None,
                  until: date | None = None) -> list[dict]:
    query = select(TrainingRecord).order_by(TrainingRecord.on.desc(), TrainingRecord.id.desc())
    if handle:
        query = query.where(TrainingRecord.staff_id == get_staff(session, handle).id)
    if since:
        query = query.where(TrainingRecord.on >= since)
    if until:
        query = query.where(TrainingRecord.on < until)
    names = handles_by_id(session)
    return [training_view(r, names) for r in session.execute(query).scalars()]


def training_status(*, session: Session, config: Config, tz: tzinfo, today: date,
                    include_inactive: bool = False) -> list[dict]:
    """Per staff member: last training, last pass, when the next is due, and whether overdue.

    Only trainings on or before `today` count. Someone never trained is due the interval after
    joining the desk.
    """
    interval = config.duration("training.interval")
    last_any = (select(TrainingRecord.staff_id, func.max(TrainingRecord.on))
                .where(TrainingRecord.on <= today).group_by(TrainingRecord.staff_id))
    last_pass = (select(TrainingRecord.staff_id, func.max(TrainingRecord.on))
                 .where(TrainingRecord.on <= today, TrainingRecord.result == "pass")
                 .group_by(TrainingRecord.staff_id))
    any_on = dict(session.execute(last_any).all())
    pass_on = dict(session.execute(last_pass).all())
    topics = {}
    if any_on:
        for sid, _on, topic in session.execute(
            select(TrainingRecord.staff_id, TrainingRecord.on, TrainingRecord.topic)
            .where(TrainingRecord.on <= today).order_by(TrainingRecord.on, TrainingRecord.id)
        ):
            topics[sid] = topic
    query = select(Staff).order_by(Staff.handle)
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    out = []
    for member in session.execute(query).scalars():
        joined = member.created_at.astimezone(tz).date()
        due_on = kpi.training_due_on(pass_on.get(member.id), joined, interval)
        overdue = kpi.training_overdue(due_on, today)
        out.append({
            "handle": member.handle,
            "name": member.name,
            "role": member.role,
            "last_training_on": any_on.get(member.id),
            "last_topic": topics.get(member.id),
            "last_passed_on": pass_on.get(member.id),
            "due_on": due_on,
            "overdue": overdue,
            "days_overdue": (today - due_on).days if overdue else 0,
            "_id": member.id,
        })
    return out


def training_due(*, session: Session, clock: Clock, config: Config, tz: tzinfo,
                 within: timedelta | None = None) -> list[dict]:
    """Who is past the training interval (and, with `within`, who falls due within it)."""
    today = clock.now().astimezone(tz).date()
    horizon = today + timedelta(days=within.days if within else 0)
    rows = []
    for row in training_status(session=session, config=config, tz=tz, today=today):
        if row["overdue"] or (within and row["due_on"] <= horizon):
            row.pop("_id")
            rows.append(row)
    rows.sort(key=lambda r: (r["due_on"], r["handle"]))
    return rows


# --- discipline and commendation records ------------------------------------------------------


def record_view(row: StaffRecord, names: dict[int, str]) -> dict:
    return {"id": row.id, "handle": names.get(row.staff_id), "kind": row.kind, "note": row.note,
            "at": row.at, "recorded_by": names.get(row.recorded_by_id)}


def add_record(*, session: Session, clock: Clock, actor: str, config: Config, handle: str, kind: str,
               note: str, at: datetime | None = None) -> dict:
    """A discipline or commendation record (supervisor only)."""
    by = require_supervisor(session, actor)
    member = get_staff(session, handle)
    kind = _choice(kind, RECORD_KINDS, "--kind")
    note = _text(note, "--note", config)
    now = clock.now()
    when = at or now
    if when > now:
        raise InvalidInput("--at is in the future; record what has happened")
    row = StaffRecord(staff_id=member.id, kind=kind, note=note, at=when, recorded_by_id=by.id)
    session.add(row)
    session.flush()
    audit.append(session, at=now, actor=by.handle, entity="staff_record", entity_id=row.id, kind="added",
                 to_value=kind, details={"handle": member.handle, "note": note, "at": when.isoformat()})
    return record_view(row, {member.id: member.handle, by.id: by.handle})


def records_for(*, session: Session, handle: str) -> list[dict]:
    member = get_staff(session, handle)
    rows = session.execute(
        select(StaffRecord).where(StaffRecord.staff_id == member.id).order_by(StaffRecord.at, StaffRecord.id)
    ).scalars()
    names = handles_by_id(session)
    return [record_view(r, names) for r in rows]


# --- supervisor reviews ---------------------------------------------------------------------


def review_view(row: Review, names: dict[int, str]) -> dict:
    return {"id": row.id, "at": row.at, "area": row.area, "score": row.score, "finding": row.finding,
            "staff": names.get(row.staff_id) if row.staff_id else None,
            "reviewer": names.get(row.reviewer_id)}


def add_review(*, session: Session, clock: Clock, actor: str, config: Config, area: str, score: int,
               finding: str, handle: str | None = None) -> dict:
    """A supervisor's review of the desk's work: area, score 1–5, finding, optional person."""
    by = require_supervisor(session, actor)
    area = _choice(area, REVIEW_AREAS, "--area")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(f"--score {score} is not 1 to 5 (1 = poor, 5 = excellent)")
    finding = _text(finding, "--finding", config)
    member = get_staff(session, handle) if handle else None
    now = clock.now()
    row = Review(area=area, score=score, finding=finding, staff_id=member.id if member else None,
                 at=now, reviewer_id=by.id)
    session.add(row)
    session.flush()
    audit.append(session, at=now, actor=by.handle, entity="review", entity_id=row.id, kind="added",
                 to_value=str(score), details={"area": area, "finding": finding,
                                               "staff": member.handle if member else None})
    names = {by.id: by.handle}
    if member:
        names[member.id] = member.handle
    return review_view(row, names)


def list_reviews(*, session: Session, handle: str | None = None, area: str | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> list[dict]:
    query = select(Review).order_by(Review.at, Review.id)
    if handle:
        query = query.where(Review.staff_id == get_staff(session, handle).id)
    if area:
        query = query.where(Review.area == _choice(area, REVIEW_AREAS, "--area"))
    if since:
        query = query.where(Review.at >= since)
    if until:
        query = query.where(Review.at < until)
    names = handles_by_id(session)
    return [review_view(r, names) for r in session.execute(query).scalars()]
