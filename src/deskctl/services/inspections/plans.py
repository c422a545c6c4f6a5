"""Inspection plans (supervisor), what is due (cron), and the status section.

Runs and findings live in `inspection_runs`, the history in `inspection_history`; the occurrence rules in
`inspection_schedule`. `due` computes occurrences on the fly and writes nothing, so any number
of `inspect due` processes at once can never create anything twice; a run is keyed by
(plan, occurrence) with a unique constraint.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.recurrence import parse_schedule
from deskctl.domain.ticket_states import check_priority
from deskctl.errors import Conflict, InvalidInput, quote
from deskctl.i18n import _
from deskctl.services.inputs import SHORT_TEXT, clean_text
from deskctl.services.inspections.due import (  # the contract: importable from here
    due_occurrences,
    list_due,
    open_occurrences,
    status_section,
)
from deskctl.services.inspections.schedule import (
    ON_DUTY,
    PLAN_ENTITY,
    checklist,
    get_plan,
    last_runs,
    next_occurrence,
    recurrence,
)
from deskctl.services.people.staff import get_staff, require_supervisor
from deskctl.store import audit
from deskctl.store.tables import InspectionItem, InspectionPlan, pk
from deskctl.timeparse import Clock, parse_duration

__all__ = [
    "add_plan", "due_occurrences", "edit_plan", "list_due", "list_plans", "pause_plan", "remove_plan",
    "resume_plan", "show_plan", "status_section",
]

NAME_RE = re.compile(r"^\w[\w.-]{0,63}$")
MAX_ITEMS = 100
ITEM_MAX = 500


# --- validation ---------------------------------------------------------------------------


def _name(value: str) -> str:
    name = (value or "").strip()
    if not NAME_RE.match(name):
        raise InvalidInput(
            _(
                "invalid plan name {value}: letters, digits, '.', '_' or '-', starting with a letter or "
                "digit, at most 64 (e.g. core-network)"
            ).format(value=quote(value))
        )
    return name


def _target(value: str, config: Config) -> str:
    return clean_text(value, "target", config, required=True, one_line=True, limit=SHORT_TEXT)


def _items(values: list[str] | None, config: Config) -> list[str]:
    raw = list(values or [])
    if not raw:
        raise InvalidInput(_("a plan needs at least one checklist item (--item TEXT, repeatable)"))
    items = [
        " ".join(clean_text(v, f"checklist item {n}", config, required=True, limit=ITEM_MAX).split())
        for n, v in enumerate(raw, 1)
    ]
    if len(items) > MAX_ITEMS:
        raise InvalidInput(_("a checklist has at most {MAX_ITEMS} items").format(MAX_ITEMS=MAX_ITEMS))
    dupes = sorted({t for t in items if items.count(t) > 1})
    if dupes:
        raise InvalidInput(_("checklist item {item} is given twice").format(item=quote(dupes[0])))
    return items


def _grace(value: str) -> int:
    seconds = int(parse_duration(value).total_seconds())
    if seconds > 366 * 86400:
        raise InvalidInput(_("grace {value} is longer than a year").format(value=quote(value)))
    return seconds


def _owner(session: Session, value: str) -> str:
    text = (value or "").strip()
    if text.lower() in (ON_DUTY, "onduty", "on_duty"):
        return ON_DUTY
    member = get_staff(session, text)
    if not member.active:
        raise Conflict(_("{text} is deactivated; give an active member or --owner on-duty").format(text=quote(text)))
    return member.handle


def _owes(plan: InspectionPlan) -> dict:
    return {"rrule": plan.rrule, "from": plan.starts_at.isoformat()}


# --- views --------------------------------------------------------------------------------


def plan_row(plan: InspectionPlan, *, now: datetime, tz: tzinfo, items: int,
             last_run: datetime | None = None) -> dict:
    return {
        "name": plan.name,
        "target": plan.target,
        "schedule": plan.schedule,
        "owner": plan.owner,
        "priority": plan.priority,
        "grace_seconds": plan.grace_seconds,
        "status": plan.status,
        "items": items,
        "next_at": next_occurrence(plan, now, tz) if plan.status == "active" else None,
        "last_run_at": last_run,
    }


def plan_view(session: Session, plan: InspectionPlan, *, now: datetime, tz: tzinfo) -> dict:
    from deskctl.services.inspections.history import recent_runs

    assert plan.id is not None  # a row read from the database
    items = checklist(session, plan.id)
    view = plan_row(plan, now=now, tz=tz, items=len(items),
                    last_run=last_runs(session, [plan.id]).get(plan.id))
    view["rrule"] = recurrence(plan).rrule
    view["starts_at"] = plan.starts_at
    view["created_at"] = plan.created_at
    view["retired_at"] = plan.retired_at
    view["checklist"] = [{"n": i.position, "text": i.text} for i in items]
    upcoming: list[datetime] = []
    if plan.status == "active":
        lo = max(now, plan.starts_at - timedelta(microseconds=1))
        rec = recurrence(plan)
        while len(upcoming) < 5:
            nxt = rec.following(upcoming[-1] if upcoming else lo, tz)
            if nxt is None:
                break
            upcoming.append(nxt)
    view["upcoming"] = upcoming
    open_ = [r for r in open_occurrences(session, [plan], now=now, tz=tz, within=timedelta(0))]
    view["open"] = open_[0] if open_ else None
    view["recent_runs"] = recent_runs(session, plan, limit=10)
    return view


# --- plan use cases -------------------------------------------------------------------------


def add_plan(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    name: str,
    target: str,
    every: str,
    items: list[str],
    grace: str = "1h",
    owner: str = ON_DUTY,
    priority: str = "P3",
    start: datetime | None = None,
) -> dict:
    """A new plan; it owes occurrences from `start` (default now), never from before."""
    who = require_supervisor(session, actor)
    name = _name(name)
    target = _target(target, config)
    texts = _items(items, config)
    grace_seconds = _grace(grace)
    priority = check_priority(priority)
    owner = _owner(session, owner)
    now = clock.now()
    starts_at = start or now
    rec = parse_schedule(every, start=starts_at, tz=tz)
    if session.execute(select(col(InspectionPlan.id)).where(col(InspectionPlan.name) == name)).first():
        raise Conflict(
            _(
                "an inspection plan named {name} exists (retired plans keep their names); choose another "
                "name or `deskctl inspect plan edit {name}`"
            ).format(name=quote(name))
        )
    plan = InspectionPlan(
        name=name, target=target, schedule=" ".join(every.split()), rrule=rec.text,
        starts_at=starts_at, grace_seconds=grace_seconds, owner=owner, priority=priority,
        status="active", created_at=now,
    )
    session.add(plan)
    session.flush()
    for n, text in enumerate(texts, 1):
        session.add(InspectionItem(plan_id=pk(plan), position=n, text=text))
    session.flush()
    audit.append(
        session, at=now, actor=who.handle, entity=PLAN_ENTITY, entity_id=plan.id, kind="added",
        to_value="active",
        details={"name": name, "target": target, "schedule": plan.schedule, "grace_seconds": grace_seconds,
                 "owner": owner, "priority": priority, "items": texts, "owes": _owes(plan)},
    )
    return plan_view(session, plan, now=now, tz=tz)


def list_plans(*, session: Session, now: datetime, tz: tzinfo, include_retired: bool = False) -> list[dict]:
    query = select(InspectionPlan).order_by(InspectionPlan.name)
    if not include_retired:
        query = query.where(col(InspectionPlan.status) != "retired")
    plans = list(session.execute(query).scalars())
    counts = dict(
        session.execute(
            select(col(InspectionItem.plan_id), func.count())
            .where(col(InspectionItem.position) > 0)
            .group_by(col(InspectionItem.plan_id))
        ).all()
    )
    last = last_runs(session, [p.id for p in plans])
    return [plan_row(p, now=now, tz=tz, items=counts.get(p.id, 0), last_run=last.get(p.id)) for p in plans]


def show_plan(*, session: Session, now: datetime, tz: tzinfo, name: str) -> dict:
    return plan_view(session, get_plan(session, name), now=now, tz=tz)


def _live_plan(session: Session, name: str, action: str) -> InspectionPlan:
    plan = get_plan(session, name)
    if plan.status == "retired":
        raise Conflict(_(
                "plan {name} is retired; it cannot be {action} (add a new plan instead)"
            ).format(name=quote(plan.name), action=action))
    return plan


def edit_plan(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    name: str,
    new_name: str | None = None,
    target: str | None = None,
    every: str | None = None,
    items: list[str] | None = None,
    add_items: list[str] | None = None,
    grace: str | None = None,
    owner: str | None = None,
    priority: str | None = None,
) -> dict:
    """Change a plan. A new schedule owes from now on; the old one's unrun occurrences are missed.
    `items` replaces the checklist (items with the same text keep their history)."""
    who = require_supervisor(session, actor)
    plan = _live_plan(session, name, "edited")
    now = clock.now()
    changes: dict[str, list] = {}
    if new_name is not None and new_name.strip() != plan.name:
        new_name = _name(new_name)
        if session.execute(select(col(InspectionPlan.id)).where(col(InspectionPlan.name) == new_name)).first():
            raise Conflict(_(
                    "an inspection plan named {new_name} exists; choose another name"
                ).format(new_name=quote(new_name)))
        changes["name"] = [plan.name, new_name]
    if target is not None:
        changes["target"] = [plan.target, _target(target, config)]
    if grace is not None:
        changes["grace_seconds"] = [plan.grace_seconds, _grace(grace)]
    if owner is not None:
        changes["owner"] = [plan.owner, _owner(session, owner)]
    if priority is not None:
        changes["priority"] = [plan.priority, check_priority(priority)]
    owes = None
    if every is not None:
        start = max(plan.starts_at, now)
        rec = parse_schedule(every, start=start, tz=tz)
        if rec.text != plan.rrule or " ".join(every.split()) != plan.schedule:
            changes["schedule"] = [plan.schedule, " ".join(every.split())]
            changes["rrule"] = [plan.rrule, rec.text]
            changes["starts_at"] = [plan.starts_at.isoformat(), start.isoformat()]
            if plan.status == "active":
                owes = {"rrule": rec.text, "from": start.isoformat()}
    current = checklist(session, pk(plan))
    old_texts = [i.text for i in current]
    new_texts = old_texts
    if items is not None:
        new_texts = _items(items, config)
    if add_items:
        new_texts = _items(new_texts + list(add_items), config)
    if new_texts != old_texts:
        changes["items"] = [old_texts, new_texts]
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    if not changes:
        raise InvalidInput(
            _(
                "nothing to change (give --name, --target, --every, --item, --add-item, --grace, --owner or "
                "--priority with a new value)"
            )
        )
    for key in ("name", "target", "grace_seconds", "owner", "priority", "schedule", "rrule"):
        if key in changes:
            setattr(plan, key, changes[key][1])
    if "starts_at" in changes:
        plan.starts_at = max(plan.starts_at, now)
    if "items" in changes:
        _replace_checklist(session, pk(plan), current, new_texts)
    details: dict = {"changes": changes}
    if owes:
        details["owes"] = owes
    audit.append(session, at=now, actor=who.handle, entity=PLAN_ENTITY, entity_id=plan.id,
                 kind="edited", details=details)
    return plan_view(session, plan, now=now, tz=tz)


def _replace_checklist(session: Session, plan_id: int, current: list[InspectionItem], texts: list[str]) -> None:
    by_text = {i.text: i for i in current}
    for item in current:  # out of the way first: (plan, position) is unique
        item.position = -pk(item)
    session.flush()
    for n, text in enumerate(texts, 1):
        kept = by_text.get(text)
        if kept is not None:
            kept.position = n
        else:
            session.add(InspectionItem(plan_id=plan_id, position=n, text=text))
    session.flush()


def pause_plan(*, session: Session, clock: Clock, actor: str, tz: tzinfo, name: str) -> dict:
    """Stop owing occurrences (an open one not yet run becomes missed)."""
    who = require_supervisor(session, actor)
    plan = _live_plan(session, name, "paused")
    if plan.status == "paused":
        raise Conflict(_(
                "plan {quoted} is already paused; `deskctl inspect plan resume {name}`"
            ).format(quoted=quote(plan.name), name=plan.name))
    now = clock.now()
    plan.status = "paused"
    audit.append(session, at=now, actor=who.handle, entity=PLAN_ENTITY, entity_id=plan.id,
                 kind="paused", from_value="active", to_value="paused")
    return plan_view(session, plan, now=now, tz=tz)


def resume_plan(*, session: Session, clock: Clock, actor: str, tz: tzinfo, name: str) -> dict:
    """Owe occurrences again, from now on (nothing from the paused time)."""
    who = require_supervisor(session, actor)
    plan = _live_plan(session, name, "resumed")
    if plan.status == "active":
        raise Conflict(_("plan {name} is not paused; nothing to resume").format(name=quote(plan.name)))
    now = clock.now()
    plan.status = "active"
    plan.starts_at = max(plan.starts_at, now)
    audit.append(session, at=now, actor=who.handle, entity=PLAN_ENTITY, entity_id=plan.id,
                 kind="resumed", from_value="paused", to_value="active", details={"owes": _owes(plan)})
    return plan_view(session, plan, now=now, tz=tz)


def remove_plan(*, session: Session, clock: Clock, actor: str, tz: tzinfo, name: str) -> dict:
    """Retire a plan: it owes nothing more, its runs and findings stay in the history."""
    who = require_supervisor(session, actor)
    plan = get_plan(session, name)
    if plan.status == "retired":
        raise Conflict(_("plan {name} is already retired").format(name=quote(plan.name)))
    now = clock.now()
    old = plan.status
    plan.status = "retired"
    plan.retired_at = now
    audit.append(session, at=now, actor=who.handle, entity=PLAN_ENTITY, entity_id=plan.id,
                 kind="retired", from_value=old, to_value="retired")
    return plan_view(session, plan, now=now, tz=tz)
