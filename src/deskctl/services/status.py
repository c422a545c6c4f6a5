"""`deskctl status`: one screen composed of the sections each area contributes."""

from __future__ import annotations

from datetime import tzinfo

from sqlmodel import Session

from deskctl.config import Config
from deskctl.timeparse import Clock


def desk_status(*, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo) -> dict:
    from deskctl.services.inspections import plans as inspections
    from deskctl.services.notify import delivery as notifications
    from deskctl.services.people import improvements
    from deskctl.services.shifts import views as shifts
    from deskctl.services.tickets import views as ticket_views

    now = clock.now()
    view: dict = {"generated_at": now, "timezone": str(tz), "user": actor}
    for section in (shifts, ticket_views, inspections, improvements, notifications):
        view.update(section.status_section(session=session, now=now, actor=actor, config=config, tz=tz))
    return view
