"""Channels and rules: where notifications go and who hears what (docs/notify.md)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import Conflict, InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.services.inputs import choice, clean_text
from deskctl.services.notify.catalogue import EVENTS, KINDS, RECIPIENTS
from deskctl.services.notify.outbox import forget_setup
from deskctl.services.people.staff import require_supervisor
from deskctl.store import audit
from deskctl.store.tables import Notification, NotifyChannel, NotifyRule, Staff, pk
from deskctl.timeparse import Clock

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$", re.IGNORECASE)
EMAIL_SCHEMES = ("smtp", "smtps", "smtp+plain")


class SecretMissing(Exception):
    """A secret given as env:VAR or file:PATH cannot be read at delivery."""


def resolve_secret(secret: str) -> str:
    """The secret's value: literal, `env:VAR` or `file:PATH` (read at delivery)."""
    if secret.startswith("env:"):
        name = secret[4:]
        value = os.environ.get(name)
        if not value:
            raise SecretMissing(_("secret env:{name} is not set").format(name=name))
        return value
    if secret.startswith("file:"):
        path = Path(secret[5:]).expanduser()
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecretMissing(_("secret file:{path} cannot be read: {reason}").format(
                path=path, reason=exc.strerror or exc)) from None
    return secret


def secret_shown(secret: str) -> str:
    """How lists show a secret: references as given, a literal never (`(set)`)."""
    if not secret:
        return ""
    if secret.startswith(("env:", "file:")):
        return secret
    return "(set)"


def check_target(kind: str, target: str) -> str:
    """A target the channel's kind can use: a URL, an SMTP URL or a command (exit 2 otherwise)."""
    if kind == "exec":
        try:
            argv = shlex.split(target)
        except ValueError as exc:
            raise InvalidInput(_("--target {target} is not a command line: {reason}").format(
                target=quote(target), reason=exc)) from None
        if not argv:
            raise InvalidInput(_("--target must name a program for an exec channel"))
        if shutil.which(argv[0]) is None:
            raise InvalidInput(_("--target: program {program} is not found or not executable").format(
                program=quote(argv[0])))
        return target
    parts = urlsplit(target)
    if kind == "email":
        if parts.scheme not in EMAIL_SCHEMES or not parts.hostname:
            raise InvalidInput(_(
                "--target {target} is not an SMTP URL (use smtp://USER@HOST:587 for STARTTLS, "
                "smtps://USER@HOST:465 for TLS, smtp+plain://HOST:25 for a local relay; ?from=ADDRESS)"
            ).format(target=quote(target)))
        try:
            parts.port  # noqa: B018  (a bad port raises)
        except ValueError:
            raise InvalidInput(_("--target {target} has an invalid port").format(target=quote(target))) from None
        query = parse_qs(parts.query)
        sender = (query.get("from") or [parts.username or ""])[0]
        if "@" not in (sender or "").replace("%40", "@"):
            raise InvalidInput(_("--target {target}: give the sender address as ?from=ADDRESS").format(
                target=quote(target)))
        return target
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(_("--target {target} is not an http(s) URL").format(target=quote(target)))
    try:
        parts.port  # noqa: B018
    except ValueError:
        raise InvalidInput(_("--target {target} has an invalid port").format(target=quote(target))) from None
    return target


def get_channel(session: Session, name: str) -> NotifyChannel:
    row: NotifyChannel | None = session.execute(
        select(NotifyChannel).where(col(NotifyChannel.name) == name)).scalar_one_or_none()
    if row is None:
        raise NotFound(_("no notification channel {name} (see `deskctl notify channel list`)").format(
            name=quote(name)))
    return row


def channel_view(row: NotifyChannel) -> dict:
    return {"name": row.name, "kind": row.kind, "target": _masked(row.target), "secret": secret_shown(row.secret),
            "created_at": row.created_at}


_CREDENTIALS = re.compile(r"([?&](?:key|access_token|token|secret|sign)=)([^&#]*)", re.IGNORECASE)


def _masked(target: str) -> str:
    """A URL's password and a robot's key or token never printed back whole (the first four
    characters tell robots apart)."""
    parts = urlsplit(target)
    if parts.password:
        target = target.replace(f":{parts.password}@", ":***@", 1)
    return _CREDENTIALS.sub(lambda m: m.group(1) + (m.group(2)[:4] + "…" if m.group(2) else ""), target)


