"""The SLA calendar and targets as configured (config `sla.*`)."""

from __future__ import annotations

from datetime import date, tzinfo

from deskctl.config import WEEKDAYS, Config
from deskctl.domain.sla import AlwaysOn, BusinessHours, Calendar
from deskctl.timeparse import parse_time_of_day


def calendar_from_config(config: Config, tz: tzinfo) -> Calendar:
    if config.get("sla.calendar.mode") != "business":
        return AlwaysOn()
    opens, closes = config.get("sla.calendar.hours").split("-")
    return BusinessHours(
        tz=tz,
        opens=parse_time_of_day(opens),
        closes=parse_time_of_day(closes),
        weekdays=frozenset(WEEKDAYS.index(d) for d in config.get("sla.calendar.days")),
        holidays=frozenset(date.fromisoformat(d) for d in config.get("sla.calendar.holidays")),
    )


def targets(config: Config, priority: str) -> tuple[int, int]:
    """(response, resolution) targets in seconds for a priority."""
    response, resolution = config.sla_targets()[priority]
    return int(response.total_seconds()), int(resolution.total_seconds())
