"""`report recurring`: systems, categories and reporters with repeated faults in the period.

A group recurs when at least `recurring.threshold` tickets were opened for it in the period
(cancelled tickets — mistakes and duplicates — left out). Each group lists its ticket ids and
the improvement actions that already link any of them: the candidates for `improve add`.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.periods import Period
from deskctl.errors import InvalidInput
from deskctl.i18n import _
from deskctl.services.reports import common
from deskctl.services.reports.common import in_period
from deskctl.store.tables import Improvement, Ticket

DIMENSIONS = {"system": col(Ticket.system), "category": col(Ticket.category), "reporter": col(Ticket.reporter)}


def build(*, session: Session, now: datetime, config: Config, tz: tzinfo, period: Period,
          threshold: int | None = None) -> dict:
    limit = int(threshold if threshold is not None else config.get("recurring.threshold"))
    if limit < 2:
        raise InvalidInput(_("--threshold {limit}: a fault recurs from 2 tickets on").format(limit=limit))
    where = [in_period(col(Ticket.opened_at), period), col(Ticket.status) != "cancelled"]
    links = _improvement_links(session)
    groups = []
    for name, column in DIMENSIONS.items():
        heads = session.execute(
            select(column, func.count(), func.min(col(Ticket.opened_at)), func.max(col(Ticket.opened_at)))
            .where(*where, column != "").group_by(column).having(func.count() >= limit)
        ).all()
        if not heads:
            continue
        ids: dict[str, list[int]] = {k: [] for k, *_ in heads}
        keys = list(ids)
        for i in range(0, len(keys), 500):
            for key, tid in session.execute(
                select(column, col(Ticket.id)).where(*where, column.in_(keys[i:i + 500]))
            ):
                ids[key].append(tid)
        for found in ids.values():
            found.sort()
        for key, n, first, last in heads:
            linked = sorted({imp for tid in ids[key] for imp in links.get(tid, ())})
            groups.append({"dimension": name, "key": key, "tickets": n, "first_at": first, "last_at": last,
                           "ticket_ids": ids[key], "improvements": linked})
    groups.sort(key=lambda g: (-g["tickets"], g["dimension"], g["key"]))
    view = common.envelope("recurring", period=period, now=now, tz=tz)
    view.update({"threshold": limit, "groups": groups})
    return view


def _improvement_links(session: Session) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for imp_id, raw in session.execute(select(col(Improvement.id), col(Improvement.ticket_ids))):
        for tid in json.loads(raw or "[]"):
            out.setdefault(int(tid), []).append(imp_id)
    return out


