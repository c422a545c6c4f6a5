"""Discipline that a supervisor can defend (issue 9, item 2; docs/assessment.md, *Discipline*).

Data built by hand through the services on a desk in Asia/Shanghai: a day type 08:00-20:00
(12 h = 720 min), November 2026, report made on 30 November 12:00 local. Every expected score
is worked out in the comments from the formulas as docs/assessment.md writes them.
"""

from __future__ import annotations

from datetime import date

import pytest

from deskctl.domain.periods import parse_period
from deskctl.services.people import records, training
from deskctl.services.reports import performance
from deskctl.services.shifts import attendance as clocking
from deskctl.services.shifts import rota, types


@pytest.fixture
def november(staffed):
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    for day in (2, 3):
        staffed.write(rota.assign, day=date(2026, 11, day), type_name="day", handle="wang")
    for day in (5, 6):
        staffed.write(rota.assign, day=date(2026, 11, day), type_name="day", handle="zhang")
    # zhang: 20 min late on 5 November, 30 min early on 6 November; wang never comes.
    staffed.set_now("2026-11-05T08:20:00+08:00")
    staffed.write(clocking.clock_in, actor="zhang")
    staffed.set_now("2026-11-05T20:00:00+08:00")
    staffed.write(clocking.clock_out, actor="zhang")
    staffed.set_now("2026-11-06T08:00:00+08:00")
    staffed.write(clocking.clock_in, actor="zhang")
    staffed.set_now("2026-11-06T19:30:00+08:00")
    staffed.write(clocking.clock_out, actor="zhang")
    staffed.set_now("2026-11-30T12:00:00+08:00")
    return staffed


def _person(desk, handle):
    view = desk.read(performance.build, period=parse_period("2026-11", tz=desk.tz, now=desk.now))
    return next(p for p in view["people"] if p["handle"] == handle)


def _train(desk, *handles):
    for handle in handles:
        desk.write(training.add_training, handle=handle, topic="值班规范", on=date(2026, 11, 10), hours=2)


def test_two_no_shows_cost_far_more_than_late_and_early(november):
    _train(november, "wang", "zhang")
    wang, zhang = _person(november, "wang"), _person(november, "zhang")
    # wang: 2 shifts, 2 no-shows → each loses the whole shift: shifts_lost = 2,
    # attendance = 100 × (1 − 2/2) = 0. No records: conduct not measurable (none). Trained: 100.
    # discipline = mean(0, 100) = 50.0
    assert wang["inputs"]["discipline"]["shifts_lost"] == pytest.approx(2.0)
    assert wang["parts"]["discipline"] == {"attendance": 0.0, "conduct": None, "training": 100.0,
                                           "inspections": None}
    assert wang["discipline"] == 50.0
    # zhang: 2 shifts; lost 20/720 + 30/720 = 50/720 = 0.069444 of a shift;
    # attendance = 100 × (1 − 0.069444/2) = 96.5278 → 96.5; discipline = (96.5278 + 100)/2 = 98.26 → 98.3
    d = zhang["inputs"]["discipline"]
    assert (d["shifts"], d["late"], d["early"], d["no_show"]) == (2, 1, 1, 0)
    assert d["shifts_lost"] == pytest.approx(50 / 720)
    assert zhang["parts"]["discipline"]["attendance"] == 96.5
    assert zhang["discipline"] == 98.3


def test_lateness_within_the_grace_loses_nothing_and_beyond_it_counts_whole(staffed):
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    staffed.write(rota.assign, day=date(2026, 11, 24), type_name="day", handle="zhang")
    staffed.write(rota.assign, day=date(2026, 11, 25), type_name="day", handle="zhang")
    _train(staffed, "zhang")
    staffed.set_now("2026-11-24T08:04:00+08:00")  # 4 min: within the 5 min grace
    staffed.write(clocking.clock_in, actor="zhang")
    staffed.set_now("2026-11-25T08:06:00+08:00")  # 6 min: late, and all 6 min are lost
    staffed.write(clocking.clock_in, actor="zhang")
    staffed.set_now("2026-11-30T12:00:00+08:00")  # no clock-out on either: not a loss, listed apart
    d = _person(staffed, "zhang")["inputs"]["discipline"]
    assert d["shifts_lost"] == pytest.approx(6 / 720)
    # attendance = 100 × (1 − (6/720)/2) = 99.583 → 99.6
    assert _person(staffed, "zhang")["parts"]["discipline"]["attendance"] == 99.6


def test_never_trained_is_not_up_to_date(november):
    # maria joined on 23 November and has no training record at all: not up to date, training 0.
    # She has no shifts, no records, no inspections: discipline = mean(training 0) = 0.
    november.set_now("2026-11-30T12:00:00+08:00")
    maria = _person(november, "maria")
    assert maria["inputs"]["discipline"]["training_up_to_date"] is False
    assert maria["parts"]["discipline"] == {"attendance": None, "conduct": None, "training": 0.0,
                                            "inspections": None}
    assert maria["discipline"] == 0.0
    # a failed training is not a pass either
    november.write(training.add_training, handle="maria", topic="VPN", on=date(2026, 11, 24), result="fail")
    assert _person(november, "maria")["inputs"]["discipline"]["training_up_to_date"] is False
    november.write(training.add_training, handle="maria", topic="VPN", on=date(2026, 11, 25), result="pass")
    assert _person(november, "maria")["inputs"]["discipline"]["training_up_to_date"] is True


def test_conduct_counts_only_when_there_are_records(november):
    _train(november, "wang")
    # one violation: conduct = 100 − 20 = 80; wang's discipline = mean(0, 80, 100) = 60.0
    november.write(records.add_record, handle="wang", kind="violation", note="left the desk unattended",
                   at=None)
    wang = _person(november, "wang")
    assert wang["parts"]["discipline"]["conduct"] == 80.0
    assert wang["discipline"] == 60.0
