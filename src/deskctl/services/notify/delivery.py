"""`notify run`: claim pending notifications in a short write transaction, deliver them outside
any transaction, record each result (docs/notify.md).

At least once: a claim is a lease (`claimed_until`); a process killed while delivering leaves its
rows claimed until the lease runs out, and the next run delivers them again with the same id.
Two runs at once never claim the same row (the claim is a write, serialised by BEGIN IMMEDIATE).
Each try counts when claimed; after `notify.max_tries` a row is failed. Retries wait
`notify.backoff`, doubled each time, at most an hour.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import Conflict, NotFound
from deskctl.i18n import _, pgettext, speaking
from deskctl.services.notify.catalogue import ROBOTS
from deskctl.services.notify.run import Summary
from deskctl.services.people.staff import require_actor
from deskctl.store import audit
from deskctl.store.tables import Notification, NotifyChannel, Staff, pk
from deskctl.timeparse import Clock

if TYPE_CHECKING:
    from deskctl.services.notify.senders import Message

MAX_BACKOFF = timedelta(hours=1)
STATUSES = ("pending", "sent", "failed")


@dataclass
class Job:
    """One message to send: a notification, or a digest carrying several for one robot."""

    ids: list[int]
    uid: str
    channel: str
    message: Message
    error: str | None = None


def _lease(config: Config) -> timedelta:
    lease: timedelta = config.duration("notify.timeout") * 3 + timedelta(seconds=60)
    return lease


def backoff(config: Config, tries: int) -> timedelta:
    wait: timedelta = config.duration("notify.backoff") * (2 ** max(0, tries - 1))
    return min(wait, MAX_BACKOFF)


def _contacts(session: Session, handles: set[str]) -> dict[str, dict]:
    if not handles:
        return {}
    rows = session.execute(select(Staff).where(col(Staff.handle).in_(handles))).scalars()
    return {m.handle: {"handle": m.handle, "name": m.name, "email": m.email, "mobile": m.mobile,
                       "wecom_id": m.wecom_id, "dingtalk_id": m.dingtalk_id, "feishu_id": m.feishu_id}
            for m in rows}


def _message(row: Notification, channel: NotifyChannel, contacts: dict[str, dict]) -> Message:
    from deskctl.services.notify.senders import Message

    payload = json.loads(row.payload)
    to = json.loads(row.to)
    return Message(uid=row.uid, event=row.event, kind=channel.kind, target=channel.target, secret=channel.secret,
                   text=payload.get("text", ""), payload=payload,
                   recipients=[contacts[h] for h in to if h in contacts])


def _digest(rows: list[Notification], channel: NotifyChannel, contacts: dict[str, dict], now: datetime,
            language: str = "en") -> Message:
    """One message carrying several; its heading in the desk's `notify.language`."""
    from deskctl.services.notify.senders import Message

    payloads = [json.loads(r.payload) for r in rows]
    handles: list[str] = []
    for r in rows:
        handles.extend(h for h in json.loads(r.to) if h not in handles)
    uid = f"digest-{rows[0].uid}"
    with speaking(language):
        heading = _("{n} deskctl notifications:").format(n=len(rows))
    text = heading + "\n" + "\n".join(f"- {p.get('text', '')}" for p in payloads)
    payload = {"id": uid, "event": "digest", "at": now.isoformat(), "to": handles, "text": text,
               "items": [p.get("id") for p in payloads]}
    return Message(uid=uid, event="digest", kind=channel.kind, target=channel.target, secret=channel.secret,
                   text=text, payload=payload, recipients=[contacts[h] for h in handles if h in contacts])


