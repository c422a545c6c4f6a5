"""`report training`: per person the last training, hours trained in the period, and who is
overdue (past `training.interval` since the last passed training) as of the period's end."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.periods import Period, local_date
from deskctl.services.people.training import training_status
from deskctl.services.reports import common
from deskctl.services.reports.common import count_if
from deskctl.store.tables import TrainingRecord


def as_of_day(period: Period, now: datetime, tz: tzinfo) -> date:
    """The last local day the report judges: the period's last day, or today."""
    return local_date(common.as_of(period, now) - timedelta(microseconds=1), tz)


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period) -> dict:
    today = as_of_day(period, now, tz)
    in_days = (col(TrainingRecord.on) >= period.first_day, col(TrainingRecord.on) < period.end_day)
    sums = {
        sid: (n, float(h or 0), passed)
        for sid, n, h, passed in session.execute(
            select(col(TrainingRecord.staff_id), func.count(), func.sum(col(TrainingRecord.hours)),
                   count_if(col(TrainingRecord.result) == "pass"))
            .where(*in_days).group_by(col(TrainingRecord.staff_id))
        )
    }
    rows = []
    for st in training_status(session=session, config=config, tz=tz, today=today):
        n, hours, passed = sums.get(st.pop("_id"), (0, 0.0, 0))
        rows.append({
            "handle": st["handle"], "name": st["name"], "role": st["role"],
            "last_training_on": st["last_training_on"], "last_topic": st["last_topic"],
            "last_passed_on": st["last_passed_on"],
            "sessions_in_period": n, "passed_in_period": passed, "hours_in_period": round(hours, 2),
            "due_on": st["due_on"], "overdue": st["overdue"], "days_overdue": st["days_overdue"],
        })
    view = common.envelope("training", period=period, now=now, tz=tz)
    view.update({
        "interval": config.get("training.interval"),
        "as_of": today,
        "people": rows,
        "total": {
            "people": len(rows),
            "overdue": sum(1 for r in rows if r["overdue"]),
            "sessions": sum(r["sessions_in_period"] for r in rows),
            "hours": round(sum(r["hours_in_period"] for r in rows), 2),
        },
    })
    return view
