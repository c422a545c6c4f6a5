"""The service-layer suite runs on both engines: every test using `desk` or `staffed` runs once on
SQLite and once on PostgreSQL (`[sqlite]`, `[pg]`; docs/developing.md §Tests on both engines)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", params=["sqlite", "pg"])
def engine(request) -> str:
    return request.param
