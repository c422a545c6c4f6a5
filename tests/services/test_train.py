"""Training records at the service layer: who may record them, their values, the list, and who
is due (the interval from the last pass; a failed training does not reset it)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deskctl.errors import InvalidInput, NotFound, PermissionDenied
from deskctl.services.people import training
from tests.services.ticket_steps import events


def _add(desk, who="zhang", on="2026-11-10", actor="lead", **kw):
    return desk.write(training.add_training, actor=actor, handle=who, topic=kw.pop("topic", "t"),
                      on=date.fromisoformat(on), **kw)


def test_add_training_by_supervisor_records_and_audits(staffed):
    view = _add(staffed, topic="防火墙变更流程", hours=4, result="pass")
    assert (view["handle"], view["topic"], view["on"], view["hours"], view["result"], view["recorded_by"]) == (
        "zhang", "防火墙变更流程", date(2026, 11, 10), 4.0, "pass", "lead")
    logged = events(staffed, entity="training")
    assert [(e["kind"], e["actor"], e["details"]["handle"]) for e in logged] == [("added", "lead", "zhang")]


def test_add_training_by_officer_is_permission_denied(staffed):
    with pytest.raises(PermissionDenied):
        _add(staffed, who="wang", actor="zhang")
    assert staffed.read(training.list_training) == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [({"result": "maybe"}, "pass, fail"), ({"hours": -1}, "--hours"), ({"on": "2026-12-01"}, "future"),
     ({"topic": " "}, "topic")],
)
def test_add_training_bad_values_are_invalid(staffed, fields, words):
    with pytest.raises(InvalidInput, match=words):
        _add(staffed, **fields)
    assert staffed.read(training.list_training) == []


def test_add_training_unknown_person_is_not_found(staffed):
    with pytest.raises(NotFound):
        _add(staffed, who="ghost")


def test_list_training_newest_first_and_filters(staffed):
    for who, on in [("zhang", "2026-10-01"), ("wang", "2026-11-01"), ("zhang", "2026-11-20")]:
        _add(staffed, who=who, on=on)
    assert [r["on"] for r in staffed.read(training.list_training)] == [
        date(2026, 11, 20), date(2026, 11, 1), date(2026, 10, 1)]
    assert [r["on"] for r in staffed.read(training.list_training, handle="zhang")] == [
        date(2026, 11, 20), date(2026, 10, 1)]
    assert len(staffed.read(training.list_training, since=date(2026, 11, 1))) == 2
    assert len(staffed.read(training.list_training, until=date(2026, 11, 1))) == 1


def _due(desk, within=None):
    return desk.read(training.training_due, within=within)


def test_training_due_nobody_overdue(staffed):
    assert _due(staffed) == []  # joined today: due in 180 days


def test_training_due_lists_the_overdue(staffed):
    # passed on 2026-05-01: due 180 days later, 2026-10-28; today 2026-11-23 is 26 days over
    _add(staffed, on="2026-05-01")
    _add(staffed, on="2026-11-01", result="fail")  # a failed training does not reset the interval
    rows = _due(staffed)
    assert [(r["handle"], r["due_on"], r["days_overdue"], r["last_topic"]) for r in rows] == [
        ("zhang", date(2026, 10, 28), 26, "t")]
    assert rows[0]["last_training_on"] == date(2026, 11, 1) and rows[0]["last_passed_on"] == date(2026, 5, 1)


def test_training_due_within_lists_soon_due(staffed):
    _add(staffed, who="wang", on="2026-06-01")  # due 2026-11-28, five days from now
    assert _due(staffed) == []
    assert [(r["handle"], r["overdue"]) for r in _due(staffed, within=timedelta(days=7))] == [("wang", False)]
    assert _due(staffed, within=timedelta(days=4)) == []


def test_training_interval_comes_from_config(staffed):
    _add(staffed, on="2026-11-01")
    staffed.configure("training.interval", "7d")
    assert [(r["handle"], r["due_on"]) for r in _due(staffed)][0] == ("zhang", date(2026, 11, 8))
