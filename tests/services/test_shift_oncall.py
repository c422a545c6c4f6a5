"""On-call rotas at the service layer (SPEC §12; clock 2026-11-23 09:00 Asia/Shanghai): shift
types with a team, who may hold them, rest between on-call shifts, and on call kept apart from
desk duty (on duty now, gaps, clock-in, handover, attendance, the inspections' on-duty owner)."""

from __future__ import annotations

import pytest

from deskctl.domain.periods import parse_period
from deskctl.errors import Conflict, InvalidInput, NotFound
from deskctl.services.people.staff import add_staff
from deskctl.services.reports import attendance as attendance_report
from deskctl.services.reports import daily
from deskctl.services.shifts import attendance, handover, rota, swaps, types, views
from deskctl.services.status import desk_status
from tests.services.shift_steps import add_day_and_night, assign, plan, shifts, window
from tests.services.ticket_steps import at, events


def _techs(desk) -> None:
    desk.write(add_staff, handle="zhou", name="Zhou", role="technician", tier=2)
    desk.write(add_staff, handle="kumar", name="Kumar", role="technician", tier=3)


@pytest.fixture
def oncall(staffed):
    """Desk: day/night (zhang, wang). On call: tier2 18:00-08:00 (li, zhou), tier3 24 h (maria, kumar)."""
    _techs(staffed)
    add_day_and_night(staffed)
    staffed.write(types.add_type, name="oncall-t2", start="18:00", end="08:00", team="tier2")
    staffed.write(types.add_type, name="oncall-t3", start="00:00", end="00:00", team="3")
    return staffed


# --- types ---------------------------------------------------------------------------------


def test_add_type_with_team_names_tier_and_lists_it(oncall):
    listed = {t["name"]: (t["team"], t["tier"]) for t in oncall.read(types.list_types)}
    assert listed == {"day": (None, None), "night": (None, None), "oncall-t2": ("tier2", 2),
                      "oncall-t3": ("tier3", 3)}
    view = oncall.write(types.add_type, name="net-night", start="20:00", end="08:00", team="Network", tier=3)
    assert (view["team"], view["tier"]) == ("network", 3)
    added = [e for e in events(oncall, entity="shift_type") if e["kind"] == "added"][-1]
    assert (added["details"]["team"], added["details"]["tier"]) == ("network", 3)


@pytest.mark.parametrize("team, tier, snippet", [
    ("network", None, "add --tier 2 or --tier 3"),
    ("tier2", 3, "is tier 2, not --tier 3"),
    ("tier1", None, "tier 1 is the desk"),
    (None, 1, "tier 1 is the desk"),
    ("tier4", None, "not an on-call tier"),
    ("9lives", 2, "invalid team name"),
    ("desk", 2, "desk duty, which has no tier"),
    ("  ", None, "must not be empty"),
])
def test_add_type_bad_team_is_invalid(staffed, team, tier, snippet):
    with pytest.raises(InvalidInput, match=snippet):
        staffed.write(types.add_type, name="x", start="18:00", end="08:00", team=team, tier=tier)
    assert staffed.read(types.list_types) == []


def test_one_team_has_one_tier(oncall):
    oncall.write(types.add_type, name="net-night", start="20:00", end="08:00", team="network", tier=3)
    with pytest.raises(Conflict, match="team 'network' is on call for tier 3"):
        oncall.write(types.add_type, name="net-day", start="08:00", end="20:00", team="network", tier=2)


def test_edit_type_team_only_while_no_shift_uses_it(oncall):
    view = oncall.write(types.edit_type, name="oncall-t2", team="desk")
    assert (view["team"], view["tier"]) == (None, None)
    view = oncall.write(types.edit_type, name="oncall-t2", tier=2)
    assert (view["team"], view["tier"]) == ("tier2", 2)
    assign(oncall, "2026-11-23", "oncall-t2", "li")
    with pytest.raises(Conflict, match="stays the on-call rota of tier2"):
        oncall.write(types.edit_type, name="oncall-t2", team="desk")
    assign(oncall, "2026-11-25", "night", "zhang")
    with pytest.raises(Conflict, match="stays desk duty"):
        oncall.write(types.edit_type, name="night", team="tier2")


# --- who holds on-call shifts ----------------------------------------------------------------


@pytest.mark.parametrize("who, snippet", [("zhang", "zhang is an officer"), ("maria", "a tier-3 technician")])
def test_on_call_shift_is_for_technicians_of_its_tier(oncall, who, snippet):
    with pytest.raises(InvalidInput, match=snippet):
        assign(oncall, "2026-11-23", "oncall-t2", who)
    with pytest.raises(InvalidInput, match=snippet):
        plan(oncall, "2026-11-23", "2026-11-24", "oncall-t2", members=["li", who])
    assert shifts(oncall) == []


