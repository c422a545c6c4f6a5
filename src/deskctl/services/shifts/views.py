"""Looking at the rota: shift views, lists, who is on duty, gaps, calendar export, status.

Changes live next door: types in `shift_types`, planning and cover in `shift_rota`, swaps in
`shift_swaps`, clock-in/out in `shift_attendance`, handover in `shift_handover`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.domain.rota import Need, find_gaps
from deskctl.domain.shift_time import (
    attendance,
    handover_flagged,
    is_night,
    is_weekend,
    shift_instants,
)
from deskctl.domain.wallclock import wall_to_utc
from deskctl.errors import InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.services.people.staff import handles_by_id
from deskctl.services.shifts.teams import TeamChoice, choose_team, desk_duty
from deskctl.services.shifts.types import wall
from deskctl.store.tables import Handover, Shift, ShiftType, Staff
from deskctl.timeparse import parse_date, parse_instant

Query = TypeVar("Query", bound=Select)

# Longest a shift can be (24 h type plus a DST hour): bounds index range scans on start_at.
MAX_SHIFT = timedelta(hours=26)
MAX_WINDOW_DAYS = 3 * 366


# --- windows ------------------------------------------------------------------------------


def _is_date(text: str) -> bool:
    raw = text.strip().lower()
    if raw in ("today", "yesterday", "tomorrow"):
        return True
    try:
        date.fromisoformat(raw)
        return len(raw) == 10
    except ValueError:
        return False


def local_midnight(day: date, tz: tzinfo) -> datetime:
    return wall_to_utc(day, datetime.min.time(), tz)


@dataclass(frozen=True)
class Window:
    """[start, end) as instants; `first_day`..`last_day` set when it was given as rota days."""

    start: datetime
    end: datetime
    first_day: date | None = None
    last_day: date | None = None


def parse_window(
    start: str | None,
    end: str | None,
    *,
    tz: tzinfo,
    now: datetime,
    default_days: int,
    from_now: bool = False,
) -> Window:
    """`--from`/`--to`. Dates select rota days (a shift belongs to the date it starts on, so
    `--to 2026-12-31` includes that night until 08:00 on the 1st); times select instants.
    Without `--from` the window starts today (or now, with `from_now`). Refuses an empty or
    reversed window (exit 2)."""
    from_is_day = _is_date(start) if start is not None else not from_now
    as_days = from_is_day and (end is None or _is_date(end))
    if as_days:
        first = parse_date(start, tz=tz, now=now) if start else now.astimezone(tz).date()
        last = parse_date(end, tz=tz, now=now) if end else first + timedelta(days=default_days - 1)
        if last < first:
            raise InvalidInput(_("--from {first} is after --to {last}").format(first=first, last=last))
        if (last - first).days >= MAX_WINDOW_DAYS:
            raise InvalidInput(_(
                    "the window is longer than {MAX_WINDOW_DAYS} days; ask for less"
                ).format(MAX_WINDOW_DAYS=MAX_WINDOW_DAYS))
        return Window(local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz), first, last)
    if start is None:
        lo = now
    elif _is_date(start):
        lo = local_midnight(parse_date(start, tz=tz, now=now), tz)
    else:
        lo = parse_instant(start, tz=tz, now=now)
    if end is None:
        hi = lo + timedelta(days=default_days)
    elif _is_date(end):
        hi = local_midnight(parse_date(end, tz=tz, now=now) + timedelta(days=1), tz)
    else:
        hi = parse_instant(end, tz=tz, now=now)
    if hi <= lo:
        raise InvalidInput(_("--from ({start}) must be before --to ({end})").format(start=start or "now", end=end))
    if hi - lo > timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidInput(_(
                "the window is longer than {MAX_WINDOW_DAYS} days; ask for less"
            ).format(MAX_WINDOW_DAYS=MAX_WINDOW_DAYS))
    return Window(lo, hi)


def in_window(query: Query, window: Window) -> Query:
    """Shifts of the window's rota days, or overlapping its instants."""
    if window.first_day is None:
        return overlapping(query, window.start, window.end)
    return query.where(
        col(Shift.day) >= window.first_day,
        col(Shift.day) <= window.last_day,
        col(Shift.start_at) >= window.start - MAX_SHIFT,
        col(Shift.start_at) < window.end + MAX_SHIFT,
    )


# --- views --------------------------------------------------------------------------------


def shift_query() -> Select[Shift, str, str, str | None]:
    """(shift, type name, holder's handle, team: None for desk duty)."""
    return (
        select(Shift, col(ShiftType.name), col(Staff.handle), col(ShiftType.team))
        .join(ShiftType, col(Shift.type_id) == col(ShiftType.id))
        .join(Staff, col(Shift.staff_id) == col(Staff.id))
    )


