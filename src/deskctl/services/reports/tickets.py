"""`report tickets --by …`: counts, time to resolve and reopen rate, grouped one way.

The cohort is the tickets opened in the period. `--by day|week|month` groups by the local day,
ISO week or calendar month of opening and lists every one of the period, zeros included (that
is what the bar chart draws); each is bounded (`MAX_BUCKETS`), so a span of decades is refused
with the limit instead of running away.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import CTE, ColumnElement, String, and_, case, func, select, values
from sqlalchemy.sql import column
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.periods import Period, bucket_bounds, bucket_count
from deskctl.domain.ticket_states import OPEN_STATUSES
from deskctl.errors import InvalidInput, quote
from deskctl.i18n import _
from deskctl.services.people.staff import handles_by_id
from deskctl.services.reports import common
from deskctl.services.reports.common import count_if, duration_stats, in_period, mean_seconds, pct
from deskctl.store.tables import Ticket
from deskctl.store.types import UTCDateTime

DIMENSIONS = ("system", "category", "priority", "assignee", "channel", "day", "week", "month")
# rows of a --by day|week|month report: a year of days, ten years of weeks, a century of months
MAX_BUCKETS = {"day": 366, "week": 522, "month": 1200}
COARSER = {"day": "--by week or --by month", "week": "--by month", "month": "a shorter period"}


def check_dimension(by: str) -> str:
    value = (by or "").strip().lower()
    if value not in DIMENSIONS:
        raise InvalidInput(_("unknown --by {by} (use one of {dimensions})").format(
            by=quote(by), dimensions=", ".join(DIMENSIONS)))
    return value


def check_span(period: Period, by: str) -> int:
    """The number of rows a time grouping gives; more than its limit is refused (exit 2)."""
    n = bucket_count(period, by)
    limit = MAX_BUCKETS[by]
    if n > limit:
        unit = {"day": _("days"), "week": _("weeks"), "month": _("months")}[by]
        raise InvalidInput(_(
            "report tickets --by {by} lists at most {limit} {unit}; {period} has {n} (use {coarser}, or a shorter "
            "--period or --from/--to)"
        ).format(by=by, limit=limit, unit=unit, period=period.label, n=f"{n:,}", coarser=COARSER[by]))
    return n


def _aggregates(where: list) -> list:
    ever_resolved = col(Ticket.resolved_at).is_not(None) | (col(Ticket.reopen_count) > 0)
    return [
        func.count(),
        count_if(col(Ticket.resolved_at).is_not(None)),
        count_if(col(Ticket.status).in_(OPEN_STATUSES)),
        count_if(col(Ticket.status) == "cancelled"),
        count_if(col(Ticket.reopen_count) > 0),
        count_if(ever_resolved),
    ]


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period, by: str) -> dict:
    by = check_dimension(by)
    where = [in_period(col(Ticket.opened_at), period)]
    if by in MAX_BUCKETS:
        check_span(period, by)
        groups = _by_time(session, config=config, tz=tz, period=period, by=by)
    else:
        key = {"system": col(Ticket.system), "category": col(Ticket.category), "priority": col(Ticket.priority),
               "assignee": col(Ticket.assignee_id), "channel": col(Ticket.channel)}[by]
        rows = session.execute(select(key, *_aggregates(where)).where(*where).group_by(key)).all()
        ttr = duration_stats(session, config=config, tz=tz, where=where, group=key, kind="resolve")
        names = handles_by_id(session) if by == "assignee" else {}
        groups = []
        for k, *agg in rows:
            label = names.get(k, "(unassigned)") if by == "assignee" else (k or "(none)")
            groups.append(_row(label, agg, ttr.get(k)))
        groups.sort(key=lambda r: (-r["opened"], r["key"]))
    total_agg = session.execute(select(*_aggregates(where)).where(*where)).one()
    total_ttr = duration_stats(session, config=config, tz=tz, where=where, group=None, kind="resolve")
    view = common.envelope("tickets", period=period, now=now, tz=tz)
    view.update({"by": by, "groups": groups, "total": _row("all", list(total_agg), total_ttr.get(None))})
    return view


def _row(key: Any, agg: Sequence[Any], ttr: dict | None) -> dict:
    opened, resolved, open_, cancelled, reopened, ever_resolved = agg
    return {
        "key": key,
        "opened": opened,
        "resolved": resolved,
        "open": open_,
        "cancelled": cancelled,
        "ttr_mean_seconds": mean_seconds(ttr),
        "reopened": reopened,
        "reopen_rate_pct": pct(reopened, ever_resolved),
    }


def bucket_table(period: Period, tz: tzinfo, by: str = "day") -> tuple[CTE, list[tuple[str, datetime, datetime]]]:
    """The local days, ISO weeks or months of the period as a VALUES table (day, start, end)
    to join on, and their (label, start, end) bounds."""
    bounds = bucket_bounds(period, tz, by)
    table = values(
        column("day", String), column("d_start", UTCDateTime()), column("d_end", UTCDateTime()),
        name="days",
    ).data(bounds).cte("days")
    return table, bounds


def _by_time(session: Session, *, config: Config, tz: tzinfo, period: Period, by: str) -> list[dict]:
    days, bounds = bucket_table(period, tz, by)
    join = and_(Ticket.opened_at >= days.c.d_start, Ticket.opened_at < days.c.d_end)
    where = [in_period(col(Ticket.opened_at), period)]
    found = {
        d: agg for d, *agg in session.execute(
            select(days.c.day, *_aggregates(where)).select_from(days).join(Ticket, join).group_by(days.c.day)
        )
    }
    ttr = _ttr_by_day(session, config=config, tz=tz, bounds=bounds, days=days, join=join)
    return [_row(label, found.get(label, [0] * 6), ttr.get(label)) for label, _, _ in bounds]


def _ttr_by_day(session: Session, *, config: Config, tz: tzinfo, bounds: list[tuple[str, datetime, datetime]],
                days: CTE, join: ColumnElement[bool]) -> dict:
    if common.calendar(config, tz).name == "24x7":
        seconds = common.seconds_between(Ticket.opened_at, Ticket.resolved_at) - Ticket.paused_seconds
        seconds = case((seconds < 0, 0.0), else_=seconds)
        rows = session.execute(
            select(days.c.day, func.count(), func.sum(seconds)).select_from(days).join(Ticket, join)
            .where(col(Ticket.resolved_at).is_not(None)).group_by(days.c.day)
        ).all()
        return {d: {"count": n, "total_seconds": float(t or 0), "ratio_sum": 0.0} for d, n, t in rows}
    out: dict[str, dict] = {}
    for label, start, end in bounds:
        stats = duration_stats(session, config=config, tz=tz,
                               where=[col(Ticket.opened_at) >= start, col(Ticket.opened_at) < end],
                               group=None, kind="resolve")
        if None in stats:
            out[label] = stats[None]
    return out
