"""`deskctl shift export --ics`: the file (written whole, or not at all), stdout, the options.
The calendar's content: tests/services/test_shift_export.py."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from tests.services.shift_steps import add_day_and_night, plan


@pytest.fixture
def rota(staffed):
    add_day_and_night(staffed)
    plan(staffed, "2026-12-01", "2026-12-07", members=["zhang", "wang"])
    return staffed


def events_of(path):
    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_export_ics_writes_the_file(rota):
    out = rota.root / "zhang.ics"
    res = rota.run("shift", "export", "--ics", str(out), "--who", "zhang")
    assert res.exit_code == 0, res.stderr
    assert res.stdout == ""
    assert f"wrote 7 shift(s) to {out}" in res.stderr
    assert len(events_of(out)) == 7
    assert all("zhang" in str(e["SUMMARY"]) for e in events_of(out))
    assert not list(rota.root.glob(".deskctl-*"))  # the temp file was renamed into place


def test_export_ics_window_options(rota):
    out = rota.root / "w.ics"
    rota.ok("shift", "export", "--ics", str(out), "--from", "2026-12-02", "--to", "2026-12-03")
    assert len(events_of(out)) == 4


def test_export_ics_to_stdout(rota):
    res = rota.run("shift", "export", "--ics", "-", "--who", "wang")
    assert res.exit_code == 0
    assert len(Calendar.from_ical(res.stdout).walk("VEVENT")) == 7


def test_export_ics_into_missing_folder_exits_2_and_leaves_nothing(rota):
    target = rota.root / "nowhere" / "zhang.ics"
    res = rota.run("shift", "export", "--ics", str(target), "--who", "zhang")
    assert res.exit_code == 2
    assert "does not exist" in res.stderr
    assert not (rota.root / "nowhere").exists()
    assert not list(rota.root.glob("**/*.ics*"))


def test_export_ics_onto_a_folder_exits_2(rota):
    res = rota.run("shift", "export", "--ics", str(rota.root))
    assert res.exit_code == 2 and "is a folder" in res.stderr


def test_export_ics_unknown_person_exits_3_and_writes_nothing(rota):
    target = rota.root / "ghost.ics"
    assert rota.run("shift", "export", "--ics", str(target), "--who", "ghost").exit_code == 3
    assert not target.exists() and not list(rota.root.glob(".deskctl-*"))