def test_cover_and_swap_keep_on_call_to_its_tier(oncall):
    shift = assign(oncall, "2026-11-24", "oncall-t2", "li")
    with pytest.raises(InvalidInput, match="tier-2 technicians only"):
        oncall.write(rota.cover, shift_id=shift["id"], handle="maria")
    with pytest.raises(InvalidInput, match="tier-2 technicians only"):
        oncall.write(swaps.request_swap, actor="li", shift_id=shift["id"], with_handle="zhang")
    req = oncall.write(swaps.request_swap, actor="li", shift_id=shift["id"], with_handle="zhou")
    oncall.write(swaps.accept_swap, actor="zhou", request_id=req["id"])
    assert shifts(oncall, who="zhou")[0]["id"] == shift["id"]


def test_plan_one_rota_at_a_time(oncall):
    with pytest.raises(InvalidInput, match="plan one rota at a time"):
        plan(oncall, "2026-11-23", "2026-11-24", "night,oncall-t2", members=["li"])


def test_on_call_nights_in_a_row_need_no_rest_but_desk_duty_does(oncall):
    # a week on call, one person: seven 14 h shifts 10 h apart (shift.rest is 11 h)
    view = plan(oncall, "2026-11-23", "2026-11-29", "oncall-t2", members=["li"])
    assert (view["planned"], view["unfilled"]) == (7, [])
    assert [s["who"] for s in shifts(oncall, team="tier2")] == ["li"] * 7
    assign(oncall, "2026-11-30", "oncall-t2", "li")  # one more night, assigned singly: 10 h after the last
    # the same hours as desk duty are refused for short rest
    oncall.write(types.add_type, name="evening", start="18:00", end="08:00")
    assign(oncall, "2026-12-01", "evening", "zhang")
    with pytest.raises(Conflict, match="rest"):
        assign(oncall, "2026-12-02", "evening", "zhang")


def test_on_call_next_to_desk_duty_keeps_the_rest_and_never_double_books(oncall):
    oncall.write(types.add_type, name="tech-day", start="08:00", end="17:00")  # desk duty a technician works
    assign(oncall, "2026-11-24", "tech-day", "li")
    with pytest.raises(Conflict, match="rest"):  # 1 h after a desk shift
        assign(oncall, "2026-11-24", "oncall-t2", "li")
    planned = plan(oncall, "2026-11-24", "2026-11-24", "oncall-t2", members=["li"])
    assert (planned["planned"], planned["unfilled"][0]["missing"]) == (0, 1)
    assign(oncall, "2026-11-25", "oncall-t2", "li")
    with pytest.raises(Conflict, match="double-book"):
        assign(oncall, "2026-11-25", "night", "li")


# --- on call is not desk duty --------------------------------------------------------------------


@pytest.fixture
def night(oncall):
    """23 Nov: day zhang (08-20), night wang (20-08); on call li (18-08), maria (24 h)."""
    assign(oncall, "2026-11-23", "day", "zhang")
    assign(oncall, "2026-11-23", "night", "wang")
    assign(oncall, "2026-11-23", "oncall-t2", "li")
    assign(oncall, "2026-11-23", "oncall-t3", "maria")
    return oncall


def test_shift_now_is_desk_duty_and_names_who_is_on_call(night):
    night.set_now("2026-11-24T02:40:00+08:00")
    view = night.read(views.duty_now)
    assert [r["who"] for r in view["on_duty"]] == ["wang"]
    # maria's 24 h ended at midnight; li's night runs to 08:00
    assert [(r["team"], r["tier"], r["who"], r["until"]) for r in view["on_call"]] == [
        ("tier2", 2, "li", at("2026-11-24T08:00:00+08:00"))]
    assert "team" not in view
    night.set_now("2026-11-23T19:00:00+08:00")
    assert [r["who"] for r in night.read(views.duty_now)["on_call"]] == ["li", "maria"]


def test_shift_now_for_a_team(night):
    night.set_now("2026-11-23T18:00:00+08:00")  # the start instant is on call
    view = night.read(views.duty_now, team="2")
    assert (view["team"], view["tier"], view["nobody_on_duty"]) == ("tier2", 2, False)
    assert [(r["who"], r["type"], r["until"]) for r in view["on_duty"]] == [
        ("li", "oncall-t2", at("2026-11-24T08:00:00+08:00"))]
    night.set_now("2026-11-24T08:00:00+08:00")  # the end instant is not
    assert night.read(views.duty_now, team="tier2")["nobody_on_duty"] is True
    night.set_now("2026-11-23T12:00:00+08:00")
    assert [r["who"] for r in night.read(views.duty_now, team="tier3")["on_duty"]] == ["maria"]