def shift_view(shift: Shift, type_name: str, handle: str, *, now: datetime, tz: tzinfo, grace: timedelta,
               team: str | None = None) -> dict:
    """One shift. An on-call shift (`team`) is never clocked: its attendance is `on call` while it
    runs, and it is never late, early or a no-show."""
    facts = attendance(
        start=shift.start_at, end=shift.end_at, clock_in=shift.clock_in_at,
        clock_out=shift.clock_out_at, now=now, grace=grace,
    )
    local_start, local_end = shift.start_at.astimezone(tz), shift.end_at.astimezone(tz)
    if team is not None:
        summary = "on call" if shift.start_at <= now < shift.end_at else ""
        return {
            "id": shift.id, "day": shift.day, "type": type_name, "who": handle,
            "start_at": shift.start_at, "end_at": shift.end_at,
            "hours": round((shift.end_at - shift.start_at).total_seconds() / 3600, 2),
            "night": is_night(local_start.time(), local_end.time()), "weekend": is_weekend(shift.day),
            "clock_in_at": None, "clock_out_at": None, "attendance": summary,
            "late_seconds": None, "early_leave_seconds": None, "no_show": False, "team": team,
        }
    return {
        "id": shift.id,
        "day": shift.day,
        "type": type_name,
        "who": handle,
        "start_at": shift.start_at,
        "end_at": shift.end_at,
        "hours": round((shift.end_at - shift.start_at).total_seconds() / 3600, 2),
        "night": is_night(local_start.time(), local_end.time()),
        "weekend": is_weekend(shift.day),
        "clock_in_at": shift.clock_in_at,
        "clock_out_at": shift.clock_out_at,
        "attendance": facts.summary,
        "late_seconds": facts.late_seconds,
        "early_leave_seconds": facts.early_leave_seconds,
        "no_show": facts.no_show,
        "team": None,
    }


def views(rows: Iterable, *, now: datetime, tz: tzinfo, config: Config) -> list[dict]:
    grace = config.duration("shift.grace")
    return [shift_view(s, t, h, now=now, tz=tz, grace=grace, team=team) for s, t, h, team in rows]


def get_shift(session: Session, shift_id: int) -> Shift:
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_("no shift {shift_id} (see `deskctl shift list`)").format(shift_id=shift_id))
    return shift


def view_of(session: Session, shift: Shift, *, now: datetime, tz: tzinfo, config: Config) -> dict:
    row = session.execute(shift_query().where(col(Shift.id) == shift.id)).one()
    return views([row], now=now, tz=tz, config=config)[0]


def overlapping(query: Query, start: datetime, end: datetime) -> Query:
    """Shifts overlapping [start, end); the lower bound on start_at keeps it an index range."""
    return query.where(col(Shift.start_at) < end, col(Shift.start_at) > start - MAX_SHIFT, col(Shift.end_at) > start)


def list_shifts(
    *,
    session: Session,
    now: datetime,
    tz: tzinfo,
    config: Config,
    window: Window,
    who: str | None = None,
    type_name: str | None = None,
    team: str | None = None,
) -> list[dict]:
    """`iter_shifts` as a list."""
    return list(iter_shifts(session=session, now=now, tz=tz, config=config, window=window, who=who,
                            type_name=type_name, team=team))


LIST_CHUNK = 1000  # shifts read at a time by `iter_shifts` and `ics_chunks`


def iter_shifts(
    *,
    session: Session,
    now: datetime,
    tz: tzinfo,
    config: Config,
    window: Window,
    who: str | None = None,
    type_name: str | None = None,
    team: str | None = None,
) -> Iterator[dict]:
    """Every shift of the window (desk duty and on call), or one person's, type's or team's
    (`team`: see teams.choose_team; `desk` = desk duty only), in start order; filters checked at
    once, rows read LIST_CHUNK at a time as they are shown."""
    query = in_window(shift_query(), window)
    if team:
        query = query.where(choose_team(session, team).clause())
    if who:
        staff_id = _staff_id(session, who)
        query = query.where(col(Shift.staff_id) == staff_id)
    if type_name:
        type_id = session.execute(select(col(ShiftType.id)).where(col(ShiftType.name) == type_name)).scalar()
        if type_id is None:
            raise NotFound(_(
                    "no shift type {type_name} (see `deskctl shift type list`)"
                ).format(type_name=quote(type_name)))
        query = query.where(Shift.type_id == type_id)
    query = query.order_by(col(Shift.start_at), col(ShiftType.name), col(Staff.handle))
    grace = config.duration("shift.grace")
    rows = session.execute(query.execution_options(yield_per=LIST_CHUNK))
    return (shift_view(s, t, h, now=now, tz=tz, grace=grace, team=tm) for s, t, h, tm in rows)