def claim(*, session: Session, clock: Clock, config: Config, worker: str, limit: int = 100) -> list[Job]:
    """Take up to `limit` due notifications for `worker` (one write transaction)."""
    now = clock.now()
    rows = list(session.execute(
        select(Notification)
        .where(col(Notification.status) == "pending", col(Notification.next_try_at) <= now,
               (col(Notification.claimed_until).is_(None)) | (col(Notification.claimed_until) < now))
        .order_by(col(Notification.id))
        .limit(limit)
    ).scalars())
    if not rows:
        return []
    channels = {pk(c): c for c in session.execute(
        select(NotifyChannel).where(col(NotifyChannel.id).in_({r.channel_id for r in rows}))).scalars()}
    contacts = _contacts(session, {h for r in rows for h in json.loads(r.to)})
    by_channel: dict[int, list[Notification]] = {}
    for row in rows:
        by_channel.setdefault(row.channel_id, []).append(row)
    jobs: list[Job] = []
    taken: list[Notification] = []
    rate = int(config.get("notify.robot_rate"))
    for channel_id, group in by_channel.items():
        channel = channels[channel_id]
        singles, digest = group, []
        if channel.kind in ROBOTS:
            recent = session.execute(
                select(func.count(func.distinct(col(Notification.delivered_as))))
                .where(col(Notification.channel_id) == channel_id,
                       col(Notification.sent_at) > now - timedelta(minutes=1))
            ).scalar_one()
            room = rate - recent
            if room <= 0:
                continue  # this minute's messages are used up; the next run sends them
            if len(group) > room:
                singles, digest = group[: room - 1], group[room - 1:]
        for row in singles:
            jobs.append(Job(ids=[pk(row)], uid=row.uid, channel=channel.name,
                            message=_message(row, channel, contacts)))
        if digest:
            message = _digest(digest, channel, contacts, now, str(config.get("notify.language")))
            jobs.append(Job(ids=[pk(r) for r in digest], uid=message.uid, channel=channel.name, message=message))
        taken.extend(singles)
        taken.extend(digest)
    until = now + _lease(config)
    for row in taken:
        row.claimed_until = until
        row.claimed_by = worker
        row.tries += 1
    return jobs


def record(*, session: Session, clock: Clock, config: Config, worker: str, jobs: list[Job]) -> Summary:
    """Write what happened to each job (one write transaction)."""
    now = clock.now()
    summary = Summary()
    max_tries = int(config.get("notify.max_tries"))
    for job in jobs:
        rows = session.execute(select(Notification).where(col(Notification.id).in_(job.ids))).scalars()
        if len(job.ids) > 1 and job.error is None:
            summary.digests += 1
        for row in rows:
            if job.error is None:
                row.status, row.sent_at, row.delivered_as, row.last_error = "sent", now, job.uid, ""
                summary.sent += 1
            elif row.claimed_by == worker and row.status == "pending":
                row.last_error = job.error[:500]
                if row.tries >= max_tries:
                    row.status = "failed"
                    summary.failed += 1
                else:
                    row.next_try_at = now + backoff(config, row.tries)
                    summary.retrying += 1
            if row.claimed_by == worker:
                row.claimed_until, row.claimed_by = None, ""
        if job.error is not None:
            summary.errors.append(f"{job.channel}: {job.error}")
    return summary


def send_all(jobs: list[Job], *, timeout: float, threads: int = 4) -> None:
    """Deliver each job (outside any transaction); a failure is kept on the job."""
    from deskctl.services.notify.senders import DeliveryFailed, send

    def one(job: Job) -> None:
        try:
            send(job.message, timeout=timeout)
        except DeliveryFailed as exc:
            job.error = str(exc) or type(exc).__name__
        except Exception as exc:  # a bug or an odd answer must not lose the other jobs' results
            job.error = f"{type(exc).__name__}: {exc}"

    # A chat robot's messages go one after another, in order (people read them as a conversation);
    # everything else goes in parallel.
    lanes: dict[str, list[Job]] = {}
    for n, job in enumerate(jobs):
        lane = job.channel if job.message.kind in ROBOTS else f"{job.channel}#{n}"
        lanes.setdefault(lane, []).append(job)

    def lane_of(queue: list[Job]) -> None:
        for job in queue:
            one(job)

    if len(lanes) == 1 or threads <= 1:
        for queue in lanes.values():
            lane_of(queue)
        return
    with ThreadPoolExecutor(max_workers=min(threads, len(lanes))) as pool:
        list(pool.map(lane_of, lanes.values()))


# --- reading and retrying -----------------------------------------------------------------------