def test_shift_now_team_desk_is_the_desk_view(night):
    night.set_now("2026-11-24T02:40:00+08:00")
    assert night.read(views.duty_now, team="desk") == night.read(views.duty_now)


def test_shift_now_unknown_team_is_not_found(night):
    with pytest.raises(NotFound, match=r"no on-call rota for team 'network' \(teams: tier2, tier3\)"):
        night.read(views.duty_now, team="network")


def test_shift_list_by_team(night):
    night.set_now("2026-11-25T09:00:00+08:00")  # all over, none clocked
    on_call = shifts(night, team="tier2")
    assert [(s["who"], s["team"], s["attendance"], s["no_show"]) for s in on_call] == [("li", "tier2", "", False)]
    desk = shifts(night, team="desk")
    assert [(s["who"], s["team"], s["attendance"]) for s in desk] == [
        ("zhang", None, "no-show"), ("wang", None, "no-show")]
    night.set_now("2026-11-23T19:00:00+08:00")
    assert shifts(night, team="tier2")[0]["attendance"] == "on call"
    assert [s["who"] for s in shifts(night, team="desk")] == ["zhang", "wang"]
    assert len(shifts(night)) == 4  # the whole rota: desk duty and on call


def test_on_call_fills_no_desk_gap(oncall):
    assign(oncall, "2026-11-23", "oncall-t2", "li")
    assign(oncall, "2026-11-23", "oncall-t3", "maria")
    gaps = oncall.read(views.coverage_gaps, window=window(oncall, "2026-11-23", "2026-11-23"))
    assert [(g["type"], g["start_at"]) for g in gaps] == [
        ("day", at("2026-11-23T08:00:00+08:00")), ("night", at("2026-11-23T20:00:00+08:00"))]


def test_team_gaps_are_the_rotas_shortfalls_only(oncall):
    assign(oncall, "2026-11-23", "oncall-t2", "li")
    w = window(oncall, "2026-11-23", "2026-11-24")
    gaps = oncall.read(views.coverage_gaps, window=w, team="tier2")
    assert [(g["type"], g["start_at"], g["end_at"]) for g in gaps] == [
        ("oncall-t2", at("2026-11-24T18:00:00+08:00"), at("2026-11-25T08:00:00+08:00"))]


def test_on_duty_owner_and_status_leave_on_call_out(night):
    night.set_now("2026-11-24T02:40:00+08:00")
    def on_duty_handles(*, session):
        return [s.handle for s in views.on_duty_at(session=session, at=at("2026-11-24T02:40:00+08:00"))]

    assert night.read(on_duty_handles) == ["wang"]  # the inspections' `on-duty` owner
    status = night.read(desk_status)
    assert [r["who"] for r in status["on_duty"]] == ["wang"]
    assert status["on_call"] == [{"team": "tier2", "who": "li", "until": at("2026-11-24T08:00:00+08:00")}]


def test_on_call_shift_is_not_clocked(night):
    night.set_now("2026-11-23T18:10:00+08:00")
    with pytest.raises(Conflict, match="on-call shifts are not clocked in or out"):
        night.write(attendance.clock_in, actor="li")
    li_shift = shifts(night, who="li")[0]["id"]
    with pytest.raises(Conflict, match="on-call shifts are not clocked"):
        night.write(attendance.clock_in, actor="lead", for_handle="li", shift_id=li_shift, reason="forgot")


def test_handover_goes_to_the_next_desk_officer_not_the_on_call_technician(night):
    night.set_now("2026-11-23T19:50:00+08:00")  # li went on call at 18:00, wang starts at 20:00
    view = night.write(handover.handover, actor="zhang", note="quiet day")
    assert view["to"] == "wang"


def test_attendance_does_not_judge_on_call(night):
    night.set_now("2026-11-25T09:00:00+08:00")  # every shift of the 23rd has ended; nobody clocked in
    period = parse_period("2026-11-23", tz=night.tz, now=night.now)
    report = night.read(attendance_report.build, period=period)
    people = {p["handle"]: (p["shifts"], p["no_show"]) for p in report["people"]}
    assert people["zhang"] == (1, 1) and people["wang"] == (1, 1)
    assert people["li"] == (0, 0) and people["maria"] == (0, 0)
    assert {a["handle"] for a in report["anomalies"]} == {"zhang", "wang"}
    page = night.read(daily.build, period=period)
    assert {d["handle"] for d in page["on_duty"]} == {"zhang", "wang"}
