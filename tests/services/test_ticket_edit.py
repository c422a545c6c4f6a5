"""`edit_ticket` (docs/design.md §3): each change an `edited` event old → new; a priority change
recomputes the running clocks' deadlines from the opening; closed tickets are refused;
`confirm_ticket` without a rating; templates."""

from __future__ import annotations

import pytest

from deskctl.errors import Conflict, InvalidInput, NotFound
from deskctl.services.tickets import lifecycle
from deskctl.services.tickets import templates as tpl
from deskctl.services.tickets.edit import edit_ticket
from deskctl.services.tickets.similar import resolution_hints, similar_open
from tests.services.ticket_steps import at, open_ticket, refused, row, show, timeline, walk_to


def test_edit_records_each_change_old_to_new(staffed):
    open_ticket(staffed, "VPN down", reporter="财务部", system="vpn", priority="P3")
    view = staffed.write(edit_ticket, actor="zhang", ticket_id=1, reporter="财务部 刘女士", system="vpn-gw",
                         title="VPN 无法连接")
    assert [(c["field"], c["from"], c["to"]) for c in view["changes"]] == [
        ("title", "VPN down", "VPN 无法连接"), ("reporter", "财务部", "财务部 刘女士"), ("system", "vpn", "vpn-gw")]
    edited = timeline(staffed, 1, "edited")
    assert [(e["details"]["field"], e["from"], e["to"], e["actor"]) for e in edited] == [
        ("title", "VPN down", "VPN 无法连接", "zhang"), ("reporter", "财务部", "财务部 刘女士", "zhang"),
        ("system", "vpn", "vpn-gw", "zhang")]
    assert view["sla_recomputed"] is False
    assert show(staffed)["title"] == "VPN 无法连接"


def test_edit_priority_recomputes_deadlines_from_opening(staffed):
    open_ticket(staffed, "core switch", priority="P4")  # opened 09:00
    staffed.set_now("2026-11-23T09:05:00+08:00")
    view = staffed.write(edit_ticket, actor="zhang", ticket_id=1, priority="P1")
    assert view["sla_recomputed"] is True
    assert view["response_due_at"] == at("2026-11-23T09:15:00+08:00")  # 15m from the opening, not from now
    assert view["resolution_due_at"] == at("2026-11-23T13:00:00+08:00")
    assert row(staffed)["response_due_at"] == at("2026-11-23T09:15:00+08:00")
    kinds = [e["kind"] for e in timeline(staffed, 1)]
    assert kinds[-2:] == ["edited", "sla_recomputed"]


def test_edit_impact_urgency_sets_priority_from_the_matrix(staffed):
    open_ticket(staffed, "printer", impact="low", urgency="low")
    view = staffed.write(edit_ticket, actor="zhang", ticket_id=1, impact="high", urgency="high")
    assert view["priority"] == "P1" and view["sla_recomputed"] is True


def test_edit_refusals(staffed):
    ticket = walk_to(staffed, "closed")
    refused(staffed, edit_ticket, Conflict, "closed", ticket_id=ticket, title="x", state_of=ticket)
    open_ticket(staffed, "printer", priority="P3")
    refused(staffed, edit_ticket, InvalidInput, "nothing to change", ticket_id=2, state_of=2)
    refused(staffed, edit_ticket, InvalidInput, "not both", ticket_id=2, priority="P1", impact="high", state_of=2)
    refused(staffed, edit_ticket, Conflict, "already", ticket_id=2, priority="P3", state_of=2)
    refused(staffed, edit_ticket, InvalidInput, "empty", ticket_id=2, reporter="  ", state_of=2)


def test_confirm_without_rating_closes_unrated(staffed):
    ticket = walk_to(staffed, "resolved")
    view = staffed.write(lifecycle.confirm_ticket, actor="zhang", ticket_id=ticket)
    assert (view["status"], view["rating"], view["confirmed"]) == ("closed", None, True)
    assert "rating" not in timeline(staffed, ticket, "confirmed")[0]["details"]


def test_similar_open_same_system_similar_title(staffed):
    open_ticket(staffed, "VPN 无法连接", system="vpn")
    open_ticket(staffed, "VPN 无法连接", system="mail")  # another system: not the same fault
    open_ticket(staffed, "打印机卡纸", system="vpn")
    new = open_ticket(staffed, "VPN 无法连接了", system="vpn")
    found = staffed.read(similar_open, ticket_id=new["id"])
    assert [t["id"] for t in found] == [1]


def test_templates_add_list_fields_remove(staffed):
    staffed.write(tpl.add_template, actor="zhang", name="VPN", title="VPN 无法连接", system="vpn",
                  impact="medium", urgency="high")
    assert [t["name"] for t in staffed.read(tpl.list_templates)] == ["vpn"]
    assert staffed.read(tpl.template_fields, name="vpn") == {
        "title": "VPN 无法连接", "system": "vpn", "impact": "medium", "urgency": "high"}
    with pytest.raises(Conflict):
        staffed.write(tpl.add_template, actor="zhang", name="vpn", title="again")
    with pytest.raises(InvalidInput):
        staffed.write(tpl.add_template, actor="zhang", name="two words", title="x")
    staffed.write(tpl.remove_template, actor="zhang", name="vpn")
    with pytest.raises(NotFound):
        staffed.read(tpl.template_fields, name="vpn")


def test_resolution_hints_from_similar_closed_tickets(staffed):
    old = walk_to(staffed, "resolved", title="VPN 无法连接", system="vpn")
    new = open_ticket(staffed, "VPN 无法连接", system="vpn")
    hints = staffed.read(resolution_hints, ticket_id=new["id"])
    assert [h["id"] for h in hints] == [old] and hints[0]["resolution"]
    other = open_ticket(staffed, "打印机卡纸", system="vpn")
    assert staffed.read(resolution_hints, ticket_id=other["id"]) == []
