"""The ticket state machine (SPEC §3), checked against the spec's own table, not the code's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskctl.domain.ticket_states import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    STATUSES,
    TRANSITIONS,
    check_transition,
    is_first_contact_resolution,
    next_tier,
)
from deskctl.errors import Conflict, ExitCode

# SPEC §3, written out by hand: action -> {from status: to status}. None = status unchanged.
OPEN = ("new", "assigned", "in_progress", "waiting")
SPEC: dict[str, dict[str, str | None]] = {
    "assign": {"new": "assigned", "assigned": "assigned", "in_progress": "assigned"},
    "ack": {"assigned": "in_progress"},
    "wait": {"in_progress": "waiting"},
    "resume": {"waiting": "in_progress"},
    "escalate": {"new": None, "assigned": None, "in_progress": None},
    "resolve": {"in_progress": "resolved"},
    "confirm": {"resolved": "closed"},
    "reopen": {"resolved": "in_progress"},
    "close": {"resolved": "closed"},
    "cancel": {s: "cancelled" for s in OPEN},
    # a technician hands the ticket back to the desk (SPEC §12): status chosen by who is on duty
    "release": {"assigned": None, "in_progress": None},
}
ALLOWED = [(a, s, t) for a, froms in SPEC.items() for s, t in froms.items()]
REFUSED = [(a, s) for a in SPEC for s in STATUSES if s not in SPEC[a]]
# Refusals where the ticket is already where the action would take it: nothing to do instead.
NOTHING_TO_DO = {("ack", "in_progress"), ("resume", "in_progress"), ("resume", "assigned")}


def test_statuses_are_the_specs():
    assert STATUSES == ("new", "assigned", "in_progress", "waiting", "resolved", "closed", "cancelled")
    assert OPEN_STATUSES == OPEN
    assert CLOSED_STATUSES == ("closed", "cancelled")
    assert set(TRANSITIONS) == set(SPEC)


@pytest.mark.parametrize(("action", "status", "target"), ALLOWED)
def test_check_transition_allowed(action, status, target):
    assert check_transition(action, 7, status) == target


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_check_transition_refused_exits_4_with_advice(action, status):
    with pytest.raises(Conflict) as info:
        check_transition(action, 7, status)
    err = info.value
    assert err.exit_code == ExitCode.CONFLICT == 4
    state = status.replace("_", " ")
    assert err.message.startswith((f"cannot {action} ticket 7: it is {state}; ",
                                   f"cannot {action} ticket 7: it is already {state}; ",
                                   f"cannot {action} ticket 7: it is already acknowledged ({state}); "))
    advice = err.message.split("; ", 1)[1]
    assert len(advice) > 10
    assert "\n" not in err.message


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_check_transition_refusal_says_where_the_ticket_is_once(action, status):
    """Issue 10: not "it is resolved; it is already resolved" — the state is said once."""
    with pytest.raises(Conflict) as info:
        check_transition(action, 7, status)
    message = info.value.message
    assert message.count("it is") == 1, message
    assert message.count("already") <= 1, message
    assert "not waiting" not in message  # "it is in progress; it is not waiting" said the state twice


def test_check_transition_already_there_says_already():
    with pytest.raises(Conflict, match=r"^cannot resolve ticket 7: it is already resolved; reopen it"):
        check_transition("resolve", 7, "resolved")
    with pytest.raises(Conflict, match=r"^cannot ack ticket 7: it is already acknowledged \(in progress\); nothing"):
        check_transition("ack", 7, "in_progress")


def _names_a_command(action: str, status: str) -> None:
    with pytest.raises(Conflict) as info:
        check_transition(action, 7, status)
    assert "`deskctl ticket " in info.value.message, info.value.message


_COMMAND_CASES = [c for c in REFUSED if c not in NOTHING_TO_DO]


@pytest.mark.parametrize(("action", "status"), _COMMAND_CASES)
def test_check_transition_refusal_names_the_command_to_run(action, status):
    _names_a_command(action, status)


def test_check_transition_cancel_resolved_says_what_to_do():
    _names_a_command("cancel", "resolved")


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_check_transition_terminal_states_point_to_a_new_ticket(status):
    for action in SPEC:
        with pytest.raises(Conflict, match="open a new ticket"):
            check_transition(action, 3, status)


def _step(status: str, action: str) -> str:
    try:
        target = check_transition(action, 1, status)
    except Conflict:
        return status
    return status if target is None else target


@given(st.lists(st.sampled_from(sorted(SPEC)), max_size=60))
def test_check_transition_random_sequences_stay_inside_statuses(actions):
    status = "new"
    for action in actions:
        before = status
        status = _step(status, action)
        assert status in STATUSES
        # the machine agrees with the hand-written spec table at every step
        if before in SPEC[action]:
            expected = SPEC[action][before]
            assert status == (before if expected is None else expected)
        else:
            assert status == before
        if before in CLOSED_STATUSES:
            assert status == before


@given(st.sampled_from(CLOSED_STATUSES), st.lists(st.sampled_from(sorted(SPEC)), min_size=1, max_size=20))
def test_check_transition_closed_and_cancelled_are_terminal(status, actions):
    for action in actions:
        with pytest.raises(Conflict):
            check_transition(action, 1, status)


def test_check_transition_every_status_is_reachable_from_new():
    seen = {"new"}
    frontier = ["new"]
    while frontier:
        status = frontier.pop()
        for action in SPEC:
            nxt = _step(status, action)
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(STATUSES)


@pytest.mark.parametrize(("tier", "expected"), [(1, 2), (2, 3)])
def test_next_tier_moves_up_one(tier, expected):
    assert next_tier(tier, 5) == expected


def test_next_tier_refuses_past_three():
    with pytest.raises(Conflict) as info:
        next_tier(3, 5)
    assert info.value.exit_code == 4
    assert "tier 3" in info.value.message
    assert "deskctl ticket assign 5" in info.value.message


@pytest.mark.parametrize(
    ("tier", "reassigned", "expected"),
    [(1, 0, True), (1, 1, False), (2, 0, False), (None, 0, False), (3, 2, False)],
)
def test_is_first_contact_resolution(tier, reassigned, expected):
    assert is_first_contact_resolution(tier, reassigned) is expected
