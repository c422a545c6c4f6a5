"""Reports over long spans are bounded, and `report tickets` groups by week and month
(issue 9, item 7)."""

from __future__ import annotations

import pytest

from deskctl.domain.periods import parse_period
from deskctl.errors import InvalidInput
from deskctl.services.reports import daily, tickets
from deskctl.services.reports.common import resolve_period
from deskctl.services.tickets import lifecycle


def _span(desk, from_, to=None):
    return resolve_period(period=None, from_=from_, to=to, tz=desk.tz, now=desk.now)


def test_daily_refuses_more_than_a_month_and_says_the_limit(staffed):
    # 1970-01-01 to now (2026-11-23 09:00): 20,780 whole days since, and the day of now: 20,781
    with pytest.raises(InvalidInput, match=r"report daily covers at most 31 days; 1970-01-01\.\.now has 20,781"):
        staffed.read(daily.build, period=_span(staffed, "1970-01-01"))
    # the longest month is still a page (31 days), and the trend lists each of its days
    view = staffed.read(daily.build, period=parse_period("2026-10", tz=staffed.tz, now=staffed.now))
    assert len(view["tickets_per_day"]) == 31
    with pytest.raises(InvalidInput, match="at most 31 days"):
        staffed.read(daily.build, period=_span(staffed, "2026-10-01", "2026-11-01"))


def test_tickets_by_day_is_bounded_to_a_year(staffed):
    with pytest.raises(InvalidInput, match=r"--by day lists at most 366 days; 1970-01-01\.\.now has 20,781 "
                                           r"\(use --by week or --by month"):
        staffed.read(tickets.build, period=_span(staffed, "1970-01-01"), by="day")
    assert len(staffed.read(tickets.build, period=parse_period("2028", tz=staffed.tz, now=staffed.now),
                            by="day")["groups"]) == 366  # a leap year


def _open(desk, at, n=1):
    desk.set_now(at)
    for _ in range(n):
        desk.write(lifecycle.open_ticket, actor="zhang", title="t", reporter="r", priority="P4")


def test_tickets_by_week_and_month(staffed):
    # local (Asia/Shanghai) opening instants, counted by hand:
    _open(staffed, "2026-11-01T23:30:00+08:00")  # Sunday: ISO week 2026-W44, November
    _open(staffed, "2026-11-02T00:10:00+08:00", 2)  # Monday: W45
    _open(staffed, "2026-11-30T08:00:00+08:00")  # Monday: W49, November
    _open(staffed, "2026-12-01T00:00:00+08:00")  # W49, December
    staffed.set_now("2026-12-05T09:00:00+08:00")
    span = _span(staffed, "2026-11-01", "2026-12-31")
    weeks = staffed.read(tickets.build, period=span, by="week")
    got = {g["key"]: g["opened"] for g in weeks["groups"]}
    # W44 is clipped to 1 November (the period starts that Sunday), W53 to 28-31 December
    assert list(got) == [f"2026-W{w}" for w in range(44, 54)]
    assert {k: v for k, v in got.items() if v} == {"2026-W44": 1, "2026-W45": 2, "2026-W49": 2}
    months = staffed.read(tickets.build, period=span, by="month")
    assert [(g["key"], g["opened"]) for g in months["groups"]] == [("2026-11", 4), ("2026-12", 1)]
    assert months["total"]["opened"] == weeks["total"]["opened"] == 5
    # decades by month is fine; by week it is refused with the limit
    assert len(staffed.read(tickets.build, period=_span(staffed, "2000-01-01", "2026-12-31"),
                            by="month")["groups"]) == 27 * 12
    with pytest.raises(InvalidInput, match="--by week lists at most 522 weeks"):
        staffed.read(tickets.build, period=_span(staffed, "1970-01-01"), by="week")
