"""`report sla`: response and resolution compliance per priority, MTTA, time to resolve, breaches.

The cohort is the tickets opened in the period, cancelled ones left out. A clock is *met* when
it stopped (acknowledged / resolved) without a recorded breach, *breached* when the ticket
recorded a breach (a fact, never re-guessed), *pending* otherwise. Compliance = met ÷ (met +
breached); pending clocks are not judged yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.periods import Period
from deskctl.domain.ticket_states import PRIORITIES
from deskctl.services.people.staff import handles_by_id
from deskctl.services.reports import common
from deskctl.services.reports.common import count_if, duration_stats, in_period, mean_seconds, pct
from deskctl.store.tables import Ticket


def cohort(period: Period) -> list:
    return [in_period(col(Ticket.opened_at), period), col(Ticket.status) != "cancelled"]


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period) -> dict:
    where = cohort(period)
    resp_breached = col(Ticket.response_breached_at).is_not(None)
    res_breached = col(Ticket.resolution_breached_at).is_not(None)
    counts = {
        p: (0, 0, 0, 0, 0) for p in PRIORITIES
    }
    for priority, n, r_met, r_br, s_met, s_br in session.execute(
        select(
            col(Ticket.priority),
            func.count(),
            count_if(col(Ticket.acknowledged_at).is_not(None) & ~resp_breached),
            count_if(resp_breached),
            count_if(col(Ticket.resolved_at).is_not(None) & ~res_breached),
            count_if(res_breached),
        ).where(*where).group_by(col(Ticket.priority))
    ):
        counts[priority] = (n, r_met, r_br, s_met, s_br)
    ack = duration_stats(session, config=config, tz=tz, where=where, group=col(Ticket.priority), kind="ack")
    res = duration_stats(session, config=config, tz=tz, where=where, group=col(Ticket.priority), kind="resolve")
    targets = config.sla_targets()
    rows = []
    for p in PRIORITIES:
        n, r_met, r_br, s_met, s_br = counts[p]
        rows.append(_row(p, n, r_met, r_br, s_met, s_br, ack.get(p), res.get(p),
                         int(targets[p][0].total_seconds()), int(targets[p][1].total_seconds())))
    totals = [sum(c[i] for c in counts.values()) for i in range(5)]
    all_ack = _merge(ack.values())
    all_res = _merge(res.values())
    n, r_met, r_br, s_met, s_br = totals
    total_row = _row("all", n, r_met, r_br, s_met, s_br, all_ack, all_res, None, None)
    view = common.envelope("sla", period=period, now=now, tz=tz)
    view.update({
        "calendar": config.get("sla.calendar.mode"),
        "priorities": rows,
        "total": total_row,
        "breaches": breaches(session, period=period, where=where),
    })
    return view


def _merge(stats: Iterable[dict]) -> dict:
    out = {"count": 0, "total_seconds": 0.0, "ratio_sum": 0.0}
    for s in stats:
        for k in out:
            out[k] += s[k]
    return out


def _row(priority: str, n: int, r_met: int, r_br: int, s_met: int, s_br: int, ack: dict | None, res: dict | None,
         resp_target: int | None, res_target: int | None) -> dict:
    return {
        "priority": priority,
        "tickets": n,
        "response_target_seconds": resp_target,
        "response_met": r_met,
        "response_breached": r_br,
        "response_pending": n - r_met - r_br,
        "response_compliance_pct": pct(r_met, r_met + r_br),
        "mtta_seconds": mean_seconds(ack),
        "resolution_target_seconds": res_target,
        "resolution_met": s_met,
        "resolution_breached": s_br,
        "resolution_pending": n - s_met - s_br,
        "resolution_compliance_pct": pct(s_met, s_met + s_br),
        "resolved": (res or {}).get("count", 0),
        "ttr_mean_seconds": mean_seconds(res),
    }


def breaches(session: Session, *, period: Period, where: list) -> list[dict]:
    """Every recorded breach of a ticket in the cohort: one row per clock."""
    names = handles_by_id(session)
    rows = list(session.execute(
        select(col(Ticket.id), col(Ticket.priority), col(Ticket.title), col(Ticket.status), col(Ticket.assignee_id),
               col(Ticket.response_breached_at), col(Ticket.resolution_breached_at))
        .where(*where, or_(col(Ticket.response_breached_at).is_not(None),
                           col(Ticket.resolution_breached_at).is_not(None)))
    ).all())  # sorted here: an ORDER BY id would make SQLite scan the whole table in id order
    rows.sort(key=lambda r: r[0])
    out = []
    for tid, priority, title, status, assignee, resp_at, res_at in rows:
        for clock, at in (("response", resp_at), ("resolution", res_at)):
            if at is not None:
                out.append({"ticket_id": tid, "priority": priority, "clock": clock, "breached_at": at,
                            "status": status, "assignee": names.get(assignee), "title": title})
    return out
