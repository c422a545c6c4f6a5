"""Verifying the audit trail (docs/design.md §3, docs/audit.md): the hash chain, an anchor kept
elsewhere, and the replay of events against the rows; plus the database's integrity check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo

from sqlmodel import Session

from deskctl.errors import InvalidInput
from deskctl.i18n import N_, _, language, value_name
from deskctl.store import audit, diagnose

# the head of an empty trail: no event, the chain's genesis hash
EMPTY_ANCHOR_ID = 0
MAX_EVENT_ID = 2**63 - 1  # SQLite's integer key
_ANCHOR = re.compile(r"(\d{1,19}):([0-9a-fA-F]{64})")


@dataclass(frozen=True)
class Anchor:
    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"


def parse_anchor(text: str) -> Anchor:
    """`ID:HASH` as `audit anchor` prints it; anything else is bad input (exit 2)."""
    value = (text or "").strip()
    m = _ANCHOR.fullmatch(value)
    if m is None:
        shown = value if len(value) <= 60 else f"{value[:60]}… ({len(value)} characters)"
        raise InvalidInput(_(
            "anchor {shown!r} is not ID:HASH (the event id, a colon and its 64-hex-digit chain hash, "
            "as `deskctl audit anchor` prints it)").format(shown=shown))
    ident, digest = int(m.group(1)), m.group(2).lower()
    if ident > MAX_EVENT_ID:
        raise InvalidInput(_("anchor event id {ident} is beyond the largest event id there can be ({largest})").format(
            ident=ident, largest=MAX_EVENT_ID))
    if ident == EMPTY_ANCHOR_ID and digest != audit.GENESIS:
        raise InvalidInput(_("anchor {value!r}: event 0 is the empty trail, whose hash is {genesis}").format(
            value=value, genesis=audit.GENESIS))
    return Anchor(ident, digest)


def head_anchor(session: Session) -> Anchor:
    """The chain head as an anchor; on an empty trail `0:000…0` (the genesis: proves nothing yet)."""
    top = audit.head(session)
    return Anchor(EMPTY_ANCHOR_ID, audit.GENESIS) if top is None else Anchor(*top)


def anchor(*, session: Session) -> dict:
    """`audit anchor`: {"id", "hash"} of the last event (0 and the genesis hash on an empty trail)."""
    a = head_anchor(session)
    return {"id": a.id, "hash": a.hash}


def check_anchor(session: Session, given: Anchor) -> str | None:
    """What is wrong with the trail against an anchor taken earlier, or None."""
    if given.id == EMPTY_ANCHOR_ID:
        return None  # the empty trail's anchor: every trail began there
    stored = audit.hash_of(session, given.id)
    if stored is None:
        top = audit.head(session)
        if top is None or top[0] < given.id:
            ends = "the audit trail is empty" if top is None else f"the chain ends at event {top[0]}"
            return (f"anchor {given.id}: {ends}, before the anchor's event {given.id}; "
                    "the last events were deleted")
        return f"anchor {given.id}: event {given.id} no longer exists (deleted)"
    if stored != given.hash:
        return (f"anchor {given.id}: event {given.id}'s chain hash is {stored[:12]}…, the anchor's is "
                f"{given.hash[:12]}…; the trail up to event {given.id} was rewritten (its chain recomputed)")
    return None


def verify_chain(*, session: Session) -> dict:
    """The hash chain alone (as `db check` reports it)."""
    checked, broken, reason = audit.verify(session)
    return {
        "ok": broken is None,
        "events_checked": checked,
        "first_broken_event": None if broken is None else broken.id,
        "problem": reason or None,
    }


def verify_audit(*, session: Session, tz: tzinfo, anchor: str | Anchor | None = None) -> dict:
    """`audit verify`: the chain, the anchor (when given) and the replay of tickets, shifts and
    inspection runs against their rows. `problem` is the first thing wrong; `problems` all three
    checks' findings (at most one each)."""
    from deskctl.services.audit.replay import replay  # its tables only when replaying

    given = parse_anchor(anchor) if isinstance(anchor, str) else anchor
    chain = verify_chain(session=session)
    anchor_problem = None if given is None else check_anchor(session, given)
    replayed = replay(session, tz=tz)
    broken = chain["first_broken_event"]
    problems = [p for p in (
        None if broken is None else f"the chain breaks at event {broken}: {chain['problem']}",
        anchor_problem,
        None if replayed.first is None else replayed.first.text,
    ) if p]
    return {
        "ok": not problems,
        "events_checked": chain["events_checked"],
        "first_broken_event": chain["first_broken_event"],
        "problem": problems[0] if problems else None,
        "head": str(head_anchor(session)),
        "anchor": None if given is None else str(given),
        "anchor_ok": None if given is None else anchor_problem is None,
        "rows_replayed": replayed.rows,
        "rows_differing": replayed.differing,
        "first_difference": None if replayed.first is None else replayed.first.view(),
        "problems": problems,
    }