def _staff_id(session: Session, handle: str) -> int:
    staff_id: int | None = session.execute(select(col(Staff.id)).where(col(Staff.handle) == handle)).scalar()
    if staff_id is None:
        raise NotFound(_("no staff member with handle {handle} (see `deskctl staff list`)").format(
            handle=quote(handle)))
    return staff_id


# --- on duty --------------------------------------------------------------------------------


def _covering(at: datetime) -> ColumnElement[bool]:
    return and_(col(Shift.start_at) <= at, col(Shift.start_at) > at - MAX_SHIFT, col(Shift.end_at) > at)


def on_duty_at(*, session: Session, at: datetime) -> list[Staff]:
    """Staff whose desk duty shift covers instant `at` (start ≤ at < end), by handle; people
    on call are not on duty at the desk."""
    query = (
        select(Staff)
        .join(Shift, col(Shift.staff_id) == col(Staff.id))
        .where(_covering(at), desk_duty())
        .order_by(Staff.handle)
        .distinct()
    )
    return list(session.execute(query).scalars())


def on_call_at(*, session: Session, at: datetime, tier: int) -> list[Staff]:
    """Active technicians of `tier` whose on-call shift (a type of that tier) covers `at`, by handle."""
    query = (
        select(Staff)
        .join(Shift, col(Shift.staff_id) == col(Staff.id))
        .join(ShiftType, col(ShiftType.id) == col(Shift.type_id))
        .where(_covering(at), col(ShiftType.tier) == tier, col(Staff.active).is_(True),
               col(Staff.role) == "technician", col(Staff.tier) == tier)
        .order_by(Staff.handle)
        .distinct()
    )
    return list(session.execute(query).scalars())


def duty_now(*, session: Session, now: datetime, tz: tzinfo, config: Config, team: str | None = None) -> dict:
    """Who is on duty now, since and until when, the next handover and who takes over.

    On duty: everyone whose desk duty shift covers now, and everyone already clocked in for a
    shift that starts within `shift.clock_window` (the 08:00 officer who clocked in at 07:55 is
    on duty). With `team`, the same for that on-call rota (`on_duty` = on call); the desk view
    lists who is on call now under `on_call`."""
    choice = choose_team(session, team) if team else None
    if choice is not None and choice.desk:
        choice = None  # `--team desk` is the desk's own view
    rota = choice.clause() if choice is not None else desk_duty()
    covering = _covering(now)
    if choice is None:
        covering = or_(covering, and_(
            col(Shift.start_at) > now, col(Shift.start_at) <= now + config.duration("shift.clock_window"),
            col(Shift.clock_in_at).is_not(None), col(Shift.clock_in_at) <= now, col(Shift.clock_out_at).is_(None)))
    current_rows = session.execute(
        shift_query().where(covering, rota).order_by(col(Shift.end_at), col(Staff.handle))
    ).all()
    current_ids = {row[0].id for row in current_rows}
    upcoming_rows = [row for row in session.execute(
        shift_query()
        .where(col(Shift.start_at) > now, col(Shift.start_at) <= now + timedelta(days=7), rota)
        .order_by(col(Shift.start_at), col(Staff.handle))
        .limit(50)
    ).all() if row[0].id not in current_ids]
    current = views(current_rows, now=now, tz=tz, config=config)
    upcoming = views(upcoming_rows, now=now, tz=tz, config=config)
    if current:
        handover_at = min(s["end_at"] for s in current)
        takes_over = [s for s in upcoming if s["start_at"] <= handover_at]
    else:
        handover_at = upcoming[0]["start_at"] if upcoming else None
        takes_over = []
    if not takes_over and upcoming:
        first = upcoming[0]["start_at"]
        takes_over = [s for s in upcoming if s["start_at"] == first]
    view: dict = {"at": now}
    if choice is not None:
        view.update({"team": choice.label, "tier": choice.tier})
    view.update({
        "nobody_on_duty": not current,
        "on_duty": [_duty_row(s) for s in current],
        "next_handover_at": handover_at,
        "takes_over": [_duty_row(s) for s in takes_over],
    })
    if choice is None:
        view["on_call"] = on_call_now(session=session, now=now)
    return view


