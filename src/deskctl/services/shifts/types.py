"""Shift types: a name, local start and end in the desk time zone, a minimum staffing, and for
an on-call rota its team and tier (services/shifts/teams.py)."""

from __future__ import annotations

import re
from datetime import time

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.domain.shift_time import crosses_midnight, is_night
from deskctl.errors import Conflict, InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.services.people.staff import require_supervisor
from deskctl.services.shifts.teams import check_same_tier, team_and_tier
from deskctl.store import audit
from deskctl.store.tables import Shift, ShiftType
from deskctl.timeparse import Clock, parse_time_of_day

NAME_RE = re.compile(r"^[^\W\d][\w-]{0,31}$")
MAX_STAFF = 100


def wall(text: str) -> time:
    """A type's HH:MM (seconds are not allowed: shifts start on the minute)."""
    value = parse_time_of_day(text)
    if value.second:
        raise InvalidInput(_("invalid time of day {text} (use HH:MM, 00:00 to 23:59)").format(text=quote(text)))
    return value


def type_view(t: ShiftType) -> dict:
    start, end = wall(t.start_local), wall(t.end_local)
    return {
        "name": t.name,
        "start": t.start_local,
        "end": t.end_local,
        "crosses_midnight": crosses_midnight(start, end),
        "night": is_night(start, end),
        "min_staff": t.min_staff,
        "active": t.active,
        "team": t.team,
        "tier": t.tier,
    }


def get_type(session: Session, name: str) -> ShiftType:
    found: ShiftType | None = session.execute(select(ShiftType).where(col(ShiftType.name) == name)).scalar_one_or_none()
    if found is None:
        raise NotFound(_("no shift type {name} (see `deskctl shift type list`)").format(name=quote(name)))
    return found


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise InvalidInput(
            _(
                "invalid shift type name {name}: a word of letters, digits, '_' or '-', starting with a "
                "letter, at most 32"
            ).format(name=quote(name))
        )
    return name


def _check_min_staff(value: int) -> int:
    if not 1 <= value <= MAX_STAFF:
        raise InvalidInput(_("--min-staff must be between 1 and {MAX_STAFF}").format(MAX_STAFF=MAX_STAFF))
    return value


def add_type(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    name: str,
    start: str,
    end: str,
    min_staff: int = 1,
    team: str | None = None,
    tier: int | None = None,
) -> dict:
    """A desk duty type, or with `team`/`tier` an on-call rota's type."""
    by = require_supervisor(session, actor)
    name = _check_name(name)
    start_t, end_t = wall(start), wall(end)
    min_staff = _check_min_staff(min_staff)
    team, tier = team_and_tier(team, tier)
    if session.execute(select(col(ShiftType.id)).where(col(ShiftType.name) == name)).first():
        raise Conflict(_(
                "shift type {quoted} exists; change it with `deskctl shift type edit {name}`"
            ).format(quoted=quote(name), name=name))
    check_same_tier(session, team, tier)
    row = ShiftType(
        name=name, start_local=f"{start_t:%H:%M}", end_local=f"{end_t:%H:%M}", min_staff=min_staff,
        team=team, tier=tier,
    )
    session.add(row)
    session.flush()
    view = type_view(row)
    audit.append(
        session, at=clock.now(), actor=by.handle, entity="shift_type", entity_id=row.id,
        kind="added", to_value=name, details=view,
    )
    return view


def list_types(*, session: Session, include_inactive: bool = True) -> list[dict]:
    query = select(ShiftType).order_by(ShiftType.start_local, ShiftType.name)
    if not include_inactive:
        query = query.where(col(ShiftType.active).is_(True))
    return [type_view(t) for t in session.execute(query).scalars()]


def edit_type(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    name: str,
    new_name: str | None = None,
    start: str | None = None,
    end: str | None = None,
    min_staff: int | None = None,
    active: bool | None = None,
    team: str | None = None,
    tier: int | None = None,
) -> dict:
    """Change a type. Published shifts keep their own instants: history is not rewritten, and
    a type with shifts keeps its team (desk duty or on call): make a new type instead."""
    by = require_supervisor(session, actor)
    row = get_type(session, name)
    changes: dict[str, list] = {}
    if team is not None or tier is not None:
        new_team, new_tier = team_and_tier(team if team is not None else row.team, tier)
        if (new_team, new_tier) != (row.team, row.tier):
            used = session.execute(
                select(func.count()).select_from(Shift).where(col(Shift.type_id) == row.id)
            ).scalar_one()
            if used:
                stays = (_("desk duty") if row.team is None
                         else _("the on-call rota of {team}").format(team=row.team))
                raise Conflict(_(
                    "{used} shift(s) use type {name}, so it stays {stays}; add a new type for the other rota"
                ).format(used=used, name=quote(name), stays=stays))
            check_same_tier(session, new_team, new_tier, exclude_id=row.id)
            changes["team"] = [row.team, new_team]
            changes["tier"] = [row.tier, new_tier]
    if new_name is not None and new_name != row.name:
        new_name = _check_name(new_name)
        if session.execute(select(col(ShiftType.id)).where(col(ShiftType.name) == new_name)).first():
            raise Conflict(_("shift type {new_name} exists; pick another name").format(new_name=quote(new_name)))
        changes["name"] = [row.name, new_name]
    if start is not None:
        changes["start_local"] = [row.start_local, f"{wall(start):%H:%M}"]
    if end is not None:
        changes["end_local"] = [row.end_local, f"{wall(end):%H:%M}"]
    if min_staff is not None:
        changes["min_staff"] = [row.min_staff, _check_min_staff(min_staff)]
    if active is not None:
        changes["active"] = [row.active, active]
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    if not changes:
        raise InvalidInput(
            _(
                "nothing to change (give --name, --start, --end, --min-staff, --team, --tier or "
                "--active/--inactive)"
            )
        )
    for key, (_old, new) in changes.items():
        setattr(row, key, new)
    audit.append(
        session, at=clock.now(), actor=by.handle, entity="shift_type", entity_id=row.id,
        kind="edited", details=changes,
    )
    return type_view(row)


def remove_type(*, session: Session, clock: Clock, actor: str, name: str) -> dict:
    """Delete a type that no shift uses; one with history can only be made inactive."""
    by = require_supervisor(session, actor)
    row = get_type(session, name)
    used = session.execute(select(func.count()).select_from(Shift).where(col(Shift.type_id) == row.id)).scalar_one()
    if used:
        raise Conflict(
            _(
                "{used} shift(s) use type {quoted}; unassign them first, or retire the type with `deskctl "
                "shift type edit {name} --inactive` (history is kept)"
            ).format(used=used, quoted=quote(name), name=name)
        )
    view = type_view(row)
    session.delete(row)
    audit.append(
        session, at=clock.now(), actor=by.handle, entity="shift_type", entity_id=row.id,
        kind="removed", from_value=name, details=view,
    )
    return view