# The problems above and replay's (services/audit/replay.py) are English in JSON and `db check`;
# a table shows them in the person's language, read back by their shape.
_ENTITY = r"(?P<entity>ticket|shift|inspection run) (?P<ident>\d+)"
ENTITY_NAMES = (N_("ticket"), N_("shift"), N_("inspection run"))
_PROBLEMS = [
    (re.compile(r"anchor (?P<id>\d+): the audit trail is empty, before the anchor's event \d+; "
                r"the last events were deleted"),
     N_("anchor {id}: the audit trail is empty, before the anchor's event {id}; the last events were deleted")),
    (re.compile(r"anchor (?P<id>\d+): the chain ends at event (?P<top>\d+), before the anchor's event \d+; "
                r"the last events were deleted"),
     N_("anchor {id}: the chain ends at event {top}, before the anchor's event {id}; the last events were deleted")),
    (re.compile(r"anchor (?P<id>\d+): event \d+ no longer exists \(deleted\)"),
     N_("anchor {id}: event {id} no longer exists (deleted)")),
    (re.compile(r"anchor (?P<id>\d+): event \d+'s chain hash is (?P<stored>\w+)…, the anchor's is (?P<given>\w+)…; "
                r"the trail up to event \d+ was rewritten \(its chain recomputed\)"),
     N_("anchor {id}: event {id}'s chain hash is {stored}…, the anchor's is {given}…; the trail up to event {id} "
        "was rewritten (its chain recomputed)")),
    (re.compile(_ENTITY + r": the row has no events \(written behind deskctl's back, or its events were deleted\)"),
     N_("{entity} {ident}: the row has no events (written behind deskctl's back, or its events were deleted)")),
    (re.compile(_ENTITY + r": its events removed it \(event (?P<event>\d+)\), but the row is there"),
     N_("{entity} {ident}: its events removed it (event {event}), but the row is there")),
    (re.compile(_ENTITY + r": its events \(from event (?P<event>\d+)\) record it, but the row is gone"),
     N_("{entity} {ident}: its events (from event {event}) record it, but the row is gone")),
    (re.compile(_ENTITY + r": (?P<name>\w+) is (?P<row>.*) in the row, (?P<events>.*) by its events "
                r"\(event (?P<event>\d+)\)", re.S),
     N_("{entity} {ident}: {name} is {row} in the row, {events} by its events (event {event})")),
    (re.compile(_ENTITY + r": its first event \(event (?P<event>\d+)\) is (?P<kind>'.*'), "
                r"not its (?:opening|planning|recording)"),
     N_("{entity} {ident}: its first event (event {event}) is {kind}, not its first")),
    (re.compile(_ENTITY + r": it was (?:opened|put on the rota|recorded) twice "
                r"\(events (?P<first>\d+) and (?P<event>\d+)\)"),
     N_("{entity} {ident}: it was recorded twice (events {first} and {event})")),
    (re.compile(_ENTITY + r": event (?P<event>\d+) \((?P<kind>\w+)\) follows its removal from the rota "
                r"\(event (?P<ended>\d+)\)"),
     N_("{entity} {ident}: event {event} ({kind}) follows its removal from the rota (event {ended})")),
]
_CHAIN_BREAK = re.compile(r"the chain breaks at event (?P<event>\d+): (?P<reason>.*)", re.S)


def problem_text(text: str) -> str:
    """A problem line of `verify_audit` or `verify_chain` as a table shows it (English unchanged)."""
    m = _CHAIN_BREAK.fullmatch(text)
    if m is not None:
        return _("the chain breaks at event {event}: {reason}").format(
            event=m.group("event"), reason=audit.reason_text(m.group("reason")))
    if language() == "en":
        return text
    for pattern, msgid in _PROBLEMS:
        found = pattern.fullmatch(text)
        if found is not None:
            parts = found.groupdict()
            if "entity" in parts:
                parts["entity"] = _(parts["entity"])
            for side in ("row", "events"):  # a state or level as tables name it (closed → 已关闭)
                if side in parts:
                    parts[side] = value_name(parts[side])
            return _(msgid).format(**parts)
    return audit.reason_text(text)


def integrity_check(*, session: Session) -> dict:
    """The database's own check of its pages and foreign keys (`db check`): see
    store.diagnose.integrity."""
    return diagnose.integrity(session)