def on_call_now(*, session: Session, now: datetime) -> list[dict]:
    """Who is on call now, per team (empty when nobody is, or the desk has no on-call rota)."""
    rows = session.execute(
        select(col(ShiftType.team), col(ShiftType.tier), col(Staff.handle), col(Shift.end_at))
        .join(ShiftType, col(ShiftType.id) == col(Shift.type_id))
        .join(Staff, col(Staff.id) == col(Shift.staff_id))
        .where(_covering(now), col(ShiftType.team).is_not(None))
        .order_by(col(ShiftType.tier), col(ShiftType.team), col(Staff.handle))
    ).all()
    return [{"team": team, "tier": tier, "who": who, "until": until} for team, tier, who, until in rows]


def _duty_row(s: dict) -> dict:
    return {
        "id": s["id"],
        "who": s["who"],
        "type": s["type"],
        "since": s["start_at"],
        "until": s["end_at"],
        "clocked_in_at": s["clock_in_at"],
        "attendance": s["attendance"],
    }


# --- gaps ---------------------------------------------------------------------------------


def coverage_gaps(*, session: Session, tz: tzinfo, window: Window, team: str | None = None) -> list[dict]:
    """Desk duty: every interval of the window with fewer people than a type's minimum, and every
    interval no active type covers and nobody is on duty (type empty). A window of rota days is
    24 h a day from the earliest type start: with day 08:00 and night 20:00, `--from 2026-12-01
    --to 2026-12-31` is 12-01 08:00 to 01-01 08:00. On-call shifts are not desk duty: they fill
    no desk gap. With `team`, that on-call rota's shortfalls only (on call is often nights and
    weekends: the hours its types leave out are not gaps)."""
    choice: TeamChoice | None = choose_team(session, team) if team else None
    on_call = choice is not None and not choice.desk
    query = select(ShiftType).where(col(ShiftType.active).is_(True))
    if on_call:
        assert choice is not None
        query = query.where(col(ShiftType.id).in_(choice.type_ids))
    else:
        query = query.where(col(ShiftType.team).is_(None))
    types = session.execute(query).scalars().all()
    walls = [(t, wall(t.start_local), wall(t.end_local)) for t in types]
    start, end = window.start, window.end
    if window.first_day is not None and walls:
        day_start = min(s_t for _, s_t, _ in walls)
        assert window.last_day is not None  # given together with first_day
        start = shift_instants(window.first_day, day_start, day_start, tz)[0]
        end = shift_instants(window.last_day + timedelta(days=1), day_start, day_start, tz)[0]
    needs = []
    for t, s_t, e_t in walls:
        day = start.astimezone(tz).date() - timedelta(days=1)
        while day <= end.astimezone(tz).date():
            s, e = shift_instants(day, s_t, e_t, tz)
            if e > start and s < end:
                needs.append(Need(t.name, s, e, t.min_staff))
            day += timedelta(days=1)
    rows = session.execute(
        overlapping(
            select(col(ShiftType.name), col(Shift.start_at), col(Shift.end_at))
            .join(ShiftType, col(Shift.type_id) == col(ShiftType.id))
            .where(col(Shift.type_id).in_(choice.type_ids) if on_call and choice else desk_duty()),
            start,
            end,
        )
    ).all()
    gaps = find_gaps(needs, [tuple(r) for r in rows], start, end)
    if on_call:
        gaps = [g for g in gaps if g.type_name is not None]
    return [
        {
            "start_at": g.start,
            "end_at": g.end,
            "duration_seconds": int((g.end - g.start).total_seconds()),
            "type": g.type_name or "",
            "have": g.have,
            "need": g.need,
            "problem": "no shift type covers this time" if g.type_name is None else f"{g.have} of {g.need} on duty",
        }
        for g in gaps
    ]


# --- calendar -------------------------------------------------------------------------------


def export_ics(
    *,
    session: Session,
    now: datetime,
    tz: tzinfo,
    window: Window | None = None,
    who: str | None = None,
) -> tuple[bytes, int]:
    """The whole calendar of `ics_chunks` at once, and how many shifts it holds."""
    chunks = list(ics_chunks(session=session, now=now, tz=tz, window=window, who=who))
    return b"".join(chunks), len(chunks) - 2


