"""The outbox: notifications written in the same transaction as the change that causes them
(docs/design.md §11), so nothing is announced that did not happen and nothing that
happened is lost. `notify run` delivers them later (services/notify/delivery.py).

`emit` turns one event into one row per channel (and per quiet-hours group of recipients); a
time-based event carries a key that fires once, ever (`notify_fired`, a primary key), however
often and from however many processes `notify run` or `ticket sweep` look.
"""

from __future__ import annotations

import json
import uuid
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.i18n import N_, _, speaking
from deskctl.services.notify import quick
from deskctl.services.notify.catalogue import EVENTS
from deskctl.timeparse import local_text, parse_time_of_day

if TYPE_CHECKING:
    from deskctl.store.tables import Notification, NotifyChannel, Staff, Ticket

_SETUP = "notify_setup"


def context(session: Session) -> tuple[Config, tzinfo]:
    """The desk's config and zone for the unit of work this session belongs to."""
    unit = session.info.get("unit")
    if unit is not None:
        return unit.config, unit.tz
    return Config(path=Path("config.toml")), UTC


def forget_setup(session: Session) -> None:
    """Channels or rules changed in this session: read them again."""
    session.info.pop(_SETUP, None)


def _setup(session: Session) -> tuple[list[NotifyChannel], dict[str, list[tuple[str, int]]]]:
    cached = session.info.get(_SETUP)
    if cached is None:
        from deskctl.store.tables import NotifyChannel, NotifyRule

        channels = list(session.execute(select(NotifyChannel).order_by(col(NotifyChannel.id))).scalars())
        rules: dict[str, list[tuple[str, int]]] = {}
        if channels:
            for rule in session.execute(select(NotifyRule).order_by(col(NotifyRule.id))).scalars():
                rules.setdefault(rule.event, []).append((rule.to, rule.channel_id))
        cached = (channels, rules)
        session.info[_SETUP] = cached
    return cached


def has_channels(session: Session) -> bool:
    cached = session.info.get(_SETUP)
    if cached is not None:
        return bool(cached[0])
    if quick.any_channel(session):
        return True
    session.info[_SETUP] = ([], {})
    return False


def already_fired(session: Session, keys: list[str]) -> set[str]:
    return quick.fired_keys(session, keys) if keys else set()


def _json_default(tz: tzinfo) -> Any:
    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(tz).replace(microsecond=0).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        raise TypeError(f"cannot serialise {type(value).__name__}")
    return default


def quiet_until(now: datetime, hours: str, tz: tzinfo) -> datetime | None:
    """The end of the quiet period `hours` (HH:MM-HH:MM, desk zone) that `now` falls in, or None."""
    if not hours:
        return None
    start_text, end_text = hours.split("-")
    start, end = parse_time_of_day(start_text), parse_time_of_day(end_text)
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)

    def at(day: date, when: time) -> datetime:
        return datetime.combine(day, when, tzinfo=tz).astimezone(UTC)

    if start < end:
        return at(local.date(), end) if start <= t < end else None
    if t >= start:
        return at(local.date() + timedelta(days=1), end)
    if t < end:
        return at(local.date(), end)
    return None


class Resolver:
    """Recipient words to active staff handles, for one event at one instant."""

    def __init__(self, session: Session, now: datetime, audience: dict[str, list[str]]) -> None:
        self.session, self.now, self.audience = session, now, audience
        self._active: dict[str, Staff] | None = None

    @property
    def active(self) -> dict[str, Staff]:
        if self._active is None:
            from deskctl.store.tables import Staff

            rows = self.session.execute(select(Staff).where(col(Staff.active).is_(True))).scalars()
            self._active = {m.handle: m for m in rows}
        return self._active

    def on_duty(self) -> list[str]:
        from deskctl.services.shifts.views import on_duty_at

        return [m.handle for m in on_duty_at(session=self.session, at=self.now)
                if m.role in ("officer", "supervisor") and m.active]

    def __call__(self, word: str) -> list[str]:
        if word == "none":
            return []
        if word == "supervisor":
            return sorted(h for h, m in self.active.items() if m.role == "supervisor")
        if word == "on-duty":
            return self.on_duty()
        if word in self.audience:
            handles = [h for h in self.audience[word] if h in self.active]
            if not handles and word in ("assignee", "owner"):
                # nobody holds it: the officers on duty; with nobody on duty either, the supervisors
                return self.on_duty() or self("supervisor")
            return handles
        if word in self.active:  # a handle named in a rule
            return [word]
        return []


