"""Inspection runs at the service layer: results read from options or a JSON document, findings as
tickets (or notes on the item's open ticket), which occurrence a run is for, all or nothing,
`show_run`, the history with missed occurrences, and compliance."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from deskctl.services.inspections import history, plans, runs
from deskctl.services.tickets import lifecycle
from tests.services.inspection_steps import add_core, count, run, snapshot
from tests.services.ticket_steps import at, show


def _refused(desk, error, *snippets, **kw):
    before = snapshot(desk)
    with pytest.raises(error) as caught:
        run(desk, **kw)
    for snippet in snippets:
        assert snippet in caught.value.message, caught.value.message
    assert snapshot(desk) == before
    return caught.value.message


def test_run_fail_opens_ticket_with_plan_priority_and_target(staffed):
    add_core(staffed)
    view = run(staffed, ok=["1,3"], fail=["2:Gi0/12 down"])
    assert view["occurrence_at"] == at("2026-11-23T09:00:00+08:00") and view["state"] == "on_time"
    assert [r["result"] for r in view["results"]] == ["ok", "fail", "ok"]
    finding = view["findings"][0]
    assert finding["n"] == 2 and finding["note"] == "Gi0/12 down" and finding["ticket_action"] == "opened"
    ticket = show(staffed, finding["ticket_id"])
    assert ticket["channel"] == "inspection" and ticket["priority"] == "P2" and ticket["system"] == "核心交换机"
    assert "所有端口状态正常" in ticket["title"] and "Gi0/12 down" in ticket["title"]
    assert ticket["opened_by"] == "zhang"
    assert staffed.read(plans.list_due) == []


def test_run_second_failure_of_same_item_adds_note_to_open_ticket(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-22T09:10:00+08:00")
    first = run(staffed, ok=["1,3"], fail=["2:Gi0/12 down"])
    staffed.set_now("2026-11-23T09:10:00+08:00")
    second = run(staffed, actor="wang", ok=["1,3"], fail=["2:still down"])
    ticket_id = first["findings"][0]["ticket_id"]
    assert second["findings"][0]["ticket_id"] == ticket_id
    assert second["findings"][0]["ticket_action"] == "noted"
    assert count(staffed, "ticket") == 1
    note = show(staffed, ticket_id)["timeline"][-1]
    assert (note["kind"], note["actor"]) == ("note", "wang") and "still down" in note["details"]["text"]


def test_run_failure_after_ticket_closed_opens_a_new_ticket(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-22T09:10:00+08:00")
    first = run(staffed, ok=["1,3"], fail=["2:down"])
    tid = first["findings"][0]["ticket_id"]
    staffed.write(lifecycle.cancel_ticket, ticket_id=tid, reason="cable replaced")
    staffed.set_now("2026-11-23T09:10:00+08:00")
    second = run(staffed, ok=["1,3"], fail=["2:down again"])
    assert second["findings"][0]["ticket_action"] == "opened"
    assert second["findings"][0]["ticket_id"] != tid
    assert staffed.read(runs.show_run, run_id=first["id"])["findings"][0]["ticket_status"] == "cancelled"


def test_run_no_ticket_records_failure_without_ticket(staffed):
    add_core(staffed)
    view = run(staffed, ok=["all"], fail=["2:x"], no_ticket=True)
    assert view["failed"] == 1 and view["findings"][0]["ticket_id"] is None
    assert count(staffed, "ticket") == 0


def test_run_unknown_item_is_invalid_and_writes_nothing(staffed):
    add_core(staffed)
    _refused(staffed, InvalidInput, "item 9 does not exist", "1-3", ok=["1,2,3"], fail=["9:x"])


def test_run_missing_item_is_invalid(staffed):
    add_core(staffed)
    _refused(staffed, InvalidInput, "item 2", ok=["1,3"])


def test_run_results_from_a_document(staffed):
    staffed.write(plans.add_plan, name="backups", target="backup-server", every="FREQ=WEEKLY;BYDAY=MO;BYHOUR=10",
                  items=["last full backup < 7 days"], start=at("2026-11-16T00:00:00+08:00"))
    entries = runs.results_from_document('{"items":[{"n":1,"result":"ok","value":"2 days"}]}')
    view = staffed.write(runs.run_inspection, actor="zhang", plan="backups", entries=entries)
    assert view["occurrence_at"] == at("2026-11-16T10:00:00+08:00") and view["state"] == "late"
    assert view["results"][0]["value"] == "2 days"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ('{"items":[{"n":1,"result":"ok"},', "invalid JSON"),
        ('{"items":[{"n":1,"result":"ok"},{"n":2,"result":"ok"},{"n":3,"result":"ok"},{"n":4,"result":"ok"}]}',
         "items[3]: item 4 does not exist"),
        ('{"items":[{"n":1,"result":"maybe"}]}', "items[0]"),
        ('{"items":[{"n":1,"result":"ok","colour":"red"}]}', "unknown key 'colour'"),
        ('{"results":[]}', "unknown key 'results'"),
        ('{"items":[]}', "non-empty list"),
        ('{"items":[{"n":true,"result":"ok"}]}', "item number"),
        ('{"items":[{"n":1,"result":"ok","value":[1]}]}', "text or a number"),
    ],
)
def test_run_bad_results_document_is_invalid_nothing_written(staffed, doc, message):
    add_core(staffed)
    before = snapshot(staffed)
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[")):
        entries = runs.results_from_document(doc)
        staffed.write(runs.run_inspection, actor="zhang", plan="core-network", entries=entries)
    assert snapshot(staffed) == before


def test_run_paused_plan_is_a_conflict(staffed):
    add_core(staffed)
    staffed.write(plans.pause_plan, name="core-network")
    _refused(staffed, Conflict, "resume", ok=["all"])


def test_run_by_non_staff_is_permission_denied(staffed):
    add_core(staffed)
    _refused(staffed, PermissionDenied, "visitor", actor="visitor", ok=["all"])


def test_run_twice_for_same_occurrence_is_a_conflict(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])
    _refused(staffed, Conflict, "--at", actor="wang", ok=["all"])
    _refused(staffed, Conflict, "already recorded", actor="wang", ok=["all"], at=at("2026-11-23T09:00:00+08:00"))


def test_run_at_not_an_occurrence_is_invalid(staffed):
    add_core(staffed)
    _refused(staffed, InvalidInput, "2026-11-23 09:00", ok=["all"], at=at("2026-11-23T09:30:00+08:00"))


def test_run_early_at_the_next_occurrence_only(staffed):
    add_core(staffed)
    run(staffed, ok=["all"])
    view = run(staffed, ok=["all"], at=at("2026-11-24T09:00:00+08:00"))
    assert view["occurrence_at"] == at("2026-11-24T09:00:00+08:00")
    _refused(staffed, InvalidInput, "not an occurrence", ok=["all"], at=at("2026-11-25T09:00:00+08:00"))


def test_run_late_occurrence_by_at(staffed):
    add_core(staffed)  # 20 Nov is owed and was never run
    view = run(staffed, ok=["all"], at=at("2026-11-20T09:00:00+08:00"))
    assert (view["occurrence_at"], view["state"]) == (at("2026-11-20T09:00:00+08:00"), "late")
    _refused(staffed, InvalidInput, "not an occurrence", ok=["all"], at=at("2026-11-19T09:00:00+08:00"))


def test_prepare_run_checks_before_anybody_is_asked(staffed):
    add_core(staffed)
    prep = staffed.read(runs.prepare_run, actor="zhang", plan="core-network")
    assert prep["occurrence_at"] == at("2026-11-23T09:00:00+08:00")
    assert [i["n"] for i in prep["checklist"]] == [1, 2, 3]
    run(staffed, ok=["all"])
    with pytest.raises(Conflict):
        staffed.read(runs.prepare_run, actor="zhang", plan="core-network")


def test_run_is_all_or_nothing_when_a_ticket_cannot_be_opened(staffed):
    add_core(staffed)
    staffed.configure("limits.text_max", 40)
    _refused(staffed, InvalidInput, "limits.text_max", ok=["1,3"], fail=["2:" + "x" * 60])


def test_run_skip_and_all_rules(staffed):
    add_core(staffed)
    _refused(staffed, InvalidInput, "'all' is given twice", ok=["all"], skip=["all"])
    _refused(staffed, InvalidInput, "item 2 is given more than once", ok=["1,2"], skip=["2,3"])
    with pytest.raises(InvalidInput, match="not an item number"):
        runs.results_from_options(["x"], [], [])
    with pytest.raises(InvalidInput, match="one item number"):
        runs.results_from_options([], ["all:x"], [])
    view = run(staffed, skip=["3"], ok=["all"])
    assert [r["result"] for r in view["results"]] == ["ok", "ok", "skipped"]


def test_show_run_unknown_is_not_found(staffed):
    with pytest.raises(NotFound):
        staffed.read(runs.show_run, run_id=99)


# --- history and compliance -----------------------------------------------------------------


def test_history_shows_runs_and_missed_occurrences(staffed):
    add_core(staffed)  # owes from 2026-11-20 08:00: 20, 21, 22, 23
    staffed.set_now("2026-11-21T09:20:00+08:00")
    run(staffed, ok=["all"])
    staffed.set_now("2026-11-23T11:00:00+08:00")
    run(staffed, ok=["1,3"], fail=["2:x"])
    rows = staffed.read(history.history, plan="core-network", since=staffed.now - timedelta(days=7))
    assert [(r["occurrence_at"], r["state"]) for r in rows] == [
        (at("2026-11-23T09:00:00+08:00"), "late"), (at("2026-11-22T09:00:00+08:00"), "missed"),
        (at("2026-11-21T09:00:00+08:00"), "on_time"), (at("2026-11-20T09:00:00+08:00"), "missed")]
    assert rows[0]["failed"] == 1 and len(rows[0]["tickets"]) == 1
    assert [r["occurrence_at"] for r in staffed.read(history.history, state="missed")] == [
        at("2026-11-22T09:00:00+08:00"), at("2026-11-20T09:00:00+08:00")]
    assert len(staffed.read(history.history, limit=1)) == 1
    with pytest.raises(InvalidInput, match="invalid state"):
        staffed.read(history.history, state="lost")


def test_history_keeps_missed_occurrence_of_paused_and_rescheduled_plans(staffed):
    add_core(staffed)
    staffed.set_now("2026-11-21T12:00:00+08:00")
    staffed.write(plans.edit_plan, name="core-network", every="daily 15:00")
    staffed.set_now("2026-11-23T09:00:00+08:00")
    rows = staffed.read(history.history, plan="core-network")
    assert [(r["occurrence_at"], r["state"]) for r in rows] == [
        (at("2026-11-21T15:00:00+08:00"), "missed"), (at("2026-11-21T09:00:00+08:00"), "missed"),
        (at("2026-11-20T09:00:00+08:00"), "missed")]
    due = staffed.read(plans.list_due)
    assert [(r["due_at"], r["state"]) for r in due] == [(at("2026-11-22T15:00:00+08:00"), "overdue")]
    staffed.write(plans.pause_plan, name="core-network")
    rows = staffed.read(history.history, plan="core-network", state="missed")
    assert rows[0]["occurrence_at"] == at("2026-11-22T15:00:00+08:00")


def test_compliance_counts_on_time_late_missed_and_findings(staffed):
    add_core(staffed)  # owes 20, 21, 22, 23 Nov
    staffed.set_now("2026-11-21T09:20:00+08:00")
    run(staffed, ok=["all"])
    staffed.set_now("2026-11-22T11:00:00+08:00")
    run(staffed, ok=["1,3"], fail=["2:x"])
    now = at("2026-11-23T09:30:00+08:00")
    rows = staffed.read(history.compliance, now=now, start=now - timedelta(days=7), end=now)
    assert len(rows) == 1
    row = rows[0]
    assert (row["owed"], row["on_time"], row["late"], row["missed"], row["findings"]) == (3, 1, 1, 1, 1)
    # the finding's ticket goes to somebody (issue 9): the supervisor, nobody being on duty
    assert row["tickets"][0]["status"] == "assigned" and row["compliance"] == round(1 / 3, 4)
