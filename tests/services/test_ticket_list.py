"""Listing tickets at the service layer: every filter of SPEC §2, breaches, search, refusals.
How `ticket list` parses times, --mine, --limit and formats is in tests/cli/test_ticket_list.py."""

from __future__ import annotations

import pytest

from deskctl.errors import InvalidInput, NotFound
from deskctl.services.status import desk_status
from deskctl.services.tickets import lifecycle, views
from tests.conftest import freeze_desk
from tests.services.ticket_steps import at, open_ticket, show, six_tickets


@pytest.fixture(scope="module")
def _listed_db(tmp_path_factory, staffed_template):
    return freeze_desk(tmp_path_factory.mktemp("listed"), staffed_template, six_tickets)


@pytest.fixture
def listed(staffed, _listed_db):
    return staffed.load(_listed_db)


def _ids(desk, **filters):
    return [t["id"] for t in desk.read(views.list_tickets, **filters)]


def test_list_tickets_default_is_open_newest_first(listed):
    rows = listed.read(views.list_tickets)
    assert [r["id"] for r in rows] == [4, 3, 2, 1]
    assert set(rows[0]) == {"id", "priority", "status", "tier", "assignee", "system", "title", "reporter",
                            "opened_at", "due_at", "breached"}
    assert rows[0]["opened_at"] == at("2026-11-23T08:00:00+08:00")
    assert (rows[0]["status"], rows[0]["assignee"], rows[0]["tier"]) == ("in_progress", "li", 2)


def test_list_tickets_due_is_the_running_clock(listed):
    rows = {r["id"]: r for r in listed.read(views.list_tickets, statuses=["all"])}
    assert rows[3]["due_at"] == at("2026-11-22T23:00:00+08:00")  # new P4 opened 15:00: response 8 h
    assert rows[4]["due_at"] == at("2026-11-23T16:00:00+08:00")  # acknowledged P2: resolution 8 h
    assert rows[5]["due_at"] is None and rows[6]["due_at"] is None  # resolved, cancelled: no clock runs


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({"statuses": ["resolved"]}, [5]),
        ({"statuses": ["cancelled"]}, [6]),
        ({"statuses": ["new", "assigned"]}, [3, 2, 1]),
        ({"statuses": ["new,in_progress"]}, [4, 3, 1]),
        ({"statuses": ["in-progress"]}, [4]),
        ({"statuses": ["all"]}, [6, 5, 4, 3, 2, 1]),
        ({"statuses": ["open"]}, [4, 3, 2, 1]),
        ({"statuses": ["closed"]}, []),
        ({"priority": "P3"}, [2]),
        ({"priority": "p3", "statuses": ["all"]}, [6, 5, 2]),
        ({"assignee": "li"}, [4, 2]),
        ({"assignee": "maria", "statuses": ["all"]}, [5]),
        ({"system": "vpn"}, [4, 1]),
        ({"system": "mail", "statuses": ["all"]}, [5, 2]),
        ({"since": at("2026-11-22T00:00:00+08:00")}, [4, 3, 2]),
        ({"until": at("2026-11-22T00:00:00+08:00")}, [1]),
        ({"since": at("2026-11-22T00:00:00+08:00"), "until": at("2026-11-22T12:00:00+08:00")}, [2]),
        ({"since": at("2026-11-23T08:30:00+08:00"), "statuses": ["all"]}, [6, 5]),  # since is inclusive
        ({"limit": 2}, [4, 3]),
        ({"limit": 1, "statuses": ["all"]}, [6]),
        ({"system": "vpn", "priority": "P2", "assignee": "li"}, [4]),
    ],
)
def test_list_tickets_filters(listed, filters, ids):
    assert _ids(listed, **filters) == ids


@pytest.mark.parametrize(
    ("filters", "error", "snippet"),
    [
        ({"statuses": ["frozen"]}, InvalidInput, "frozen"),
        ({"priority": "P9"}, InvalidInput, "P9"),
        ({"assignee": "ghost"}, NotFound, "ghost"),
        ({"since": at("2026-11-23T00:00:00+08:00"), "until": at("2026-11-22T00:00:00+08:00")}, InvalidInput,
         "--until"),
    ],
)
def test_list_tickets_bad_filter_is_refused(listed, filters, error, snippet):
    with pytest.raises(error, match=snippet):
        listed.read(views.list_tickets, **filters)


def test_list_tickets_breached(staffed):
    d = staffed
    open_ticket(d, "core switch down", priority="P1")  # response due 09:15
    open_ticket(d, "slow laptop", priority="P4")  # response due 17:00
    d.set_now("2026-11-23T09:20:00+08:00")
    rows = d.read(views.list_tickets, breached=True)
    assert [(r["id"], r["breached"]) for r in rows] == [(1, True)]
    everything = {r["id"]: r["breached"] for r in d.read(views.list_tickets)}
    assert everything == {1: True, 2: False}


def test_list_tickets_search_text_and_reporter(staffed):
    d = staffed
    open_ticket(d, "VPN down")
    open_ticket(d, "other", reporter="Finance Liu", description="vpn token expired")
    open_ticket(d, "third", reporter="Finance Wu")
    assert _ids(d, search="vpn") == [2, 1]  # title or description, any case
    assert _ids(d, search="finance") == [3, 2]
    assert _ids(d, search="nothing like it") == []


def test_list_tickets_search_percent_and_underscore_are_literal(staffed):
    d = staffed
    for title in ["disk 100% full", "disk 1000 full", "user_name wrong", "username wrong", r"path C:\temp broken"]:
        open_ticket(d, title)
    assert _ids(d, search="%") == [1]
    assert _ids(d, search="100%") == [1]
    assert _ids(d, search="_") == [3]
    assert _ids(d, search="r_n") == [3]
    assert _ids(d, search="\\") == [5]


def test_list_tickets_breached_ignores_met_response_after_escalation(staffed):
    d = staffed
    open_ticket(d, "core switch", priority="P1")  # response due 09:15
    d.write(lifecycle.assign_ticket, actor="zhang", ticket_id=1, handle="li")
    d.set_now("2026-11-23T09:05:00+08:00")
    d.write(lifecycle.ack_ticket, actor="li", ticket_id=1)
    d.set_now("2026-11-23T09:10:00+08:00")
    d.write(lifecycle.escalate_ticket, actor="li", ticket_id=1, reason="needs tier 3")
    d.set_now("2026-11-23T09:20:00+08:00")
    clocks = show(d)["sla"]
    assert (clocks["response"]["state"], clocks["resolution"]["state"]) == ("met", "running")
    assert d.read(desk_status, actor="zhang")["sla_breached"] == []
    assert d.read(views.list_tickets, breached=True) == []
