"""Training records, and who is due or overdue under the configured interval.

The supervisor records trainings (the desk's rules: regular technical training, kept by the
supervisor); anyone may read them. Every change appends an audit event.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain import kpi
from deskctl.errors import InvalidInput
from deskctl.i18n import _
from deskctl.services.inputs import choice, clean_text
from deskctl.services.people.staff import get_staff, handles_by_id, require_supervisor
from deskctl.store import audit
from deskctl.store.tables import Staff, TrainingRecord
from deskctl.timeparse import Clock

RESULTS = ("pass", "fail")
MAX_HOURS = 1000.0


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
    topic = clean_text(topic, _("topic"), config, required=True)
    result = choice(result, RESULTS, "--result")
    if hours is None or not 0 <= hours <= MAX_HOURS:
        raise InvalidInput(_(
                "--hours {hours} must be between 0 and {MAX_HOURS:g}"
            ).format(hours=hours, MAX_HOURS=MAX_HOURS))
    now = clock.now()
    today = now.astimezone(tz).date()
    if on > today:
        raise InvalidInput(_("--on {on} is in the future; record a training once it has taken place").format(on=on))
    assert member.id is not None and by.id is not None  # rows read from the database
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
    query = select(TrainingRecord).order_by(col(TrainingRecord.on).desc(), col(TrainingRecord.id).desc())
    if handle:
        query = query.where(col(TrainingRecord.staff_id) == get_staff(session, handle).id)
    if since:
        query = query.where(col(TrainingRecord.on) >= since)
    if until:
        query = query.where(col(TrainingRecord.on) < until)
    names = handles_by_id(session)
    return [training_view(r, names) for r in session.execute(query).scalars()]


def training_status(*, session: Session, config: Config, tz: tzinfo, today: date,
                    include_inactive: bool = False) -> list[dict]:
    """Per staff member: last training, last pass, when the next is due, and whether overdue.

    Only trainings on or before `today` count. Someone never trained is due the interval after
    joining the desk.
    """
    interval = config.duration("training.interval")
    last_any = (select(col(TrainingRecord.staff_id), func.max(col(TrainingRecord.on)))
                .where(col(TrainingRecord.on) <= today).group_by(col(TrainingRecord.staff_id)))
    last_pass = (select(col(TrainingRecord.staff_id), func.max(col(TrainingRecord.on)))
                 .where(col(TrainingRecord.on) <= today, col(TrainingRecord.result) == "pass")
                 .group_by(col(TrainingRecord.staff_id)))
    any_on = dict(session.execute(last_any).all())
    pass_on = dict(session.execute(last_pass).all())
    topics = {}
    if any_on:
        for sid, _on, topic in session.execute(
            select(col(TrainingRecord.staff_id), col(TrainingRecord.on), col(TrainingRecord.topic))
            .where(col(TrainingRecord.on) <= today).order_by(col(TrainingRecord.on), col(TrainingRecord.id))
        ):
            topics[sid] = topic
    query = select(Staff).order_by(Staff.handle)
    if not include_inactive:
        query = query.where(col(Staff.active).is_(True))
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
