"""The ticket state machine (docs/design.md §3).

new → assigned → in_progress ⇄ waiting → resolved → closed; resolved → in_progress on reopen;
cancelled from any open state. Every refused transition says what to do instead.
"""

from __future__ import annotations

from deskctl.errors import Conflict, InvalidInput, quote
from deskctl.i18n import P_, _, pgettext

STATUSES = ("new", "assigned", "in_progress", "waiting", "resolved", "closed", "cancelled")
OPEN_STATUSES = ("new", "assigned", "in_progress", "waiting")
CLOSED_STATUSES = ("closed", "cancelled")
PRIORITIES = ("P1", "P2", "P3", "P4")
CHANNELS = ("phone", "email", "walk-in", "monitoring", "inspection")
LEVELS = ("high", "medium", "low")

# action → (states it may start from, state it leads to; None = unchanged)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "assign": (("new", "assigned", "in_progress"), "assigned"),
    "ack": (("assigned",), "in_progress"),
    "wait": (("in_progress",), "waiting"),
    "resume": (("waiting",), "in_progress"),
    "escalate": (("new", "assigned", "in_progress"), None),
    "resolve": (("in_progress",), "resolved"),
    "confirm": (("resolved",), "closed"),
    "reopen": (("resolved",), "in_progress"),
    "close": (("resolved",), "closed"),
    "cancel": (OPEN_STATUSES, "cancelled"),
    "release": (("assigned", "in_progress"), None),  # assigned to the officer on duty, or new
}


def _advice(action: str, ticket_id: int, status: str) -> str:
    t = ticket_id
    if status in ("closed", "cancelled"):
        return _("open a new ticket (`deskctl ticket open …`) if the fault is back")
    if status == "waiting":
        return _("resume it first (`deskctl ticket resume {t}`)").format(t=t)
    if status == "resolved":
        if action in ("resolve", "ack", "wait", "escalate", "assign", "release"):
            return _("reopen it (`deskctl ticket reopen {t} --reason …`) if the user is not satisfied").format(t=t)
        if action == "resume":
            return _("reopen it instead (`deskctl ticket reopen {t} --reason …`)").format(t=t)
        return _("record the user's confirmation (`deskctl ticket confirm {t} --rating N`) or close it "
                 "without (`deskctl ticket close {t} --unconfirmed --reason …`)").format(t=t)
    if status == "new" and action == "release":
        return _("nobody holds it, so there is nothing to hand back; dispatch it with "
                 "`deskctl ticket assign {t} HANDLE`").format(t=t)
    if status == "new":
        return _("assign it first (`deskctl ticket assign {t} HANDLE`)").format(t=t)
    if status == "assigned":
        if action in ("resolve", "wait"):
            return _("the assignee acknowledges it first (`deskctl ticket ack {t}`)").format(t=t)
        if action == "resume":
            return _("only a waiting ticket resumes")
    if status == "in_progress" and action in ("ack", "resume"):
        return _("nothing to do (`deskctl ticket show {t}`)").format(t=t)
    if action in ("confirm", "close", "reopen"):
        return _("resolve it first (`deskctl ticket resolve {t} --resolution …`)").format(t=t)
    return _("see `deskctl ticket show` for its state")


def _status_text(status: str) -> str:
    """`in_progress` as a message says it: `in progress` (English), 处理中 (zh-CN)."""
    name = pgettext("value", status)
    return status.replace("_", " ") if name == status else name


# the actions as a refusal names them ("cannot ack ticket 7")
ACTIONS = (
    P_("action", "assign"), P_("action", "ack"), P_("action", "wait"), P_("action", "resume"),
    P_("action", "escalate"), P_("action", "resolve"), P_("action", "confirm"), P_("action", "reopen"),
    P_("action", "close"), P_("action", "cancel"), P_("action", "release"),
)


def check_transition(action: str, ticket_id: int, status: str) -> str | None:
    """Return the new status for `action`, or raise Conflict (exit 4) with advice."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        # Where the ticket stands, said once ("it is already resolved"), then what to do instead.
        if action == "ack" and status == "in_progress":
            where = _("it is already acknowledged (in progress)")
        elif status == target:
            where = _("it is already {status}").format(status=_status_text(status))
        else:
            where = _("it is {status}").format(status=_status_text(status))
        raise Conflict(_("cannot {action} ticket {id}: {where}; {advice}").format(
            action=pgettext("action", action), id=ticket_id, where=where,
            advice=_advice(action, ticket_id, status)))
    return target


def check_priority(value: str | None) -> str:
    """P1..P4, case-insensitive; anything else is bad input naming the accepted values."""
    text = (value or "").strip().upper()
    if text not in PRIORITIES:
        raise InvalidInput(_("invalid priority {value} (use one of {allowed})").format(
            value=repr(value) if value is None else quote(value), allowed=", ".join(PRIORITIES)))
    return text


def check_level(value: str | None, name: str) -> str | None:
    """An impact or urgency level (high, medium, low), or None when not given."""
    if value is None:
        return None
    text = value.strip().lower()
    if text not in LEVELS:
        raise InvalidInput(_("invalid {name} {value} (use one of {allowed})").format(
            name=name, value=quote(value), allowed=", ".join(LEVELS)))
    return text


MAX_TIER = 3


def next_tier(tier: int, ticket_id: int) -> int:
    if tier >= MAX_TIER:
        raise Conflict(_("ticket {id} is already at tier {tier}, the last; assign it to another "
                         "tier-{tier} technician with `deskctl ticket assign {id} HANDLE`").format(
            id=ticket_id, tier=MAX_TIER))
    return tier + 1


def is_first_contact_resolution(resolved_tier: int | None, reassign_count: int) -> bool:
    """Resolved at tier 1 without reassignment or escalation."""
    return resolved_tier == 1 and reassign_count == 0
