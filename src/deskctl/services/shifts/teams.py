"""On-call teams (docs/design.md §4): a shift type with a team is an on-call rota for the
technicians of its tier; a type without one is desk duty.

A team is named `tier2`/`tier3` (the tier is in the name; `--team 2` means `tier2`) or freely
(`network`) with its tier given (`--tier 3`); every type of one team has the same tier. On-call
shifts are not desk duty: `shift now`, gaps, handover, clock-in, the on-duty owner of inspections
and attendance look at desk duty only, unless a team is asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlmodel import Session, col

from deskctl.domain.ticket_states import MAX_TIER
from deskctl.errors import Conflict, InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.store.tables import Shift, ShiftType, Staff

DESK = "desk"  # the reserved team name for desk duty (no team)
TEAM_RE = re.compile(r"^[^\W\d][\w-]{0,31}$")
TIER_NAME_RE = re.compile(r"^(?:tier)?([0-9]+)$")
ON_CALL_TIERS = tuple(range(2, MAX_TIER + 1))


def _tier_of_name(name: str) -> int | None:
    m = TIER_NAME_RE.match(name)
    return int(m.group(1)) if m else None


def _check_tier(tier: int) -> int:
    if tier == 1:
        raise InvalidInput(_("tier 1 is the desk: a desk duty type has no team (leave --team and --tier off)"))
    if tier not in ON_CALL_TIERS:
        raise InvalidInput(_("tier {tier} is not an on-call tier (use {tiers})").format(
            tier=tier, tiers=_(" or ").join(map(str, ON_CALL_TIERS))))
    return tier


def team_and_tier(team: str | None, tier: int | None) -> tuple[str | None, int | None]:
    """What a type's `--team`/`--tier` mean: (None, None) for desk duty, else (team, tier)."""
    name = (team or "").strip().lower() if team is not None else None
    if name == DESK:
        if tier is not None:
            raise InvalidInput(_("--team desk is desk duty, which has no tier; leave --tier off"))
        return None, None
    if name is None:
        return (None, None) if tier is None else (f"tier{_check_tier(tier)}", tier)
    if not name:
        raise InvalidInput(_("--team must not be empty (desk duty: leave it off, or --team desk when editing)"))
    named_tier = _tier_of_name(name)
    if named_tier is not None:
        if tier is not None and tier != named_tier:
            raise InvalidInput(_(
                    "team {name} is tier {named_tier}, not --tier {tier}"
                ).format(name=quote(name), named_tier=named_tier, tier=tier))
        return f"tier{_check_tier(named_tier)}", named_tier
    if not TEAM_RE.match(name):
        raise InvalidInput(
            _(
                "invalid team name {name}: a word of letters, digits, '_' or '-', starting with a letter, "
                "at most 32"
            ).format(name=quote(name))
        )
    if tier is None:
        raise InvalidInput(_("which tier is team {name} on call for? add --tier 2 or --tier 3").format(
            name=quote(name)))
    return name, _check_tier(tier)


def check_same_tier(session: Session, team: str | None, tier: int | None, *, exclude_id: int | None = None) -> None:
    """Every type of one team keeps the same tier (escalation picks by tier)."""
    if team is None:
        return
    query = select(col(ShiftType.name), col(ShiftType.tier)).where(col(ShiftType.team) == team)
    if exclude_id is not None:
        query = query.where(col(ShiftType.id) != exclude_id)
    for other, other_tier in session.execute(query).all():
        if other_tier != tier:
            raise Conflict(_(
                    "team {team} is on call for tier {other_tier} (shift type {other}); one team has one "
                    "tier: name another team"
                ).format(team=quote(team), other_tier=other_tier, other=quote(other)))


def check_member(row: ShiftType, member: Staff) -> None:
    """An on-call shift is held by an active technician of the rota's tier (desk duty: anyone)."""
    if row.team is None:
        return
    if member.role != "technician" or member.tier != row.tier:
        article = "an" if member.role[:1] in "aeiou" else "a"
        what = f"a tier-{member.tier} technician" if member.role == "technician" else f"{article} {member.role}"
        raise InvalidInput(
            _(
                "{handle} is {what}; shift type {name} is the on-call rota of team {team} (tier-{tier} "
                "technicians only)"
            ).format(handle=member.handle, what=what, name=quote(row.name), team=row.team, tier=row.tier)
        )


def desk_duty() -> ColumnElement[bool]:
    """Shifts of desk duty types (no team): a WHERE clause on Shift."""
    return col(Shift.type_id).in_(select(col(ShiftType.id)).where(col(ShiftType.team).is_(None)))


@dataclass(frozen=True)
class TeamChoice:
    """What `--team T` selects: `label` as shown, `tier` (None for the desk), the type ids."""

    label: str
    tier: int | None
    type_ids: tuple[int, ...]

    @property
    def desk(self) -> bool:
        return self.tier is None

    def clause(self) -> ColumnElement[bool]:
        return col(Shift.type_id).in_(self.type_ids)


def choose_team(session: Session, text: str) -> TeamChoice:
    """`--team desk` (desk duty), `--team 2` / `tier2` (every on-call type of tier 2), or a team name."""
    name = (text or "").strip().lower()
    if not name:
        raise InvalidInput(_("--team must not be empty (a team name, a tier like 2 or tier2, or desk)"))
    if name == DESK:
        ids = session.execute(select(col(ShiftType.id)).where(col(ShiftType.team).is_(None))).scalars().all()
        return TeamChoice(DESK, None, tuple(i for i in ids if i is not None))
    tier = _tier_of_name(name)
    query = select(col(ShiftType.id), col(ShiftType.tier))
    query = query.where(col(ShiftType.tier) == tier) if tier is not None else query.where(col(ShiftType.team) == name)
    rows = session.execute(query).all()
    if not rows:
        teams = sorted({t for t in session.execute(select(col(ShiftType.team))).scalars() if t})
        known = _(" (teams: {teams})").format(teams=", ".join(teams)) if teams else _(" (none yet)")
        what = (_("tier {tier}").format(tier=tier) if tier is not None
                else _("team {name}").format(name=quote(name)))
        raise NotFound(
            _(
                "no on-call rota for {what}{known}; add one with `deskctl shift type add NAME --start HH:MM "
                "--end HH:MM --team tier2`"
            ).format(what=what, known=known)
        )
    label = f"tier{tier}" if tier is not None else name
    return TeamChoice(label, rows[0][1], tuple(i for i, _ in rows))
