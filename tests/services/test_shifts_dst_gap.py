"""A shift whose wall time falls in a DST gap moves forward by the gap, as RFC 5545 and
docs/inspections.md say — and docs/shifts.md now says the same (issue 9, item 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from deskctl.services.shifts import rota, types

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_a_start_inside_the_spring_gap_moves_forward_by_the_gap(staffed):
    staffed.configure("timezone", "Europe/Berlin")
    staffed.set_now("2026-03-20T09:00:00+01:00")
    staffed.write(types.add_type, name="early", start="02:30", end="10:30")
    shift = staffed.write(rota.assign, day=date(2026, 3, 29), type_name="early", handle="zhang")
    # 02:30 does not exist on 29 March 2026 in Berlin (02:00 CET → 03:00 CEST): it becomes 03:30
    # CEST = 01:30 UTC, not 03:00 CEST ("the first instant after the gap" = 01:00 UTC).
    assert shift["start_at"] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # 10:30 CEST = 08:30 UTC: the shift is 7 h long that night
    assert shift["end_at"] == datetime(2026, 3, 29, 8, 30, tzinfo=UTC)
    assert shift["end_at"] - shift["start_at"] == timedelta(hours=7)


def test_docs_shifts_say_what_the_program_does_in_a_gap():
    text = " ".join((DOCS / "shifts.md").read_text(encoding="utf-8").split())
    assert "first instant after the gap" not in text
    assert "moves forward by the gap" in text
    assert "02:30 on 29 March 2026 in Berlin becomes 03:30" in text
