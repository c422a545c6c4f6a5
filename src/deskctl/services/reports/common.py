"""What the reports share: the period options, the JSON envelope, and SQL helpers.

SQL stays dialect-neutral here except for one construct, `seconds_between`, compiled per
dialect (exact on both: SQLite strftime seconds plus stored microseconds; EXTRACT(EPOCH …) elsewhere).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, SQLColumnExpression, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain import kpi
from deskctl.domain.periods import Period, between, day_period, parse_period
from deskctl.domain.ticket_states import OPEN_STATUSES, PRIORITIES
from deskctl.errors import InvalidInput, quote
from deskctl.i18n import _, pgettext
from deskctl.store.tables import Ticket

if TYPE_CHECKING:
    from sqlalchemy.sql.compiler import SQLCompiler

    from deskctl.domain.sla import Calendar

SCHEMA_VERSION = 1


# --- periods -------------------------------------------------------------------------------


def _date_or_instant(text: str, *, tz: tzinfo, now: datetime, option: str) -> date | datetime:
    from deskctl.timeparse import parse_date, parse_instant

    try:
        return parse_date(text, tz=tz, now=now)
    except InvalidInput:
        pass
    try:
        return parse_instant(text, tz=tz, now=now)
    except InvalidInput as exc:
        raise InvalidInput(_("{option} {text}: {detail}").format(option=option, text=quote(text),
                                                                 detail=exc.message)) from None


def resolve_period(
    *,
    period: str | None,
    from_: str | None,
    to: str | None,
    tz: tzinfo,
    now: datetime,
    default: str = "month",
    date_: str | None = None,
) -> Period:
    """The period a report covers, from `--period`, `--from/--to` or `--date` (one of them)."""
    given = [name for name, value in (("--period", period), ("--from/--to", from_ or to), ("--date", date_))
             if value]
    if len(given) > 1:
        raise InvalidInput(_("give either {options}, not both").format(options=pgettext("options", " or ").join(given)))
    if date_:
        from deskctl.timeparse import parse_date

        return day_period(parse_date(date_, tz=tz, now=now), tz)
    if from_ or to:
        if not from_:
            raise InvalidInput(_("--to needs --from (or use --period)"))
        start = _date_or_instant(from_, tz=tz, now=now, option="--from")
        end = _date_or_instant(to, tz=tz, now=now, option="--to") if to else None
        return between(start, end, tz=tz, now=now)
    return parse_period(period or default, tz=tz, now=now)


def envelope(name: str, *, period: Period, now: datetime, tz: tzinfo) -> dict:
    return {
        "report": name,
        "schema_version": SCHEMA_VERSION,
        "generated_at": now,
        "timezone": str(tz),
        "period": period.view(),
    }


def as_of(period: Period, now: datetime) -> datetime:
    """The instant a report looks from: the period's end, or now if the period is not over."""
    return min(period.end, now)


# --- SQL helpers ---------------------------------------------------------------------------


class seconds_between(FunctionElement[float]):  # noqa: N801 - reads as a SQL function
    """Seconds from the first instant column to the second, as a float."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between)
def _seconds_default(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = list(element.clauses)
    # A double, as on SQLite: the same float arithmetic on both engines gives the same figures.
    return (f"CAST(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"
            " AS DOUBLE PRECISION)")


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    """Whole seconds from strftime('%s') plus the difference of the stored microseconds: exact,
    as PostgreSQL's EXTRACT(EPOCH …) is (julianday() arithmetic is off by some 20 µs, enough to
    tip a comparison at a boundary and to make the two engines' reports differ in the last digits).
    Instants are stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (store/types.py)."""
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    # strftime gets the whole seconds only (SQLite rounds a time to milliseconds first, so
    # '…:59.9997' would count as the next second); the microseconds are subtracted as integers
    # and the exact count of microseconds divided once, a correctly rounded double like
    # PostgreSQL's cast of its exact EXTRACT: the same figure, to the last bit, on both engines.
    return (f"(((CAST(strftime('%s', substr({end}, 1, 19)) AS INTEGER)"
            f" - CAST(strftime('%s', substr({start}, 1, 19)) AS INTEGER)) * 1000000"
            f" + (CAST(substr({end}, 21) AS INTEGER) - CAST(substr({start}, 21) AS INTEGER))) / 1000000.0)")


def in_period(column: SQLColumnExpression[Any], period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def count_if(condition: SQLColumnExpression[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def response_target_case(config: Config) -> ColumnElement:
    """The response target in seconds of each ticket's priority, as a SQL CASE."""
    targets = config.sla_targets()
    return case(
        *[(col(Ticket.priority) == p, targets[p][0].total_seconds()) for p in PRIORITIES],
        else_=targets["P4"][0].total_seconds(),
    )


def calendar(config: Config, tz: tzinfo) -> Calendar:
    from deskctl.services.tickets.sla import calendar_from_config

    return calendar_from_config(config, tz)


# --- time to acknowledge / resolve, on the SLA calendar ------------------------------------


def _zero_stats() -> dict:
    return {"count": 0, "total_seconds": 0.0, "ratio_sum": 0.0}


