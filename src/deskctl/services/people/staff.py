"""Staff and the acting user: who may write, who is a supervisor."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import Conflict, InvalidInput, NotFound, PermissionDenied, quote
from deskctl.i18n import _, pgettext
from deskctl.services.inputs import SHORT_TEXT, clean_text
from deskctl.store import audit
from deskctl.store.tables import Staff
from deskctl.timeparse import Clock

ROLES = ("supervisor", "officer", "technician")
HANDLE_RE = re.compile(r"^[a-z][a-z0-9._-]{0,31}$")
# Contact fields for notifications (docs/notify.md), as `staff add|edit` options name them.
CONTACTS = ("email", "mobile", "wecom_id", "dingtalk_id", "feishu_id", "quiet_hours")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MOBILE_RE = re.compile(r"^\+?[0-9][0-9 -]{4,30}$")


def staff_view(member: Staff) -> dict:
    return {
        "handle": member.handle,
        "name": member.name,
        "role": member.role,
        "tier": member.tier,
        "phone": member.phone,
        "active": member.active,
        "created_at": member.created_at,
        **{key: getattr(member, key) for key in CONTACTS},
        **({"db_login": member.db_login} if member.db_login else {}),
    }


def get_staff(session: Session, handle: str) -> Staff:
    member: Staff | None = session.execute(select(Staff).where(col(Staff.handle) == handle)).scalar_one_or_none()
    if member is None:
        raise NotFound(_("no staff member with handle {handle} (see `deskctl staff list`)").format(
            handle=quote(handle)))
    return member


def require_actor(session: Session, actor: str, *, roles: tuple[str, ...] | None = None) -> Staff:
    """The acting user as an active staff member, optionally with one of `roles`, proven as the
    desk's `auth.require` asks (docs/identity.md); exit 5 with what to do otherwise."""
    member: Staff | None = session.execute(select(Staff).where(col(Staff.handle) == actor)).scalar_one_or_none()
    if member is None:
        raise PermissionDenied(
            _(
                "{actor} is not a staff member; act as one with --as HANDLE or $DESKCTL_USER"
            ).format(actor=quote(actor))
        )
    if not member.active:
        raise PermissionDenied(_("{actor} is deactivated and cannot make changes").format(actor=quote(actor)))
    if roles and member.role not in roles:
        raise PermissionDenied(_("only a {roles} may do this; {actor} has the role {role}").format(
            roles=_(" or ").join(pgettext("value", r) for r in roles), actor=quote(actor),
            role=pgettext("value", member.role)))
    require_proof(session, member)
    require_login_match(session, member)
    return member


def auth_policy(session: Session) -> str:
    """The desk's `auth.require` (none on a desk that never set it), read once per transaction."""
    policy = session.info.get("auth_require")
    if policy is None:
        from deskctl.store.tables import DeskSetting

        row = session.get(DeskSetting, "auth.require")
        policy = json.loads(row.value) if row is not None else "none"
        session.info["auth_require"] = policy
    return str(policy)


def require_proof(session: Session, member: Staff) -> None:
    """Nobody acts as somebody else: whoever is logged in at this terminal acts as themselves
    only; under `auth.require = supervisor` a supervisor's acts need their login, under `all`
    everyone's. The proof (`session.info["proven"]`) is set by the command line from the
    terminal's login session; services called without one are proven by nobody."""
    proven = session.info.get("proven")
    if proven is not None and proven != member.handle:
        raise PermissionDenied(
            _(
                "you are logged in as {proven} at this terminal and cannot act as {handle}; drop "
                "--as/$DESKCTL_USER, or `deskctl logout` and `deskctl login {handle}`"
            ).format(proven=proven, handle=member.handle)
        )
    policy = auth_policy(session)
    needed = policy == "all" or (policy == "supervisor" and member.role == "supervisor")
    if needed and proven != member.handle:
        raise PermissionDenied(
            _(
                "{handle} must log in first (auth.require = {policy}): `deskctl login {handle}`"
            ).format(handle=member.handle, policy=policy)
        )


# --- team mode: the actor is the staff member mapped to the database login (docs/team.md) -------
# Kept apart from require_actor's own checks so that the identity work (logins, passphrases)
# can take it over as one piece.

LOGIN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$.-]{0,62}$")


