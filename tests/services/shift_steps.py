"""The rota built and read through the services, for the service-layer tests (and CLI set-up).

Dates are ISO strings here (`assign(desk, "2026-12-01", "day", "zhang")`); windows are the
commands' `--from/--to` (`window(desk, "2026-12-01", "2026-12-07")`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from deskctl.services.people.staff import add_staff
from deskctl.services.shifts import rota, types, views

MEMBERS = ["zhang", "wang", "zhao", "sun"]


def add_officers(desk, *handles: str) -> None:
    names = {"zhao": "赵六", "sun": "孙七", "zhou": "周八"}
    for handle in handles:
        desk.write(add_staff, handle=handle, name=names.get(handle, handle), role="officer")


def add_day_and_night(desk, min_staff: int = 1) -> None:
    """day 08:00–20:00 and night 20:00–08:00 (desk zone)."""
    desk.write(types.add_type, name="day", start="08:00", end="20:00", min_staff=min_staff)
    desk.write(types.add_type, name="night", start="20:00", end="08:00", min_staff=min_staff)


def before_handover(desk):
    """zhang on the day shift of 2026-11-23 and wang on the night after it, ten minutes before
    the handover at 20:00 (the handover tests' starting point)."""
    add_day_and_night(desk)
    assign(desk, "2026-11-23", "day", "zhang")
    assign(desk, "2026-11-23", "night", "wang")
    desk.set_now("2026-11-23T19:50:00+08:00")
    return desk


def assign(desk, day: str, type_name: str, who: str) -> dict:
    return desk.write(rota.assign, day=date.fromisoformat(day), type_name=type_name, handle=who)


def plan(desk, first: str, last: str, types_: str = "day,night", members: list[str] = MEMBERS,
         **options: Any) -> dict:
    return desk.write(rota.plan, first=date.fromisoformat(first), last=date.fromisoformat(last),
                      types=types_.split(","), members=members, **options)


def window(desk, first: str | None, last: str | None, *, default_days: int = 7, from_now: bool = False):
    return views.parse_window(first, last, tz=desk.tz, now=desk.now, default_days=default_days,
                              from_now=from_now)


def shifts(desk, first: str = "2026-11-01", last: str = "2027-02-28", **filters: Any) -> list[dict]:
    return desk.read(views.list_shifts, window=window(desk, first, last), **filters)


def shift_of(desk, who: str, day: str = "2026-11-23") -> dict:
    return shifts(desk, day, day, who=who)[0]


def holder(desk, shift_id: int) -> str:
    return {s["id"]: s["who"] for s in shifts(desk)}[shift_id]


def unassign_shift(*, session, clock, actor, config, tz, shift_id: int) -> dict:
    """`shift unassign ID` as the command does it: find the shift, then unassign it."""
    return rota.unassign(session=session, clock=clock, actor=actor, config=config, tz=tz,
                         shift=views.get_shift(session, shift_id))