def add_channel(*, session: Session, clock: Clock, actor: str, config: Config, name: str, kind: str,
                target: str, secret: str = "") -> dict:
    who = require_supervisor(session, actor)
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise InvalidInput(_("invalid channel name {name}: letters, digits, '.', '_' or '-', at most 64").format(
            name=quote(name)))
    kind = choice(kind, KINDS, "--kind")
    target = check_target(kind, clean_text(target, "--target", config, required=True, one_line=True, limit=2000))
    secret = clean_text(secret, "--secret", config, one_line=True, limit=2000)
    if session.execute(select(col(NotifyChannel.id)).where(col(NotifyChannel.name) == name)).first():
        raise Conflict(_("a channel named {name} exists; remove it first or pick another name").format(
            name=quote(name)))
    now = clock.now()
    row = NotifyChannel(name=name, kind=kind, target=target, secret=secret, created_at=now)
    session.add(row)
    session.flush()
    forget_setup(session)
    audit.append(session, at=now, actor=who.handle, entity="notify_channel", entity_id=row.id, kind="added",
                 to_value=name, details={"kind": kind, "target": _masked(target), "secret": secret_shown(secret)})
    return channel_view(row)


def list_channels(*, session: Session) -> list[dict]:
    return [channel_view(r) for r in session.execute(select(NotifyChannel).order_by(col(NotifyChannel.name))).scalars()]


def remove_channel(*, session: Session, clock: Clock, actor: str, name: str) -> dict:
    """Remove a channel, its rules and its notifications (sent, failed or pending)."""
    who = require_supervisor(session, actor)
    row = get_channel(session, name)
    rules = len(session.execute(select(col(NotifyRule.id)).where(col(NotifyRule.channel_id) == row.id)).all())
    session.execute(delete(NotifyRule).where(col(NotifyRule.channel_id) == row.id))
    dropped = session.execute(
        select(func.count()).select_from(Notification).where(col(Notification.channel_id) == row.id,
                                                             col(Notification.status) == "pending")).scalar_one()
    session.execute(delete(Notification).where(col(Notification.channel_id) == row.id))
    view = channel_view(row)
    session.delete(row)
    forget_setup(session)
    audit.append(session, at=clock.now(), actor=who.handle, entity="notify_channel", entity_id=row.id,
                 kind="removed", from_value=name, details={"rules": rules, "pending_dropped": dropped})
    view.update(rules_removed=rules, pending_dropped=dropped)
    return view


# --- rules --------------------------------------------------------------------------------------


def rule_view(row: NotifyRule, channel: str) -> dict:
    return {"id": row.id, "event": row.event, "to": row.to, "via": channel, "created_at": row.created_at}


def add_rule(*, session: Session, clock: Clock, actor: str, event: str, to: str, via: str) -> dict:
    who = require_supervisor(session, actor)
    event = choice(event, tuple(EVENTS), "--event")
    to = (to or "").strip()
    if to not in RECIPIENTS:
        exists = session.execute(select(col(Staff.id)).where(col(Staff.handle) == to)).first()
        if not exists:
            raise NotFound(_("--to {to} is neither a staff handle nor one of {words}").format(
                to=quote(to), words=", ".join(RECIPIENTS)))
    channel = get_channel(session, via)
    duplicate = session.execute(select(col(NotifyRule.id)).where(
        col(NotifyRule.event) == event, col(NotifyRule.to) == to, col(NotifyRule.channel_id) == channel.id)).first()
    if duplicate:
        raise Conflict(_("rule {id} already sends {event} to {to} via {via}").format(
            id=duplicate[0], event=event, to=to, via=via))
    now = clock.now()
    row = NotifyRule(event=event, to=to, channel_id=pk(channel), created_at=now)
    session.add(row)
    session.flush()
    forget_setup(session)
    audit.append(session, at=now, actor=who.handle, entity="notify_rule", entity_id=row.id, kind="added",
                 details={"event": event, "to": to, "via": via})
    return rule_view(row, channel.name)


def list_rules(*, session: Session) -> list[dict]:
    """The rules as they apply: explicit ones, and the defaults of events without any."""
    channels = dict(session.execute(select(col(NotifyChannel.id), col(NotifyChannel.name))).all())
    rows = list(session.execute(select(NotifyRule).order_by(col(NotifyRule.id))).scalars())
    out = [rule_view(r, channels.get(r.channel_id, "?")) | {"default": False} for r in rows]
    explicit = {r.event for r in rows}
    for event, (words, _about) in EVENTS.items():
        if event in explicit:
            continue
        for word in words:
            out.append({"id": None, "event": event, "to": word, "via": "(every channel)", "created_at": None,
                        "default": True})
    return out


def remove_rule(*, session: Session, clock: Clock, actor: str, rule_id: int) -> dict:
    who = require_supervisor(session, actor)
    row = session.get(NotifyRule, rule_id)
    if row is None:
        raise NotFound(_("no notification rule {id} (see `deskctl notify rule list`)").format(id=rule_id))
    channel = session.get(NotifyChannel, row.channel_id)
    view = rule_view(row, channel.name if channel else "?")
    session.delete(row)
    forget_setup(session)
    audit.append(session, at=clock.now(), actor=who.handle, entity="notify_rule", entity_id=rule_id,
                 kind="removed", details={"event": row.event, "to": row.to, "via": view["via"]})
    return view