def require_login_match(session: Session, member: Staff) -> None:
    """On PostgreSQL, refuse (exit 5) an actor other than the staff member mapped to the
    connection's login (`session_user`), when that login is mapped to somebody."""
    if "deskctl_login_member" not in session.info:
        from deskctl.store.server import connection_login

        login = connection_login(session)
        mapped = None if login is None else session.execute(
            select(col(Staff.handle)).where(col(Staff.db_login) == login)
        ).scalar_one_or_none()
        session.info["deskctl_login_member"] = (login, mapped)
    login, mapped = session.info["deskctl_login_member"]
    if mapped is not None and mapped != member.handle:
        raise PermissionDenied(_(
            "this connection logs in to the database as {login}, who is {mapped}; acting as "
            "{handle} is refused (--as / DESKCTL_USER cannot select anybody else in team mode)"
        ).format(login=login, mapped=mapped, handle=quote(member.handle)))


def _check_login(login: str) -> str:
    login = (login or "").strip()
    if not LOGIN_RE.match(login):
        raise InvalidInput(_("invalid database login {login}: letters, digits, '_', '$', '.', '-', at most 63").format(
            login=quote(login)))
    return login


def _set_login(session: Session, member: Staff, login: str | None) -> str | None:
    """Map `login` to `member` (unique); grant the matching group role where the connected user
    may (`store.grants.grant_login`). Returns the role granted, if any."""
    if login is None:
        return None
    login = _check_login(login)
    other = session.execute(
        select(col(Staff.handle)).where(col(Staff.db_login) == login, col(Staff.id) != member.id)
    ).scalar_one_or_none()
    if other is not None:
        raise Conflict(_("database login {login} is already mapped to {other}; edit {other} first").format(
            login=quote(login), other=other))
    member.db_login = login
    session.flush()
    from deskctl.store.grants import grant_login

    return grant_login(session.connection(), login, member.role)


def require_supervisor(session: Session, actor: str) -> Staff:
    return require_actor(session, actor, roles=("supervisor",))


def _check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise InvalidInput(_("unknown role {role} (use one of {allowed})").format(
            role=quote(role), allowed=", ".join(ROLES)))
    return role


def _check_tier(tier: int | None) -> int:
    if tier is None:
        return 1
    if tier not in (1, 2, 3):
        raise InvalidInput(_("tier {tier} is not 1, 2 or 3").format(tier=tier))
    return tier


def _check_name(name: str, config: Config) -> str:
    return clean_text(name, "--name", config, required=True, one_line=True, limit=SHORT_TEXT)


def _check_phone(phone: str, config: Config) -> str:
    return clean_text(phone, "--phone", config, one_line=True, limit=SHORT_TEXT)


def check_contacts(contacts: dict[str, str | None], config: Config) -> dict[str, str]:
    """The contact fields given (None = not given), cleaned: one line, e-mail and mobile checked."""
    out: dict[str, str] = {}
    for key, value in contacts.items():
        if key not in CONTACTS:
            raise InvalidInput(_("unknown contact field {key}").format(key=quote(key)))
        if value is None:
            continue
        option = "--" + key.replace("_", "-")
        text = clean_text(value, option, config, one_line=True, limit=SHORT_TEXT)
        if text and key == "email" and not EMAIL_RE.match(text):
            raise InvalidInput(_("{option} {text} is not an e-mail address").format(option=option, text=quote(text)))
        if text and key == "mobile" and not MOBILE_RE.match(text):
            raise InvalidInput(_(
                    "{option} {text} is not a mobile number (digits, optionally +country)"
                ).format(option=option, text=quote(text)))
        if key == "quiet_hours":
            from deskctl.config import quiet_hours

            text = quiet_hours(text)
        out[key] = text
    return out