def emit(
    session: Session,
    *,
    now: datetime,
    event: str,
    text: str,
    obj: tuple[str, Any],
    audience: dict[str, list[str]] | None = None,
    priority: str = "",
    key: str | None = None,
) -> list[Notification]:
    """Write the notifications of one event (nothing when there are no channels)."""
    from deskctl.store.tables import Notification, NotifyFired, pk

    assert event in EVENTS, event
    if key is not None:
        if session.get(NotifyFired, key) is not None:
            return []
        session.add(NotifyFired(key=key, at=now))
    channels, rules = _setup(session)
    if not channels:
        return []
    config, tz = context(session)
    by_id = {pk(c): c for c in channels}
    routes = rules.get(event) or [(word, pk(c)) for word in EVENTS[event][0] for c in channels]
    resolve = Resolver(session, now, audience or {})
    recipients: dict[int, list[str]] = {}
    for word, channel_id in routes:
        if channel_id not in by_id:
            continue
        handles = recipients.setdefault(channel_id, [])
        handles.extend(h for h in resolve(word) if h not in handles)
    desk_quiet = str(config.get("notify.quiet_hours"))
    rows = []
    for channel_id, handles in recipients.items():
        if not handles:
            continue
        groups: dict[datetime, list[str]] = {}
        for handle in handles:
            member = resolve.active.get(handle)
            held = None
            if priority != "P1" and member is not None:
                held = quiet_until(now, member.quiet_hours or desk_quiet, tz)
            groups.setdefault(held or now, []).append(handle)
        for send_at, group in sorted(groups.items()):
            uid = str(uuid.uuid4())
            payload = {"id": uid, "event": event, "at": now, "to": group, "text": text, obj[0]: obj[1]}
            row = Notification(
                uid=uid, event=event, channel_id=channel_id, to=json.dumps(group), priority=priority,
                payload=json.dumps(payload, ensure_ascii=False, default=_json_default(tz)),
                status="pending", next_try_at=send_at, created_at=now,
            )
            session.add(row)
            rows.append(row)
    return rows


# --- ticket events, from the ticket lifecycle's own audit events ------------------------------


def ticket_object(session: Session, ticket: Ticket, now: datetime) -> dict:
    """The ticket as `ticket show --json` gives it (without the timeline)."""
    from deskctl.services.people.staff import handles_by_id
    from deskctl.services.tickets.views import clock_view, sla_clocks, ticket_view

    config, tz = context(session)
    view = ticket_view(ticket, handles_by_id(session, (ticket.assignee_id, ticket.opened_by_id,
                                                       ticket.resolved_by_id)))
    view["sla"] = {name: clock_view(c) for name, c in sla_clocks(ticket, now=now, config=config, tz=tz).items()}
    return view


def composing(session: Session) -> AbstractContextManager[None]:
    """Compose notification texts in the desk's `notify.language` (not the language of the
    process that happens to write them): `with composing(session): text = …`."""
    config, _tz = context(session)
    return speaking(str(config.get("notify.language")))


_BREACHED = {
    "response": N_("Ticket {n} ({p}) missed its response target (due {due}): {title}. Assignee: {who}. "
                   "See: deskctl ticket show {n}"),
    "resolution": N_("Ticket {n} ({p}) missed its resolution target (due {due}): {title}. Assignee: {who}. "
                     "See: deskctl ticket show {n}"),
}
_WARNING = {
    "response": N_("Ticket {n} ({p}) has used 75% of its response target, due {due}: {title}. {act}"),
    "resolution": N_("Ticket {n} ({p}) has used 75% of its resolution target, due {due}: {title}. {act}"),
}


