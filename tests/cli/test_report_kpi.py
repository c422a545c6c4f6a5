"""`deskctl report performance` on the hand-built October desk (tests/services/october.py): the
score reproduced from the JSON by the documented formula, and sign-off as the command shows it
(the snapshot unless --live, the options that go together). The KPI figures themselves:
tests/services/test_report_kpi.py."""

from __future__ import annotations

import pytest

from deskctl.services.people.records import add_record
from tests.conftest import freeze_desk
from tests.services.october import build_october, by, docs_score
from tests.services.ticket_steps import at


@pytest.fixture(scope="module")
def _october_db(tmp_path_factory, _staffed_template_db):
    return freeze_desk(tmp_path_factory.mktemp("october"), _staffed_template_db, build_october)


@pytest.fixture
def october(staffed, _october_db):
    return staffed.load(_october_db)


def test_report_performance_score_recomputed_from_json(october):
    view = october.json("report", "performance", "--period", "2026-10")
    assert view["weights"] == {"efficiency": 40.0, "quality": 40.0, "discipline": 20.0}
    median = view["baseline"]["team_median_handled_per_shift"]
    scored = 0
    for person in view["people"]:
        assert docs_score(person, median, view["weights"]) == person["score"], person["handle"]
        scored += person["score"] is not None
    assert scored >= 1
    assert by(view["people"], "handle", "zhang")["score"] == 68.3


def test_report_performance_shows_the_signed_off_snapshot_unless_live(october):
    res = october.run("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize",
                      "--comment", "October signed off", "--json")
    assert res.exit_code == 0, res.stderr
    assert res.json()["finalized"]["by"] == "lead" and res.json()["finalized"]["comment"] == "October signed off"
    assert "performance for 2026-10 finalised by lead" in res.stderr
    october.write(add_record, handle="zhang", kind="violation", note="late report", at=at("2026-10-20T10:00:00+08:00"))
    again = october.json("report", "performance", "--period", "2026-10")
    assert by(again["people"], "handle", "zhang")["score"] == 68.3
    assert again["finalized"]["by"] == "lead"
    live = october.json("report", "performance", "--period", "2026-10", "--live")
    assert by(live["people"], "handle", "zhang")["inputs"]["discipline"]["negative_records"] == 2
    assert live["finalized"] is None


def test_report_performance_finalize_twice_exits_4(october):
    october.ok("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize")
    res = october.run("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize")
    assert res.exit_code == 4
    assert res.stderr.startswith("deskctl: error: ") and "--replace" in res.stderr
    replaced = october.json("--as", "lead", "report", "performance", "--period", "2026-10", "--finalize",
                            "--replace", "--comment", "corrected")
    assert replaced["finalized"]["replaced"] is True


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--comment", "x"], "go with --finalize"), (["--replace"], "go with --finalize"),
     (["--finalize", "--live"], "do not go together")],
)
def test_report_performance_options_that_do_not_go_together_exit_2(october, args, words):
    res = october.run("--as", "lead", "report", "performance", "--period", "2026-10", *args)
    assert res.exit_code == 2
    assert res.stderr.startswith("deskctl: error: ") and words in res.stderr
    assert october.json("audit", "log", "--entity", "assessment") == []


def test_report_performance_finalize_by_officer_exits_5(october):
    res = october.run("--as", "zhang", "report", "performance", "--period", "2026-10", "--finalize")
    assert res.exit_code == 5
    assert october.json("audit", "log", "--entity", "assessment") == []