def add_staff(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    handle: str,
    name: str,
    role: str,
    tier: int | None = None,
    phone: str = "",
    contacts: dict[str, str | None] | None = None,
    db_login: str | None = None,
) -> dict:
    """Add a member. The very first member bootstraps the desk and must be a supervisor.
    `db_login` maps a database login to them (team mode) and grants its group role."""
    handle = (handle or "").strip()
    if not HANDLE_RE.match(handle):
        raise InvalidInput(
            _(
                "invalid handle {handle}: lower-case letters, digits, '.', '_' or '-', starting with a "
                "letter, at most 32"
            ).format(handle=quote(handle))
        )
    role = _check_role(role)
    tier = _check_tier(tier)
    name = _check_name(name, config)
    phone = _check_phone(phone, config)
    extra = check_contacts(contacts or {}, config)
    count = session.execute(select(func.count()).select_from(Staff)).scalar_one()
    if count == 0:
        if role != "supervisor":
            raise InvalidInput(_("the first staff member bootstraps the desk and must be --role supervisor"))
        by = handle
    else:
        by = require_supervisor(session, actor).handle
    if session.execute(select(col(Staff.id)).where(col(Staff.handle) == handle)).first():
        raise Conflict(_(
                "handle {quoted} is taken; pick another or `deskctl staff edit {handle}`"
            ).format(quoted=quote(handle), handle=handle))
    now = clock.now()
    member = Staff(handle=handle, name=name, role=role, tier=tier, phone=phone, created_at=now)
    for key, value in extra.items():
        setattr(member, key, value)
    session.add(member)
    session.flush()
    granted = _set_login(session, member, db_login)
    details: dict = {"handle": handle, "name": name, "tier": tier}
    if db_login is not None:
        details.update(db_login=member.db_login, db_role=granted)
    audit.append(
        session, at=now, actor=by, entity="staff", entity_id=member.id, kind="added",
        to_value=role, details=details,
    )
    return staff_view(member)


def list_staff(*, session: Session, include_inactive: bool = False, role: str | None = None) -> list[dict]:
    query = select(Staff).order_by(Staff.handle)
    if not include_inactive:
        query = query.where(col(Staff.active).is_(True))
    if role:
        query = query.where(col(Staff.role) == _check_role(role))
    return [staff_view(m) for m in session.execute(query).scalars()]


def edit_staff(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    handle: str,
    name: str | None = None,
    role: str | None = None,
    tier: int | None = None,
    phone: str | None = None,
    contacts: dict[str, str | None] | None = None,
    db_login: str | None = None,
) -> dict:
    by = require_supervisor(session, actor)
    member = get_staff(session, handle)
    changes: dict[str, list] = {}
    if db_login is not None:
        changes["db_login"] = [member.db_login, _check_login(db_login)]
    if name is not None:
        changes["name"] = [member.name, _check_name(name, config)]
    if role is not None:
        new_role = _check_role(role)
        if member.id == by.id and new_role != "supervisor" and _supervisor_count(session) == 1:
            raise Conflict(_("you are the only supervisor; add another before changing your role"))
        changes["role"] = [member.role, new_role]
    if tier is not None:
        changes["tier"] = [member.tier, _check_tier(tier)]
    if phone is not None:
        changes["phone"] = [member.phone, _check_phone(phone, config)]
    for key, value in check_contacts(contacts or {}, config).items():
        changes[key] = [getattr(member, key), value]
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    if not changes:
        raise InvalidInput(_(
            "nothing to change (give --name, --role, --tier, --phone, a contact option or --db-login)"))
    login = changes.pop("db_login", None)
    for key, (_old, new) in changes.items():
        setattr(member, key, new)
    if login is not None or "role" in changes:
        granted = _set_login(session, member, login[1] if login else member.db_login)
        if login is not None:
            changes["db_login"] = login
        if granted:
            changes["db_role"] = [None, granted]
    audit.append(
        session, at=clock.now(), actor=by.handle, entity="staff", entity_id=member.id,
        kind="edited", details=changes,
    )
    return staff_view(member)


def _supervisor_count(session: Session) -> int:
    count: int = session.execute(
        select(func.count()).select_from(Staff).where(col(Staff.role) == "supervisor", col(Staff.active).is_(True))
    ).scalar_one()
    return count


def deactivate_staff(*, session: Session, clock: Clock, actor: str, handle: str) -> dict:
    by = require_supervisor(session, actor)
    member = get_staff(session, handle)
    if not member.active:
        raise Conflict(_("{handle} is already deactivated").format(handle=quote(handle)))
    if member.role == "supervisor" and _supervisor_count(session) == 1:
        raise Conflict(_(
                "{handle} is the last active supervisor; add another supervisor first"
            ).format(handle=quote(handle)))
    member.active = False
    audit.append(
        session, at=clock.now(), actor=by.handle, entity="staff", entity_id=member.id,
        kind="deactivated", from_value="active", to_value="inactive",
    )
    return staff_view(member)


def handles_by_id(session: Session, ids: Iterable[int | None] | None = None) -> dict[int, str]:
    """Staff handles by id: everybody's, or only those of `ids` (None entries ignored)."""
    query = select(col(Staff.id), col(Staff.handle))
    if ids is not None:
        wanted = {i for i in ids if i}
        if not wanted:
            return {}
        query = query.where(col(Staff.id).in_(wanted))
    return dict(session.execute(query).all())
