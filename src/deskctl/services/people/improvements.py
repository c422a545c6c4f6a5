"""The improvement log: problems summarised, actions proposed, owned, followed through.

Who may do what:
- `add`: any active staff member may propose an improvement (the owner must be active staff);
- `update`: the supervisor, or the improvement's owner (the owner reports progress);
- `done` and dropping (`update --status dropped`): the supervisor only — closing an action is
  the supervisor's sign-off that the problem was followed through.
An improvement that is done or dropped is closed: changing it again is refused (exit 4).
"""

from __future__ import annotations

import json
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied, quote
from deskctl.i18n import N_, _, pgettext
from deskctl.services.inputs import clean_text
from deskctl.services.people.staff import get_staff, handles_by_id, require_actor
from deskctl.store import audit
from deskctl.store.tables import Improvement, Staff, Ticket
from deskctl.timeparse import Clock

STATUSES = ("open", "done", "dropped")


def _today(clock: Clock, tz: tzinfo) -> date:
    return clock.now().astimezone(tz).date()


def _owner(session: Session, handle: str) -> Staff:
    member = get_staff(session, (handle or "").strip())
    if not member.active:
        raise Conflict(_(
                "{handle} is deactivated; give an active member as --owner"
            ).format(handle=quote(member.handle)))
    return member


def _tickets(session: Session, ids: list[int]) -> list[int]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = set(session.execute(select(col(Ticket.id)).where(col(Ticket.id).in_(wanted))).scalars())
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(_("no ticket {ids} (see `deskctl ticket list`)").format(ids=", ".join(map(str, missing))))
    return wanted


def _get(session: Session, improvement_id: int) -> Improvement:
    row = session.get(Improvement, improvement_id)
    if row is None:
        raise NotFound(_(
                "no improvement {improvement_id} (see `deskctl improve list`)"
            ).format(improvement_id=improvement_id))
    return row


def _view(row: Improvement, names: dict[int, str], today: date) -> dict:
    overdue = row.status == "open" and row.due < today
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "owner": names.get(row.owner_id),
        "due": row.due,
        "overdue": overdue,
        "days_overdue": (today - row.due).days if overdue else 0,
        "problem": row.problem,
        "action": row.action,
        "tickets": json.loads(row.ticket_ids or "[]"),
        "outcome": row.outcome,
        "created_at": row.created_at,
        "created_by": names.get(row.created_by_id),
        "closed_at": row.closed_at,
    }


def add_improvement(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, title: str, problem: str,
    action: str, owner: str, due: date, ticket_ids: list[int] | None = None,
) -> dict:
    """Propose an improvement: the problem, the action, who owns it and by when."""
    by = require_actor(session, actor)
    title = clean_text(title, _("title"), config, required=True)
    problem = clean_text(problem, "--problem", config, required=True)
    action = clean_text(action, "--action", config, required=True)
    member = _owner(session, owner)
    today = _today(clock, tz)
    if due < today:
        raise InvalidInput(_("--due {due} is in the past; give today or a later date").format(due=due))
    tickets = _tickets(session, ticket_ids or [])
    now = clock.now()
    assert member.id is not None and by.id is not None  # rows read from the database
    row = Improvement(title=title, problem=problem, action=action, owner_id=member.id, due=due,
                      ticket_ids=json.dumps(tickets), created_at=now, created_by_id=by.id)
    session.add(row)
    session.flush()
    audit.append(session, at=now, actor=by.handle, entity="improvement", entity_id=row.id, kind="added",
                 to_value="open", details={"title": title, "owner": member.handle, "due": due.isoformat(),
                                           "tickets": tickets})
    return _view(row, {member.id: member.handle, by.id: by.handle}, today)


def list_improvements(
    *, session: Session, clock: Clock, tz: tzinfo, status: str | None = "open", owner: str | None = None,
    overdue_only: bool = False,
) -> list[dict]:
    query = select(Improvement).order_by(col(Improvement.due), col(Improvement.id))
    if status and status != "all":
        if status not in STATUSES:
            raise InvalidInput(_("unknown --status {status} (use one of {allowed} or all)").format(
                status=quote(status), allowed=", ".join(STATUSES)))
        query = query.where(col(Improvement.status) == status)
    if owner:
        query = query.where(col(Improvement.owner_id) == get_staff(session, owner).id)
    today = _today(clock, tz)
    names = handles_by_id(session)
    rows = [_view(r, names, today) for r in session.execute(query).scalars()]
    return [r for r in rows if r["overdue"]] if overdue_only else rows


def show_improvement(*, session: Session, clock: Clock, tz: tzinfo, improvement_id: int) -> dict:
    row = _get(session, improvement_id)
    view = _view(row, handles_by_id(session), _today(clock, tz))
    ids = view["tickets"]
    states = dict(session.execute(
        select(col(Ticket.id), col(Ticket.status)).where(col(Ticket.id).in_(ids))
    ).all()) if ids else {}
    titles = dict(session.execute(
        select(col(Ticket.id), col(Ticket.title)).where(col(Ticket.id).in_(ids))
    ).all()) if ids else {}
    view["linked_tickets"] = [{"id": i, "status": states.get(i), "title": titles.get(i)} for i in ids]
    return view