def duration_stats(
    session: Session,
    *,
    config: Config,
    tz: tzinfo,
    where: Iterable[SQLColumnExpression[bool]],
    group: SQLColumnExpression[Any] | None,
    kind: str,
) -> dict[Any, dict]:
    """Per group: how many tickets, the sum of their durations and of their capped ack ratios.

    `kind` is `ack` (opened → acknowledged) or `resolve` (opened → resolved less paused time).
    On the 24×7 calendar this is one GROUP BY; on a business calendar the narrow rows are
    streamed and counted on the calendar (the counting cannot be done in SQL).
    """
    end_col = col(Ticket.acknowledged_at) if kind == "ack" else col(Ticket.resolved_at)
    conditions = [*where, end_col.is_not(None)]
    keys = [group] if group is not None else []
    cal = calendar(config, tz)
    out: dict[Any, dict] = {}
    if getattr(cal, "name", "24x7") == "24x7":
        seconds: ColumnElement[Any] = seconds_between(Ticket.opened_at, end_col)
        if kind == "resolve":
            seconds = seconds - col(Ticket.paused_seconds)
        seconds = case((seconds < 0, 0.0), else_=seconds)
        ratio = seconds / response_target_case(config)
        capped = case((ratio > kpi.ACK_RATIO_CAP, kpi.ACK_RATIO_CAP), else_=ratio)
        rows = session.execute(
            select(*keys, func.count(), func.sum(seconds), func.sum(capped)).where(*conditions).group_by(*keys)
        ).all()
        for row in rows:
            k = row[0] if keys else None
            n, total, ratio_sum = row[-3:]
            if n:
                out[k] = {"count": n, "total_seconds": float(total or 0), "ratio_sum": float(ratio_sum or 0)}
        return out
    targets = {p: config.sla_targets()[p][0].total_seconds() for p in PRIORITIES}
    stmt = select(
        *keys, col(Ticket.opened_at), end_col, col(Ticket.paused_seconds), col(Ticket.priority)
    ).where(*conditions)
    for row in session.execute(stmt.execution_options(yield_per=5000)):
        k = row[0] if keys else None
        opened, ended, paused, priority = row[-4:]
        elapsed = float(cal.seconds_between(opened, ended))
        if kind == "resolve":
            elapsed = max(0.0, elapsed - (paused or 0))
        agg = out.setdefault(k, _zero_stats())
        agg["count"] += 1
        agg["total_seconds"] += elapsed
        agg["ratio_sum"] += kpi.capped_ack_ratio(elapsed, targets.get(priority, targets["P4"]))
    return out


def mean_seconds(stats: dict | None) -> int | None:
    if not stats or not stats["count"]:
        return None
    return int(round(stats["total_seconds"] / stats["count"]))


def pct(part: float, whole: float) -> float | None:
    value = kpi.pct(part, whole)
    return None if value is None else round(value, 1)


# --- backlog --------------------------------------------------------------------------------

AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("<4h", timedelta(hours=4)),
    ("4-24h", timedelta(hours=24)),
    ("1-3d", timedelta(days=3)),
    ("3-7d", timedelta(days=7)),
    (">7d", None),
)


def open_at(instant: datetime, now: datetime) -> ColumnElement:
    """Tickets open at `instant`: by status when that is now, else rebuilt from the timestamps
    (opened before, not resolved and not closed or cancelled before)."""
    if instant >= now:
        return col(Ticket.status).in_(OPEN_STATUSES)
    # Led by closed-at (NULL, or after the instant): the few candidates among millions. The
    # opened-at bound goes through coalesce() so the planner does not scan its index instead.
    return and_(
        or_(col(Ticket.closed_at).is_(None), col(Ticket.closed_at) >= instant),
        func.coalesce(Ticket.opened_at, Ticket.opened_at) < instant,
        or_(col(Ticket.resolved_at).is_(None), col(Ticket.resolved_at) >= instant),
    )


def backlog(session: Session, *, instant: datetime, now: datetime) -> dict:
    """Open tickets at `instant` by priority and by age (time since opening)."""
    bucket_cases: list[tuple[ColumnElement[bool], str]] = []
    for label, limit in AGE_BUCKETS:
        if limit is not None:
            bucket_cases.append((col(Ticket.opened_at) > instant - limit, label))
    bucket = case(*bucket_cases, else_=AGE_BUCKETS[-1][0])
    # grouped by an expression, so the planner does not walk the priority index for the grouping
    priority = func.coalesce(Ticket.priority, "")
    rows = session.execute(
        select(priority, bucket, func.count()).where(open_at(instant, now)).group_by(priority, bucket)
    ).all()
    by_priority = {p: 0 for p in PRIORITIES}
    by_age = {label: 0 for label, _ in AGE_BUCKETS}
    for priority, label, n in rows:
        by_priority[priority] = by_priority.get(priority, 0) + n
        by_age[label] += n
    return {
        "as_of": instant,
        "total": sum(by_priority.values()),
        "by_priority": by_priority,
        "by_age": [{"age": label, "tickets": n} for label, n in by_age.items()],
    }


# --- snapshots ------------------------------------------------------------------------------


def to_plain(data: Any, tz: tzinfo) -> Any:
    """The view as JSON-ready values (instants ISO 8601 in the desk zone), for storing."""

    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return value.astimezone(tz).replace(microsecond=0).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"cannot serialise {type(value).__name__}")

    return json.loads(json.dumps(data, ensure_ascii=False, default=default))
