"""The handover leads with what is urgent: breached tickets first (recorded or already past due),
the deadlines of the next shift, and inspections overdue or due (issue 9, item 9)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from deskctl.services.inspections import plans
from deskctl.services.shifts import handover, rota, types
from deskctl.services.tickets import lifecycle, sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def evening(staffed):
    """zhang on the day shift of 23 November, wang on the night; tickets and plans from 09:00."""
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    staffed.write(types.add_type, name="night", start="20:00", end="08:00")
    staffed.write(rota.assign, day=date(2026, 11, 23), type_name="day", handle="zhang")
    staffed.write(rota.assign, day=date(2026, 11, 23), type_name="night", handle="wang")
    # 09:00: a P1 (response due 09:15, resolution 13:00), never acknowledged
    p1 = staffed.write(lifecycle.open_ticket, actor="zhang", title="core switch", reporter="r", priority="P1")
    staffed.write(plans.add_plan, name="room", target="机房", every="daily 10:00", items=["temperature < 27°C"],
                  grace="1h", owner="zhang")
    staffed.write(plans.add_plan, name="ups", target="UPS", every="daily 23:00", items=["battery ok"],
                  owner="wang")
    # 10:30: the sweep records the P1's response breach (09:15); its resolution is not due yet
    staffed.set_now("2026-11-23T10:30:00+08:00")
    staffed.write(sweep.sweep, actor="lead")
    # 15:00: a P2 (response due 15:30, never acknowledged) and a P3, acknowledged at once, whose
    # resolution is due in three days
    staffed.set_now("2026-11-23T15:00:00+08:00")
    p2 = staffed.write(lifecycle.open_ticket, actor="zhang", title="VPN down", reporter="r", priority="P2")
    p3 = staffed.write(lifecycle.open_ticket, actor="zhang", title="printer", reporter="r", priority="P3")
    staffed.write(lifecycle.assign_ticket, actor="zhang", ticket_id=p3["id"], handle="zhang")
    staffed.write(lifecycle.ack_ticket, actor="zhang", ticket_id=p3["id"])
    # 19:50: zhang hands over
    staffed.set_now("2026-11-23T19:50:00+08:00")
    staffed.ids = {"p1": p1["id"], "p2": p2["id"], "p3": p3["id"]}
    return staffed


def test_handover_lists_breached_tickets_first(evening):
    view = evening.write(handover.handover, actor="zhang", note="")
    assert list(view)[:list(view).index("open_tickets")][-1] == "breached"  # before the open tickets
    ids = evening.ids
    # P1: response recorded (09:15) by the sweep, resolution past due at 13:00 and not recorded yet;
    # P2: response past due at 15:30, not recorded. Oldest deadline first.
    assert [(b["ticket"], b["deadline"], b["due_at"], b["recorded"]) for b in view["breached"]] == [
        (ids["p1"], "response", local("2026-11-23T09:15"), True),
        (ids["p1"], "resolution", local("2026-11-23T13:00"), False),
        (ids["p2"], "response", local("2026-11-23T15:30"), False),
    ]
    # the open-ticket table carries each ticket's next deadline and whether it is breached
    rows = {t["id"]: t for t in view["open_tickets"]}
    assert (rows[ids["p1"]]["breached"], rows[ids["p2"]]["breached"], rows[ids["p3"]]["breached"]) == \
        (True, True, False)
    assert rows[ids["p2"]]["due_at"] == local("2026-11-23T15:30")  # response comes first: not acknowledged
    assert rows[ids["p3"]]["due_at"] == local("2026-11-26T15:00")  # acknowledged: the resolution, 3 days


def test_handover_lists_overdue_and_due_inspections(evening):
    view = evening.write(handover.handover, actor="zhang", note="")
    # room: 10:00 occurrence not run, overdue since 11:00; ups: 23:00, in the next shift
    assert [(i["plan"], i["due_at"], i["state"], i["owner"]) for i in view["inspections_due"]] == [
        ("room", local("2026-11-23T10:00"), "overdue", "zhang"),
        ("ups", local("2026-11-23T23:00"), "upcoming", "wang"),
    ]


def test_handover_with_nothing_breached_says_so(staffed):
    staffed.write(types.add_type, name="day", start="08:00", end="20:00")
    staffed.write(rota.assign, day=date(2026, 11, 23), type_name="day", handle="zhang")
    staffed.set_now("2026-11-23T19:50:00+08:00")
    view = staffed.write(handover.handover, actor="zhang", note="quiet day")
    assert view["breached"] == [] and view["open_tickets"] == [] and view["inspections_due"] == []
