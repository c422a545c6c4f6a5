"""The demo desk (`build_demo`), built once per module through the service: what it holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskctl.services.audit import verify_chain
from deskctl.services.demo import build_demo
from deskctl.services.inspections import history, plans
from tests.conftest import freeze_desk
from tests.services.ticket_steps import show


@pytest.fixture(scope="module")
def _demo_db(tmp_path_factory, _template_db):
    def build(desk):
        desk.counts = desk.write(build_demo)

    return freeze_desk(tmp_path_factory.mktemp("demo"), _template_db, build)


@pytest.fixture
def demo(desk, _demo_db):
    return desk.load(_demo_db)


def test_demo_has_plans_a_month_of_runs_findings_and_a_missed_occurrence(demo):
    assert {"core-network", "backups", "machine-room", "ups-battery"} == {
        p["name"] for p in demo.read(plans.list_plans)}
    rows = demo.read(history.history, since=demo.now - timedelta(days=31))
    assert sum(1 for r in rows if r["run"]) > 30
    assert [r["plan"] for r in rows if r["state"] == "missed"] == ["core-network"]
    failed = [r for r in rows if r["failed"]]
    assert len(failed) == 4 and all(r["tickets"] for r in failed)
    core = [r["tickets"][0] for r in failed if r["plan"] == "core-network"]
    assert len(core) == 2 and core[0] == core[1]  # the repeat failure noted on the open ticket
    assert show(demo, core[0])["channel"] == "inspection"


def test_demo_audit_chain_is_intact(demo):
    assert demo.read(verify_chain)["ok"] is True