def ics_chunks(
    *,
    session: Session,
    now: datetime,
    tz: tzinfo,
    window: Window | None = None,
    who: str | None = None,
) -> Iterator[bytes]:
    """RFC 5545 calendar of shifts, one VEVENT per shift with a UID that never changes, so a
    calendar program re-importing the file updates events instead of duplicating them.

    Written as it is read: the calendar's head, one chunk per shift (read LIST_CHUNK at a time),
    then its end, so a year of rota never sits in memory. The filters are checked at once.
    """
    from icalendar import Calendar, Event

    query = shift_query()
    if window is not None:
        query = in_window(query, window)
    if who:
        query = query.where(col(Shift.staff_id) == _staff_id(session, who))
    cal = Calendar()
    cal.add("prodid", "-//deskctl//duty rota//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Duty rota{' — ' + who if who else ''}")
    empty = cal.to_ical()
    tail = b"END:VCALENDAR\r\n"
    assert empty.endswith(tail)
    rows = session.execute(query.order_by(col(Shift.start_at), col(Staff.handle)).execution_options(
        yield_per=LIST_CHUNK))

    def chunks() -> Iterator[bytes]:
        yield empty[: -len(tail)]
        for shift, type_name, handle, team in rows:
            event = Event()
            event.add("uid", shift_uid(shift))
            event.add("dtstamp", now)
            event.add("dtstart", shift.start_at)
            event.add("dtend", shift.end_at)
            event.add("summary", f"{type_name} shift — {handle}")
            local = shift.start_at.astimezone(tz)
            event.add(
                "description",
                f"deskctl shift {shift.id}: {type_name} on {shift.day.isoformat()} "
                f"({local:%H:%M} {tz}), {'on duty' if team is None else 'on call (' + team + ')'}: {handle}",
            )
            event.add("categories", ["duty" if team is None else "on call", type_name])
            event.add("transp", "OPAQUE")
            yield event.to_ical()
        yield tail

    return chunks()


def shift_uid(shift: Shift) -> str:
    """Stable per shift: a swap or cover changes the event, never its identity."""
    return f"deskctl-shift-{shift.id}-{shift.day:%Y%m%d}@deskctl"


# --- status -------------------------------------------------------------------------------


def status_section(
    *, session: Session, now: datetime, actor: str, config: Config, tz: tzinfo, limit: int | None = 20
) -> dict:
    """The on-duty block of `deskctl status` (its alerts: nobody on duty, a started shift nobody
    clocked in for, a handover waiting to be taken over)."""
    duty = duty_now(session=session, now=now, tz=tz, config=config)
    section: dict = {}
    alerts: list[tuple[int, str]] = []
    if duty["nobody_on_duty"]:
        section["on_duty_alert"] = "NOBODY IS ON DUTY NOW"
        alerts.append((10, "NOBODY IS ON DUTY NOW"))
    section["on_duty"] = [
        {"who": r["who"], "type": r["type"], "since": r["since"], "until": r["until"],
         "clocked_in": r["clocked_in_at"] is not None, "attendance": r["attendance"]}
        for r in duty["on_duty"]
    ]
    missing = [r for r in duty["on_duty"] if r["attendance"] == "not clocked in"]
    if missing:
        section["not_clocked_in_alert"] = "NOT CLOCKED IN: " + ", ".join(
            f"{r['who']} ({r['type']} since {r['since'].astimezone(tz):%H:%M})" for r in missing)
        alerts.append((10, "not clocked in: " + ", ".join(
            f"{r['who']} ({r['type']} {r['since'].astimezone(tz):%H:%M})" for r in missing)))
    if duty["on_call"] or session.execute(select(col(ShiftType.id)).where(col(ShiftType.team).is_not(None))).first():
        section["on_call"] = [{"team": r["team"], "who": r["who"], "until": r["until"]} for r in duty["on_call"]]
    section["next_handover"] = {
        "at": duty["next_handover_at"],
        "takes_over": ", ".join(r["who"] for r in duty["takes_over"]) or "nobody planned",
    }
    window = config.duration("shift.handover_window")
    last = session.execute(
        select(Handover).order_by(col(Handover.created_at).desc(), col(Handover.id).desc()).limit(1)
    ).scalar()
    pending = []
    if last is not None and last.taken_over_at is None and handover_flagged(
        last.created_at, None, now=now, window=window
    ):
        handles = handles_by_id(session)
        pending.append({
            "handover": last.id,
            "from": handles.get(last.from_staff_id, ""),
            "to": handles.get(last.to_staff_id, "") if last.to_staff_id else "",
            "created_at": last.created_at,
            "waiting_seconds": int((now - last.created_at).total_seconds()),
        })
    section["handover_pending"] = pending
    if pending:
        from deskctl.timeparse import format_duration

        alerts.append((40, f"handover pending {format_duration(pending[0]['waiting_seconds'])}"))
    section["alerts"] = alerts
    return section
