"""The service-layer suite runs on both engines: every test using `desk` or `staffed` runs on
SQLite (`[sqlite]`) and on PostgreSQL (`[pg]`). The default run takes the PostgreSQL side of a
representative set of files (tickets, lists, reports, inspections, rota, staff); the rest of the
PostgreSQL side is marked `slow` (`pytest -m slow`, which .ci/run runs too), so the default run
stays within its time (docs/developing.md §Tests on both engines)."""

from __future__ import annotations

import pytest

# Files whose PostgreSQL side runs by default: every area, and every kind of SQL the reports use.
REPRESENTATIVE = {
    "test_ticket_lifecycle.py", "test_ticket_list.py", "test_report_kpi.py", "test_inspect_runs.py",
    "test_shift_rota.py", "test_staff.py", "test_desk_fixture.py", "test_ticket_search.py",
    "test_audit_replay_engines.py",
}


@pytest.fixture(scope="session", params=["sqlite", "pg"])
def engine(request) -> str:
    return request.param


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("engine") != "pg":
            continue
        if item.path.name not in REPRESENTATIVE and "tests/services/" in item.path.as_posix():
            item.add_marker(pytest.mark.slow)
