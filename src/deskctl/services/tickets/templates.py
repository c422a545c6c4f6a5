"""Ticket templates: a frequent fault's fields under a name (docs/design.md §3).

`ticket open --template vpn -r 刘女士` opens the same ticket as typing every field; options
given on the command line win over the template's.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.ticket_states import CHANNELS, check_level, check_priority
from deskctl.errors import Conflict, InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.services.inputs import clean_text
from deskctl.services.people.staff import handles_by_id, require_actor
from deskctl.store import audit
from deskctl.store.tables import TicketTemplate, pk
from deskctl.timeparse import Clock

FIELDS = ("title", "description", "system", "category", "priority", "impact", "urgency", "channel")
NAME_MAX = 40


def _name(name: str) -> str:
    text = (name or "").strip().lower()
    if not text or len(text) > NAME_MAX or any(c.isspace() for c in text):
        raise InvalidInput(_(
                "template name {name}: one word of 1 to {NAME_MAX} characters"
            ).format(name=quote(name), NAME_MAX=NAME_MAX))
    return text


def _get(session: Session, name: str) -> TicketTemplate:
    row: TicketTemplate | None = session.execute(
        select(TicketTemplate).where(col(TicketTemplate.name) == _name(name))).scalar()
    if row is None:
        raise NotFound(_("no ticket template {name} (see `deskctl ticket template list`)").format(name=quote(name)))
    return row


def _view(row: TicketTemplate, handles: dict[int, str]) -> dict:
    return {"name": row.name, **{f: getattr(row, f) for f in FIELDS},
            "created_at": row.created_at, "created_by": handles.get(row.created_by_id)}


def add_template(
    *, session: Session, clock: Clock, actor: str, config: Config, name: str, title: str,
    description: str = "", system: str = "", category: str = "", priority: str | None = None,
    impact: str | None = None, urgency: str | None = None, channel: str | None = None,
) -> dict:
    """Keep a template (any active staff member; officers take the calls)."""
    who = require_actor(session, actor)
    name = _name(name)
    if priority and (impact or urgency):
        raise InvalidInput(_("give --priority or --impact/--urgency, not both"))
    if session.execute(select(col(TicketTemplate.id)).where(col(TicketTemplate.name) == name)).first():
        raise Conflict(_("a ticket template {name} exists; remove it first to replace it").format(name=quote(name)))
    if channel is not None and channel.strip().lower() not in CHANNELS:
        raise InvalidInput(_("invalid channel {channel} (use {channels})").format(
            channel=quote(channel), channels=", ".join(CHANNELS)))
    title = clean_text(title, "--title", config, required=True)
    if "\n" in title or "\r" in title:
        raise InvalidInput(_("title must be one line (put details in --description)"))
    row = TicketTemplate(
        name=name, title=title,
        description=clean_text(description, "--description", config),
        system=clean_text(system, "--system", config), category=clean_text(category, "--category", config),
        priority=check_priority(priority) if priority else None,
        impact=check_level(impact, "impact"), urgency=check_level(urgency, "urgency"),
        channel=channel.strip().lower() if channel else None,
        created_at=clock.now(), created_by_id=pk(who),
    )
    session.add(row)
    session.flush()
    audit.append(session, at=row.created_at, actor=who.handle, entity="ticket_template", entity_id=row.id,
                 kind="added", to_value=name, details={"title": title})
    return _view(row, {pk(who): who.handle})


def list_templates(*, session: Session) -> list[dict]:
    rows = list(session.execute(select(TicketTemplate).order_by(col(TicketTemplate.name))).scalars())
    handles = handles_by_id(session, [r.created_by_id for r in rows])
    return [_view(r, handles) for r in rows]


def remove_template(*, session: Session, clock: Clock, actor: str, name: str) -> dict:
    who = require_actor(session, actor)
    row = _get(session, name)
    view = _view(row, handles_by_id(session, [row.created_by_id]))
    audit.append(session, at=clock.now(), actor=who.handle, entity="ticket_template", entity_id=row.id,
                 kind="removed", from_value=row.name)
    session.delete(row)
    return view


def template_fields(*, session: Session, name: str) -> dict:
    """The fields a template fills in for `ticket open` (empty ones left out)."""
    row = _get(session, name)
    return {f: getattr(row, f) for f in FIELDS if getattr(row, f)}
