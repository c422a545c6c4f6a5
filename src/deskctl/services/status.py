"""`deskctl status`: one screen composed of the sections each area contributes (docs/design.md §13).

Each section is a module with `status_section(*, session, now, actor, config, tz, limit)`
returning its keys: counts, at most `limit` rows of each list (None: all), and `alerts`, a list
of (rank, short phrase) gathered into the one alert line at the top, in rank order: 10 nobody on
duty or not clocked in, 20 SLA breaches, 30 overdue inspections, 40 a handover pending, 50 failed
notifications. A new area adds its module to SECTIONS and its alert with a rank.
"""

from __future__ import annotations

from datetime import tzinfo
from importlib import import_module

from sqlmodel import Session

from deskctl.config import Config
from deskctl.timeparse import Clock

SECTIONS = (
    "deskctl.services.shifts.views",
    "deskctl.services.tickets.views",
    "deskctl.services.inspections.plans",
    "deskctl.services.people.improvements",
    "deskctl.services.notify.delivery",
)


def desk_status(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, limit: int | None = 20
) -> dict:
    """The desk at a glance; `limit` rows of each list (None: every row, `status --full`)."""
    now = clock.now()
    view: dict = {"generated_at": now, "timezone": str(tz), "user": actor, "alerts": []}
    alerts: list[tuple[int, str]] = []
    for name in SECTIONS:
        section = import_module(name).status_section(
            session=session, now=now, actor=actor, config=config, tz=tz, limit=limit)
        alerts.extend(section.pop("alerts", []))
        view.update(section)
    view["alerts"] = [text for _, text in sorted(alerts, key=lambda a: a[0])]
    return view