def notification_view(row: Notification, channel: str) -> dict:
    payload = json.loads(row.payload)
    return {"id": row.id, "uid": row.uid, "event": row.event, "channel": channel, "to": json.loads(row.to),
            "priority": row.priority or None, "status": row.status, "tries": row.tries,
            "next_try_at": row.next_try_at if row.status == "pending" else None,
            "created_at": row.created_at, "sent_at": row.sent_at, "last_error": row.last_error or None,
            "text": payload.get("text", "")}


def list_notifications(*, session: Session, status: str | None = None, limit: int = 50) -> list[dict]:
    query = select(Notification, col(NotifyChannel.name)).join(
        NotifyChannel, col(NotifyChannel.id) == col(Notification.channel_id))
    if status:
        query = query.where(col(Notification.status) == status)
    rows = session.execute(query.order_by(col(Notification.id).desc()).limit(limit)).all()
    return [notification_view(r, name) for r, name in rows]


def _get(session: Session, notification_id: int) -> tuple[Notification, str]:
    found = session.execute(select(Notification, col(NotifyChannel.name)).join(
        NotifyChannel, col(NotifyChannel.id) == col(Notification.channel_id)).where(
        col(Notification.id) == notification_id)).first()
    if found is None:
        raise NotFound(_("no notification {id} (see `deskctl notify list`)").format(id=notification_id))
    return found[0], found[1]


def show_notification(*, session: Session, notification_id: int) -> dict:
    row, channel = _get(session, notification_id)
    view = notification_view(row, channel)
    view["delivered_as"] = row.delivered_as or None
    view["payload"] = json.loads(row.payload)
    return view


def retry_notification(*, session: Session, clock: Clock, actor: str, notification_id: int) -> dict:
    """A failed notification goes back to pending with a fresh count of tries (same id)."""
    who = require_actor(session, actor)
    row, channel = _get(session, notification_id)
    if row.status != "failed":
        raise Conflict(_("notification {id} is {status}; only a failed one can be retried").format(
            id=notification_id, status=pgettext("value", row.status)))
    now = clock.now()
    row.status, row.tries, row.next_try_at = "pending", 0, now
    row.claimed_until, row.claimed_by = None, ""
    audit.append(session, at=now, actor=who.handle, entity="notification", entity_id=row.id, kind="retried",
                 from_value="failed", to_value="pending", details={"uid": row.uid, "last_error": row.last_error})
    return notification_view(row, channel)


def failed_count(session: Session) -> int:
    count: int = session.execute(
        select(func.count()).select_from(Notification).where(col(Notification.status) == "failed")).scalar_one()
    return count


def status_section(
    *, session: Session, now: datetime, actor: str, config: Config, tz: tzinfo, limit: int | None = 20
) -> dict:
    """Failed notifications (`notify list --failed`), for `deskctl status`: a count, and the
    alert (rank 50) when there are any."""
    failed = failed_count(session)
    section: dict = {"notifications_failed": failed}
    if failed:
        section["alerts"] = [(50, f"{failed} notification(s) failed: deskctl notify list --failed")]
    return section


def test_channel(*, session: Session, clock: Clock, actor: str, config: Config, name: str) -> dict:
    """Send one test message through a channel now (to the acting person), outside the outbox."""
    from deskctl.errors import ConfigError
    from deskctl.services.notify.channels import get_channel
    from deskctl.services.notify.senders import DeliveryFailed, Message, send

    who = require_actor(session, actor)
    channel = get_channel(session, name)
    now = clock.now()
    uid = f"test-{uuid.uuid4()}"
    with speaking(str(config.get("notify.language"))):
        text = _("deskctl test message from {handle} through channel {name}.").format(handle=who.handle, name=name)
    payload: dict[str, Any] = {"id": uid, "event": "test", "at": now.isoformat(), "to": [who.handle], "text": text}
    message = Message(uid=uid, event="test", kind=channel.kind, target=channel.target, secret=channel.secret,
                      text=text, payload=payload, recipients=list(_contacts(session, {who.handle}).values()))
    try:
        send(message, timeout=config.duration("notify.timeout").total_seconds())
    except DeliveryFailed as exc:
        raise ConfigError(_("channel {name}: {reason}").format(name=name, reason=exc)) from None
    return {"channel": name, "kind": channel.kind, "id": uid, "sent": True}