def ticket_text(event: str, view: dict, when: str, *, clock: str = "", due: str = "") -> str:
    """The text of a ticket's notification, in the language bound now (see `composing`)."""
    values = {"n": view["id"], "p": view["priority"], "title": view["title"], "who": view["assignee"],
              "when": when, "due": due, "tier": view.get("tier")}
    if event == "ticket.opened":
        if view["system"]:
            msg = _("{p} ticket {n} opened at {when}: {title}, system {system}, reported by {reporter}. "
                    "Dispatch it: deskctl ticket assign {n} HANDLE")
        else:
            msg = _("{p} ticket {n} opened at {when}: {title}, reported by {reporter}. "
                    "Dispatch it: deskctl ticket assign {n} HANDLE")
        return msg.format(system=view["system"], reporter=view["reporter"], **values)
    if event == "inspection.finding":
        return _("Inspection finding: ticket {n} ({p}) assigned to {who} at {when}: {title}. "
                 "Acknowledge: deskctl ticket ack {n}").format(**values)
    if event == "ticket.assigned":
        return _("Ticket {n} ({p}) assigned to {who} at {when}: {title}. "
                 "Acknowledge: deskctl ticket ack {n}").format(**values)
    if event == "ticket.escalated":
        if values["who"]:
            return _("Ticket {n} ({p}) escalated to tier {tier} and assigned to {who} at {when}: {title}. "
                     "Acknowledge: deskctl ticket ack {n}").format(**values)
        return _("Ticket {n} ({p}) escalated to tier {tier} at {when}, nobody to take it: {title}. "
                 "Dispatch it: deskctl ticket assign {n} HANDLE").format(**values)
    if event == "ticket.released":
        if values["who"]:
            return _("Ticket {n} ({p}) handed back to tier 1 at {when} and assigned to {who}: {title}. "
                     "Acknowledge: deskctl ticket ack {n}").format(**values)
        return _("Ticket {n} ({p}) handed back to tier 1 at {when}, nobody on duty to take it: {title}. "
                 "Dispatch it: deskctl ticket assign {n} HANDLE").format(**values)
    if event == "ticket.breached":
        return _(_BREACHED[clock]).format(**{**values, "who": values["who"] or _("nobody")})
    # ticket.sla_warning
    if not values["who"]:
        act = _("Dispatch it: deskctl ticket assign {n} HANDLE").format(**values)
    elif clock == "response":
        act = _("Acknowledge: deskctl ticket ack {n}").format(**values)
    else:
        act = _("Resolve: deskctl ticket resolve {n} --resolution TEXT").format(**values)
    return _(_WARNING[clock]).format(act=act, **values)


def on_ticket_event(session: Session, ticket: Ticket, *, kind: str, at: datetime, details: dict,
                    to_value: str | None = None) -> None:
    """Called by the ticket lifecycle for each event it appends (same transaction)."""
    key = None
    clock = due = ""
    if kind == "opened":
        if ticket.priority not in ("P1", "P2"):
            return
        event = "ticket.opened"
    elif kind == "assigned":
        finding = str(details.get("reason") or "").startswith("finding of inspection plan")
        event = "inspection.finding" if finding else "ticket.assigned"
    elif kind == "escalated":
        event = "ticket.escalated"
    elif kind == "released":
        event = "ticket.released"
    elif kind == "sla_breach" and to_value in ("response", "resolution"):
        event, clock = "ticket.breached", to_value
        key = f"ticket:{ticket.id}:{clock}:breached"
    else:
        return
    if key is None and not has_channels(session):
        return
    _config, tz = context(session)
    view = ticket_object(session, ticket, at)
    if clock:
        due = local_text(getattr(ticket, f"{clock}_due_at"), tz)
    with composing(session):
        text = ticket_text(event, view, local_text(at, tz), clock=clock, due=due)
    emit(session, now=at, event=event, text=text, obj=("ticket", view), priority=ticket.priority, key=key,
         audience={"assignee": [view["assignee"]] if view["assignee"] else [],
                   "owner": [view["assignee"]] if view["assignee"] else []})
