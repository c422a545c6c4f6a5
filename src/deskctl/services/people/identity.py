"""Who is at the keyboard (docs/identity.md): passphrases as scrypt hashes, logins that open a
session bound to this desk, five failures lock a member out for 15 minutes.

The session's token is random; the desk keeps its SHA-256, the OS user's session file keeps the
token (`deskctl.session_file`). Every login, failure, lockout, logout and passphrase change is an
audit event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, inspect, select, text
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import InvalidInput, PermissionDenied, quote
from deskctl.i18n import _, pgettext
from deskctl.services.people.staff import get_staff
from deskctl.store import audit
from deskctl.store.tables import LoginSession, Staff, pk
from deskctl.store.types import UTCDateTime

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_LENGTH = 8
MAX_LENGTH = 1024
# scrypt parameters (RFC 7914; n=2**14, r=8 is the interactive-login cost Python's docs and
# OWASP start from): about 50 ms and 16 MiB per check.
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_passphrase(passphrase: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def passphrase_matches(passphrase: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(passphrase.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return kind == "scrypt" and hmac.compare_digest(actual, expected)


def check_new_passphrase(passphrase: str) -> str:
    if "\x00" in passphrase:
        raise InvalidInput(_("a passphrase cannot contain a NUL character"))
    if len(passphrase) < MIN_LENGTH:
        raise InvalidInput(_("a passphrase needs at least {n} characters").format(n=MIN_LENGTH))
    if len(passphrase) > MAX_LENGTH:
        raise InvalidInput(_("a passphrase has at most {n} characters ({given} given)").format(
            n=MAX_LENGTH, given=len(passphrase)))
    return passphrase


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _supervisors_with_passphrase(session: Session) -> int:
    count: int = session.execute(
        select(func.count()).select_from(Staff).where(
            col(Staff.role) == "supervisor", col(Staff.active).is_(True), col(Staff.passphrase_hash).is_not(None)
        )
    ).scalar_one()
    return count


def passphrase_needs(*, session: Session, handle: str, proven: str | None) -> str:
    """What setting `handle`'s passphrase needs from this caller: "nothing" (their own login
    proves them, a supervisor's session, or the first supervisor on a desk where no supervisor
    has one yet) or "current" (H's current passphrase)."""
    member = get_staff(session, handle)
    if proven is not None:
        prover = get_staff(session, proven)
        if prover.active and (prover.handle == member.handle or prover.role == "supervisor"):
            return "nothing"
    if member.role == "supervisor" and member.active and _supervisors_with_passphrase(session) == 0:
        return "nothing"
    if member.passphrase_hash:
        return "current"
    raise PermissionDenied(_(
        "{handle} has no passphrase yet: a supervisor sets the first one "
        "(`deskctl login SUPERVISOR`, then `deskctl staff passphrase {handle}`)"
    ).format(handle=handle))


def set_passphrase(
    *, session: Session, now: datetime, handle: str, passphrase: str, proven: str | None,
    current: str | None = None,
) -> dict:
    """Set or change `handle`'s passphrase (see `passphrase_needs`). Changing it ends the
    member's open login sessions everywhere."""
    member = get_staff(session, handle)
    if not member.active:
        raise PermissionDenied(_("{handle} is deactivated").format(handle=quote(handle)))
    needs = passphrase_needs(session=session, handle=handle, proven=proven)
    if needs == "current" and not passphrase_matches(current or "", member.passphrase_hash):
        raise PermissionDenied(_("that is not {handle}'s current passphrase; nothing was changed").format(
            handle=handle))
    check_new_passphrase(passphrase)
    first = member.passphrase_hash is None
    member.passphrase_hash = hash_passphrase(passphrase)
    member.failed_logins = 0
    member.locked_until = None
    open_sessions = session.execute(
        select(LoginSession).where(col(LoginSession.handle) == handle, col(LoginSession.ended_at).is_(None))
    ).scalars().all()
    for row in open_sessions:
        row.ended_at = now
    ended = len(open_sessions)
    by = proven if proven is not None else handle
    audit.append(session, at=now, actor=by, entity="staff", entity_id=pk(member),
                 kind="passphrase_set" if first else "passphrase_changed",
                 details={"handle": handle, "sessions_ended": ended})
    return {"handle": handle, "first": first, "sessions_ended": ended}


@dataclass
class LoginResult:
    """A login's outcome. A failure is returned, not raised, so the caller commits the failure
    count (and lockout) before refusing."""

    ok: bool
    handle: str
    token: str = ""
    expires_at: datetime | None = None
    refusal: str = ""


def login(
    *, session: Session, now: datetime, config: Config, handle: str, passphrase: str,
    os_user: str, host: str, terminal: str,
) -> LoginResult:
    member = get_staff(session, handle)
    if not member.active:
        raise PermissionDenied(_("{handle} is deactivated and cannot log in").format(handle=quote(handle)))
    if member.passphrase_hash is None:
        raise PermissionDenied(_(
            "{handle} has no passphrase yet: `deskctl staff passphrase {handle}` (a supervisor sets the first one)"
        ).format(handle=handle))
    if member.locked_until is not None and member.locked_until > now:
        minutes = max(1, int((member.locked_until - now).total_seconds() + 59) // 60)
        audit.append(session, at=now, actor=handle, entity="staff", entity_id=pk(member), kind="login_refused",
                     details={"reason": "locked", "os_user": os_user, "host": host})
        return LoginResult(False, handle, refusal=_(
            "{handle} is locked out after {failures} failed logins; try again in {minutes} min"
        ).format(handle=handle, failures=MAX_FAILURES, minutes=minutes))
    if not passphrase_matches(passphrase, member.passphrase_hash):
        member.failed_logins += 1
        details = {"os_user": os_user, "host": host, "failures": member.failed_logins}
        audit.append(session, at=now, actor=handle, entity="staff", entity_id=pk(member), kind="login_failed",
                     details=details)
        if member.failed_logins >= MAX_FAILURES:
            member.locked_until = now + LOCKOUT
            member.failed_logins = 0
            audit.append(session, at=now, actor="system", entity="staff", entity_id=pk(member), kind="locked_out",
                         to_value=member.locked_until.isoformat(), details={"failures": MAX_FAILURES})
            return LoginResult(False, handle, refusal=_(
                "wrong passphrase; {handle} is now locked out for {minutes} min"
            ).format(handle=handle, minutes=int(LOCKOUT.total_seconds() // 60)))
        left = MAX_FAILURES - member.failed_logins
        return LoginResult(False, handle, refusal=_(
            "wrong passphrase for {handle} ({left} tries left before a lockout)"
        ).format(handle=handle, left=left))
    member.failed_logins = 0
    member.locked_until = None
    token = secrets.token_urlsafe(32)
    expires = now + config.duration("auth.session")
    row = LoginSession(token_hash=token_hash(token), handle=handle, os_user=os_user, host=host, terminal=terminal,
                       created_at=now, expires_at=expires)
    session.add(row)
    session.flush()
    audit.append(session, at=now, actor=handle, entity="staff", entity_id=pk(member), kind="login",
                 to_value=expires.isoformat(), details={"os_user": os_user, "host": host, "terminal": terminal,
                                                        "session": pk(row)})
    return LoginResult(True, handle, token=token, expires_at=expires)


def session_holder(*, session: Session, now: datetime, token: str | None, os_user: str) -> str | None:
    """The active member a live login session proves, or None."""
    if not token:
        return None
    row = session.execute(
        select(LoginSession).where(col(LoginSession.token_hash) == token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None or row.expires_at <= now or row.os_user != os_user:
        return None
    member = session.execute(select(Staff).where(col(Staff.handle) == row.handle)).scalar_one_or_none()
    if member is None or not member.active:
        return None
    return str(row.handle)


def logout(*, session: Session, now: datetime, token: str) -> str | None:
    """End the session `token` opened; returns whose it was (None when it had already ended)."""
    row = session.execute(
        select(LoginSession).where(col(LoginSession.token_hash) == token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None
    row.ended_at = now
    member = session.execute(select(Staff).where(col(Staff.handle) == row.handle)).scalar_one_or_none()
    audit.append(session, at=now, actor=row.handle, entity="staff", entity_id=member.id if member else None,
                 kind="logout", details={"session": row.id})
    return str(row.handle)


def authorise_supervisor_at_any_schema(
    conn: Connection, *, named: str | None, fallback: str, token_for: Callable[[str], str | None],
    os_user: str, now: datetime,
) -> str:
    """Who may replace or upgrade the desk: an active supervisor, proven as its `auth.require`
    asks; returns that handle. The acting user is `named` (--as, $DESKCTL_USER), else whoever
    is logged in at this terminal, else `fallback`. Plain SQL over the tables every schema
    revision has (staff since 0001; settings and logins since 0002), because the desk may be
    behind this program (docs/identity.md)."""
    staff_count = conn.execute(text("SELECT count(*) FROM staff")).scalar_one()
    tables = set(inspect(conn).get_table_names())
    policy, proven = "none", None
    if "desk_setting" in tables:
        values: dict[str, str] = dict(conn.execute(text(
            "SELECT key, value FROM desk_setting WHERE key IN ('auth.require', 'desk.id')")).all())
        policy = json.loads(values.get("auth.require", '"none"'))
        token = token_for(json.loads(values.get("desk.id", '""')))
        if token:
            row = conn.execute(
                text("SELECT handle, os_user, expires_at, ended_at FROM login_session WHERE token_hash = :t"),
                {"t": token_hash(token)},
            ).first()
            if row is not None and row[3] is None and row[1] == os_user:
                expires = UTCDateTime().process_result_value(_as_datetime(row[2]), conn.dialect)
                if expires is not None and expires > now:
                    proven = str(row[0])
    actor = named or proven or fallback
    if staff_count == 0:
        return actor  # a desk nobody works at yet: nothing to protect
    if proven is not None and actor != proven:
        raise PermissionDenied(_("you are logged in as {proven} at this terminal and cannot act as {actor}").format(
            proven=proven, actor=actor))
    member = conn.execute(text("SELECT role, active FROM staff WHERE handle = :h"), {"h": actor}).first()
    if member is None or not member[1] or member[0] != "supervisor":
        if member is None:
            msg = _("only a supervisor may do this; {actor} is not a staff member (act as one with --as HANDLE)")
        elif not member[1]:
            msg = _("only a supervisor may do this; {actor} is deactivated (act as one with --as HANDLE)")
        else:
            msg = _("only a supervisor may do this; {actor} is a {role} (act as one with --as HANDLE)")
        role = pgettext("value", str(member[0])) if member is not None else ""
        raise PermissionDenied(msg.format(actor=quote(actor), role=role))
    if policy != "none" and proven != actor:
        raise PermissionDenied(_(
            "{handle} must log in first (auth.require = {policy}): `deskctl login {handle}`"
        ).format(handle=actor, policy=policy))
    return actor


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
