"""Identity at the service layer (docs/identity.md): passphrases, logins, lockouts, sessions, the
auth.require rule, desk settings changed only by a supervisor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from deskctl.errors import InvalidInput, PermissionDenied
from deskctl.services.people import identity as ident
from deskctl.services.people.staff import add_staff
from deskctl.services.settings import set_setting

PASS = "correct horse battery"


def _set(desk, handle, passphrase=PASS, *, proven=None, current=None):
    return desk.write(ident.set_passphrase, handle=handle, passphrase=passphrase, proven=proven, current=current)


def _login(desk, handle, passphrase=PASS, os_user="alice"):
    return desk.write(ident.login, handle=handle, passphrase=passphrase, os_user=os_user, host="pc1",
                      terminal="/dev/pts/1")


def _holder(desk, token, os_user="alice"):
    return desk.read(ident.session_holder, token=token, os_user=os_user)


def _events(desk, kind):
    from sqlalchemy import select

    from deskctl.store.tables import Event

    with desk.unit(write=False) as unit:
        return unit.session.execute(select(Event.actor, Event.details).where(Event.kind == kind)).all()


def test_passphrases_are_salted_scrypt_hashes():
    first, second = ident.hash_passphrase(PASS), ident.hash_passphrase(PASS)
    assert first.startswith("scrypt$16384$8$1$") and first != second and PASS not in first
    assert ident.passphrase_matches(PASS, first) and ident.passphrase_matches(PASS, second)
    assert not ident.passphrase_matches(PASS + "x", first)
    assert not ident.passphrase_matches(PASS, None) and not ident.passphrase_matches(PASS, "scrypt$garbage")


@pytest.mark.parametrize("bad", ["short", "x" * 1025, "has\x00nul-inside"])
def test_a_weak_or_broken_passphrase_is_refused(staffed, bad):
    with pytest.raises(InvalidInput):
        _set(staffed, "lead", bad)


def test_the_first_supervisor_sets_theirs_then_only_a_supervisor_or_the_owner(staffed):
    with pytest.raises(PermissionDenied, match="a supervisor sets the first one"):
        _set(staffed, "zhang")  # an officer with none yet: nobody may claim it
    assert _set(staffed, "lead")["first"] is True  # nobody supervising has one: the bootstrap
    with pytest.raises(PermissionDenied, match="a supervisor sets the first one"):
        _set(staffed, "zhang")
    _set(staffed, "zhang", "zhang-first-pass", proven="lead")
    with pytest.raises(PermissionDenied, match="not zhang's current passphrase"):
        _set(staffed, "zhang", "zhang-second-pass", current="wrong guess!")
    assert _set(staffed, "zhang", "zhang-second-pass", current="zhang-first-pass")["first"] is False
    assert _set(staffed, "zhang", "zhang-third-pass", proven="zhang")["first"] is False
    with pytest.raises(PermissionDenied):
        _set(staffed, "lead", "taken over by wang", proven="wang")  # an officer's login is not enough


def test_login_opens_a_session_for_that_os_user_until_it_expires_or_ends(staffed):
    _set(staffed, "lead")
    result = _login(staffed, "lead")
    assert result.ok and result.expires_at == staffed.now + timedelta(hours=12)
    assert _holder(staffed, result.token) == "lead"
    assert _holder(staffed, result.token, os_user="mallory") is None  # another OS user's copy of the file
    assert _holder(staffed, "not-a-token") is None
    staffed.set_now((staffed.now + timedelta(hours=12)).isoformat())
    assert _holder(staffed, result.token) is None
    again = _login(staffed, "lead")
    assert staffed.write(ident.logout, token=again.token) == "lead"
    assert _holder(staffed, again.token) is None
    assert staffed.write(ident.logout, token=again.token) is None
    assert [actor for actor, _ in _events(staffed, "login")] == ["lead", "lead"]
    assert len(_events(staffed, "logout")) == 1


def test_five_failures_lock_out_for_fifteen_minutes_and_each_is_recorded(staffed):
    _set(staffed, "lead")
    for left in (4, 3, 2, 1):
        result = _login(staffed, "lead", "wrong passphrase")
        assert not result.ok and f"{left} tries left" in result.refusal
    result = _login(staffed, "lead", "wrong passphrase")
    assert not result.ok and "locked out for 15 min" in result.refusal
    locked = _login(staffed, "lead")  # even the right passphrase
    assert not locked.ok and "locked out" in locked.refusal and "15 min" in locked.refusal
    staffed.set_now((staffed.now + timedelta(minutes=15)).isoformat())
    assert _login(staffed, "lead").ok
    assert len(_events(staffed, "login_failed")) == 5
    assert len(_events(staffed, "locked_out")) == 1
    assert len(_events(staffed, "login_refused")) == 1


def test_a_deactivated_member_cannot_log_in_and_their_session_proves_nothing(staffed):
    from deskctl.services.people.staff import deactivate_staff

    _set(staffed, "zhang", proven="lead")
    token = _login(staffed, "zhang").token
    staffed.write(deactivate_staff, handle="zhang")
    assert _holder(staffed, token) is None
    with pytest.raises(PermissionDenied, match="deactivated"):
        _login(staffed, "zhang")


def test_changing_a_passphrase_ends_the_members_sessions(staffed):
    _set(staffed, "lead")
    token = _login(staffed, "lead").token
    view = _set(staffed, "lead", "a brand new passphrase", proven="lead")
    assert view["sessions_ended"] == 1 and _holder(staffed, token) is None


def _as(desk, actor, proven, service, **kwargs):
    with desk.unit(actor=actor) as unit:
        unit.session.info["proven"] = proven
        return unit.call(service, **kwargs)


def test_auth_require_supervisor_guards_every_supervisor_act(staffed):
    staffed.configure("auth.require", "supervisor")
    with pytest.raises(PermissionDenied, match="lead must log in first.*deskctl login lead"):
        _as(staffed, "lead", None, add_staff, handle="evil", name="E", role="supervisor")
    from tests.services.ticket_steps import open_ticket

    assert open_ticket(staffed, "an officer's everyday write", actor="zhang")["id"] == 1  # no login asked
    with pytest.raises(PermissionDenied, match="logged in as zhang"):
        _as(staffed, "lead", "zhang", add_staff, handle="evil", name="E", role="supervisor")
    assert _as(staffed, "lead", "lead", add_staff, handle="ok", name="O", role="officer")["handle"] == "ok"


def test_auth_require_all_guards_every_write(staffed):
    from deskctl.services.tickets.lifecycle import open_ticket as open_svc

    staffed.configure("auth.require", "all")
    with pytest.raises(PermissionDenied, match="zhang must log in first"):
        _as(staffed, "zhang", None, open_svc, title="t", reporter="r")
    assert _as(staffed, "zhang", "zhang", open_svc, title="t", reporter="r")["id"] == 1


def test_desk_settings_are_changed_by_a_supervisor_and_audited(staffed):
    with pytest.raises(PermissionDenied, match="only a supervisor"):
        staffed.write(set_setting, actor="zhang", key="sla.P1.response", value="99h")
    view = staffed.write(set_setting, key="sla.P1.response", value="10m")
    assert (view["previous"], view["value"]) == ("15m", "10m")
    assert staffed.settings.get("sla.P1.response") == "10m"
    with pytest.raises(InvalidInput, match="your own setting"):
        staffed.write(set_setting, key="user", value="zhang")
    with pytest.raises(InvalidInput, match="did you mean"):
        staffed.write(set_setting, key="sla.P1.respons", value="10m")