def _may_change(session: Session, actor: str, row: Improvement) -> Staff:
    who = require_actor(session, actor)
    if who.role != "supervisor" and who.id != row.owner_id:
        raise PermissionDenied(_("only the supervisor or the owner may change improvement {id}").format(id=row.id))
    return who


def _require_open(row: Improvement, action: str) -> None:
    if row.status != "open":
        raise Conflict(
            _(
                "improvement {id} is already {status} ({closed_at:%Y-%m-%d}); it cannot be {action}; open a "
                "new improvement for further work"
            ).format(id=row.id, status=pgettext("value", row.status), closed_at=row.closed_at, action=_(action))
        )


def update_improvement(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, improvement_id: int,
    title: str | None = None, problem: str | None = None, action: str | None = None, owner: str | None = None,
    due: date | None = None, add_tickets: list[int] | None = None, remove_tickets: list[int] | None = None,
    status: str | None = None, outcome: str | None = None,
) -> dict:
    """Change an open improvement; `status=dropped` (with an outcome) closes it unrealised."""
    row = _get(session, improvement_id)
    who = _may_change(session, actor, row)
    _require_open(row, N_("changed"))
    changes: dict[str, list] = {}
    if title is not None:
        changes["title"] = [row.title, clean_text(title, "--title", config, required=True)]
    if problem is not None:
        changes["problem"] = [row.problem, clean_text(problem, "--problem", config, required=True)]
    if action is not None:
        changes["action"] = [row.action, clean_text(action, "--action", config, required=True)]
    if owner is not None:
        member = _owner(session, owner)
        changes["owner_id"] = [row.owner_id, member.id]
    if due is not None:
        if due < _today(clock, tz):
            raise InvalidInput(_("--due {due} is in the past; give today or a later date").format(due=due))
        changes["due"] = [row.due, due]
    if add_tickets or remove_tickets:
        current = json.loads(row.ticket_ids or "[]")
        new = sorted((set(current) | set(_tickets(session, add_tickets or []))) - set(remove_tickets or []))
        changes["ticket_ids"] = [row.ticket_ids, json.dumps(new)]
    now = clock.now()
    if status is not None:
        status = status.strip().lower()
        if status not in ("open", "dropped"):
            raise InvalidInput(_(
                    "--status {status}: use dropped (close unrealised) or `improve done ID`"
                ).format(status=quote(status)))
        if status == "dropped":
            if who.role != "supervisor":
                raise PermissionDenied(_("only the supervisor may drop an improvement"))
            changes["status"] = [row.status, "dropped"]
            changes["outcome"] = [row.outcome,
                                  clean_text(outcome, _("--outcome (why it is dropped)"), config, required=True)]
            changes["closed_at"] = [None, now]
    elif outcome is not None:
        changes["outcome"] = [row.outcome, clean_text(outcome, "--outcome", config)]
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    if not changes:
        raise InvalidInput(_(
                "nothing to change (give --title, --problem, --action, --owner, --due, --ticket, --untick, "
                "--status dropped or --outcome)"
            ))
    for key, (_old, new) in changes.items():
        setattr(row, key, new)
    names = handles_by_id(session)
    details = {k: [_plain(a, names, k), _plain(b, names, k)] for k, (a, b) in changes.items()}
    audit.append(session, at=now, actor=who.handle, entity="improvement", entity_id=row.id,
                 kind="dropped" if row.status == "dropped" else "edited", details=details)
    return _view(row, names, _today(clock, tz))


def _plain(value: Any, names: dict[int, str], key: str) -> Any:
    if key == "owner_id":
        return names.get(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def complete_improvement(
    *, session: Session, clock: Clock, actor: str, config: Config, tz: tzinfo, improvement_id: int, outcome: str,
) -> dict:
    """The action was carried out: record the outcome (supervisor only); twice is refused."""
    row = _get(session, improvement_id)
    who = require_actor(session, actor)
    if who.role != "supervisor":
        raise PermissionDenied(_(
                "only the supervisor may mark an improvement done; {handle} is {role}"
            ).format(handle=quote(who.handle), role=pgettext("value", who.role)))
    _require_open(row, N_("marked done again"))
    outcome = clean_text(outcome, "--outcome", config, required=True)
    now = clock.now()
    row.status, row.outcome, row.closed_at = "done", outcome, now
    audit.append(session, at=now, actor=who.handle, entity="improvement", entity_id=row.id, kind="done",
                 from_value="open", to_value="done", details={"outcome": outcome})
    return _view(row, handles_by_id(session), _today(clock, tz))


def status_section(
    *, session: Session, now: datetime, actor: str, config: Config, tz: tzinfo, limit: int | None = 20
) -> dict:
    """Open improvements past their due date, for `deskctl status` (a count and the oldest `limit`)."""
    today = now.astimezone(tz).date()
    names = handles_by_id(session)
    overdue = (col(Improvement.status) == "open", col(Improvement.due) < today)
    count = session.execute(select(func.count()).select_from(Improvement).where(*overdue)).scalar_one()
    rows = session.execute(
        select(Improvement).where(*overdue).order_by(col(Improvement.due), col(Improvement.id)).limit(limit)
    ).scalars()
    return {
        "improvements_overdue_count": count,
        "improvements_overdue": [
            {"id": r.id, "title": r.title, "owner": names.get(r.owner_id), "due": r.due,
             "days_overdue": (today - r.due).days}
            for r in rows
        ],
    }


