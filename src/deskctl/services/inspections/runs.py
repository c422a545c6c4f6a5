"""Inspection runs and their findings (tickets); the history is in `inspection_history`.

A run is all or nothing: the run, every item's result and every finding's ticket (or note on
the still-open ticket of the same item) are written in the caller's one write transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl.config import Config
from deskctl.errors import Conflict, InvalidInput, NotFound, quote
from deskctl.i18n import _
from deskctl.services.inputs import clean_text, parse_json
from deskctl.services.inspections.schedule import (
    ON_DUTY,
    RUN_ENTITY,
    OwnerResolver,
    checklist,
    current_occurrence,
    get_plan,
    next_occurrence,
    recurrence,
    run_keys,
)
from deskctl.services.people.staff import require_actor
from deskctl.store import audit
from deskctl.store.tables import (
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectionRun,
    Staff,
    Ticket,
)
from deskctl.timeparse import Clock, local_text

RESULTS = {"ok": "ok", "pass": "ok", "fail": "fail", "failed": "fail", "skip": "skipped",
           "skipped": "skipped"}
NOTE_MAX = 2000
_ENTRY_KEYS = {"n", "result", "note", "value"}


# --- reading results ------------------------------------------------------------------------


def _number(token: str, option: str) -> int | str:
    text = token.strip().lower()
    if text in ("all", "rest"):
        return "all"
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput(_(
                "{option} {token}: not an item number (items are numbered from 1)"
            ).format(option=option, token=quote(token)))
    return int(text)


def results_from_options(ok: list[str], fail: list[str], skip: list[str]) -> list[dict]:
    """`--ok 1,3 --fail 2:"Gi0/12 down" --skip 4` as entries; `--ok all` covers the rest."""
    entries: list[dict] = []
    for option, values, result in (("--ok", ok, "ok"), ("--skip", skip, "skipped")):
        for value in values or []:
            for token in value.split(","):
                if token.strip():
                    entries.append({"n": _number(token, option), "result": result, "note": "",
                                    "value": "", "where": f"{option} {token.strip()}"})
    for value in fail or []:
        number, _sep, note = value.partition(":")
        n = _number(number, "--fail")
        if n == "all":
            raise InvalidInput(_("--fail needs one item number (--fail N:NOTE)"))
        entries.append({"n": n, "result": "fail", "note": note.strip(), "value": "",
                        "where": f"--fail {number.strip()}"})
    return entries


def results_from_document(text: str) -> list[dict]:
    """A JSON results document: {"items": [{"n": 1, "result": "ok", "note": "", "value": ""}]}."""
    doc = parse_json(text, "results")
    if isinstance(doc, dict):
        unknown = sorted(set(doc) - {"items"})
        if unknown:
            raise InvalidInput(_("results: unknown key {key} (expected {{\"items\": [...]}})").format(
                key=quote(unknown[0])))
        doc = doc.get("items")
    if not isinstance(doc, list) or not doc:
        raise InvalidInput(_(
                "results: \"items\" must be a non-empty list of {{\"n\": N, \"result\": \"ok|fail|skip\"}}"
            ))
    entries = []
    for i, entry in enumerate(doc):
        where = f"results items[{i}]"
        if not isinstance(entry, dict):
            raise InvalidInput(_(
                    "{where}: expected an object like {{\"n\": 1, \"result\": \"ok\"}}"
                ).format(where=where))
        unknown = sorted(set(entry) - _ENTRY_KEYS)
        if unknown:
            raise InvalidInput(_("{where}: unknown key {key} (use n, result, note, value)").format(
                where=where, key=quote(unknown[0])))
        n = entry.get("n")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInput(_(
                    "{where}: \"n\" must be an item number from 1 (got {n})"
                ).format(where=where, n=quote(n) if isinstance(n, str) else repr(n)))
        result = (RESULTS.get(str(entry.get("result", "")).strip().lower())
                  if isinstance(entry.get("result"), str) else None)
        if result is None:
            got = entry.get("result")
            raise InvalidInput(_("{where}: \"result\" must be ok, fail or skip (got {got})").format(
                where=where, got=quote(got) if isinstance(got, str) else repr(got)))
        note, value = entry.get("note", ""), entry.get("value", "")
        if note is None:
            note = ""
        if not isinstance(note, str):
            raise InvalidInput(_("{where}: \"note\" must be text").format(where=where))
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidInput(_("{where}: \"value\" must be text or a number").format(where=where))
        entries.append({"n": n, "result": result, "note": note.strip(), "value": str(value).strip(),
                        "where": where})
    return entries


def _resolve(entries: list[dict], items: list[InspectionItem], plan: InspectionPlan,
             config: Config) -> list[dict]:
    """One result per checklist item, in order; every item accounted for exactly once."""
    count = len(items)
    by_n: dict[int, dict] = {}
    rest: dict | None = None
    for entry in entries:
        n = entry["n"]
        if n == "all":
            if rest is not None:
                raise InvalidInput(_(
                        "{where}: 'all' is given twice; use it once, for the rest"
                    ).format(where=entry['where']))
            rest = entry
            continue
        if n > count:
            raise InvalidInput(
                _(
                    "{where}: item {n} does not exist; plan {name} has items 1-{count}"
                ).format(where=entry['where'], n=n, name=quote(plan.name), count=count)
            )
        if n in by_n:
            raise InvalidInput(_("{where}: item {n} is given more than once").format(where=entry['where'], n=n))
        for key in ("note", "value"):
            entry[key] = clean_text(entry[key], f"{entry['where']}: {key}", config, limit=NOTE_MAX)
        by_n[n] = entry
    out = []
    missing = []
    for n, item in enumerate(items, 1):
        found = by_n.get(n) or (dict(rest, n=n) if rest else None)
        if found is None:
            missing.append(n)
            continue
        out.append({**found, "item": item})
    if missing:
        raise InvalidInput((
            _("no result for item {items} of plan {name}; pass --ok, --fail or --skip for every item (or --ok all)")
            if len(missing) == 1 else
            _("no result for items {items} of plan {name}; pass --ok, --fail or --skip for every item (or --ok all)")
        ).format(items=", ".join(map(str, missing)), name=quote(plan.name)))
    return out


# --- which occurrence -------------------------------------------------------------------------


def resolve_occurrence(session: Session, plan: InspectionPlan, *, now: datetime, tz: tzinfo,
                       at: datetime | None) -> datetime:
    """The occurrence a run is for: `at`, or the open (latest, not yet run) one."""
    assert plan.id is not None  # a row read from the database
    nxt = next_occurrence(plan, now, tz)
    if at is None:
        current = current_occurrence(plan, now, tz)
        if current is not None and not run_keys(session, [(plan.id, current)]):
            return current
        when = (_("; the next is at {at} (record it early with --at '{at}')").format(at=local_text(nxt, tz))
                if nxt else "")
        last = (_("its latest occurrence at {at} is recorded").format(at=local_text(current, tz)) if current
                else _("nothing is owed yet"))
        raise Conflict(_(
                "nothing is open for plan {name}: {last}{when}"
            ).format(name=quote(plan.name), last=last, when=when))
    rec = recurrence(plan)
    if (at < plan.starts_at or not rec.is_occurrence(at, tz) or (nxt is not None and at > nxt)
            or (nxt is None and at > now)):
        before = rec.previous(at, tz)
        after = rec.following(at, tz)
        near = ", ".join(local_text(t, tz) for t in (before, after) if t is not None and t >= plan.starts_at)
        raise InvalidInput(_(
            "--at {at} is not an occurrence of plan {name} that can be recorded (from its start to its next "
            "occurrence){nearest}"
        ).format(at=local_text(at, tz), name=quote(plan.name),
                 nearest=_("; nearest: {times}").format(times=near) if near else ""))
    done = run_keys(session, [(plan.id, at)])
    if done:
        raise Conflict(_(
            "the occurrence at {at} of plan {name} is already recorded (run {run}); see `deskctl inspect show {run}`"
        ).format(at=local_text(at, tz), name=quote(plan.name), run=done[(plan.id, at)]))
    return at


def _usable_plan(session: Session, name: str) -> InspectionPlan:
    plan = get_plan(session, name)
    if plan.status == "paused":
        raise Conflict(_(
                "plan {quoted} is paused; a supervisor resumes it with `deskctl inspect plan resume {name}` "
                "before runs are recorded"
            ).format(quoted=quote(plan.name), name=plan.name))
    if plan.status == "retired":
        raise Conflict(_("plan {name} is retired; no runs can be recorded for it").format(name=quote(plan.name)))
    return plan


def prepare_run(*, session: Session, now: datetime, actor: str, tz: tzinfo, plan: str,
                at: datetime | None = None) -> dict:
    """What an interactive run will be for, checked before anybody is asked anything."""
    require_actor(session, actor)
    p = _usable_plan(session, plan)
    occurrence = resolve_occurrence(session, p, now=now, tz=tz, at=at)
    assert p.id is not None  # a row read from the database
    return {"plan": p.name, "target": p.target, "occurrence_at": occurrence,
            "checklist": [{"n": i.position, "text": i.text} for i in checklist(session, p.id)]}


# --- recording a run ----------------------------------------------------------------------------


def run_inspection(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    config: Config,
    tz: tzinfo,
    plan: str,
    entries: list[dict],
    at: datetime | None = None,
    no_ticket: bool = False,
) -> dict:
    """Record a run for the open occurrence (or `at`); each failed item opens a ticket, or adds a
    note to the item's ticket while that one is still open."""
    who = require_actor(session, actor)
    p = _usable_plan(session, plan)
    now = clock.now()
    occurrence = resolve_occurrence(session, p, now=now, tz=tz, at=at)
    assert p.id is not None and who.id is not None  # rows read from the database
    results = _resolve(entries, checklist(session, p.id), p, config)
    run = InspectionRun(plan_id=p.id, occurrence_at=occurrence, performed_at=now, performed_by_id=who.id)
    session.add(run)
    session.flush()
    assert run.id is not None  # set by the flush
    opened: list[int] = []
    noted: list[int] = []
    for res in results:
        item = res["item"]
        row = InspectionResult(run_id=run.id, item_id=item.id, result=res["result"], note=res["note"],
                               value=res["value"])
        if res["result"] == "fail" and not no_ticket:
            row.ticket_id, action = _finding(session, clock=clock, who=who, config=config, tz=tz,
                                             plan=p, run=run, item=item, note=res["note"], value=res["value"])
            (opened if action == "opened" else noted).append(row.ticket_id)
        session.add(row)
    session.flush()
    counts = {k: sum(1 for r in results if r["result"] == k) for k in ("ok", "fail", "skipped")}
    audit.append(
        session, at=now, actor=who.handle, entity=RUN_ENTITY, entity_id=run.id, kind="recorded",
        to_value=on_time_state(run, p),
        details={"plan": p.name, "occurrence_at": occurrence.isoformat(), **counts,
                 "tickets_opened": opened, "tickets_noted": noted, "no_ticket": no_ticket or None},
    )
    return run_view(session, run, tz=tz)


def _finding(session: Session, *, clock: Clock, who: Staff, config: Config, tz: tzinfo,
             plan: InspectionPlan, run: InspectionRun, item: InspectionItem, note: str, value: str
             ) -> tuple[int, str]:
    from deskctl.domain.ticket_states import OPEN_STATUSES
    from deskctl.services.tickets.lifecycle import add_note, assign_finding, open_ticket

    detail = " — ".join(x for x in (note, f"value {value}" if value else "") if x)
    previous = session.execute(
        select(col(InspectionResult.ticket_id), col(Ticket.status))
        .join(Ticket, col(Ticket.id) == col(InspectionResult.ticket_id))
        .where(col(InspectionResult.item_id) == item.id, col(InspectionResult.ticket_id).is_not(None))
        .order_by(col(InspectionResult.id).desc())
        .limit(1)
    ).first()
    when = local_text(run.occurrence_at, tz)
    if previous is not None and previous[1] in OPEN_STATUSES:
        add_note(session=session, clock=clock, actor=who.handle, config=config, ticket_id=previous[0],
                 text=f"inspection {plan.name} (run {run.id}, occurrence {when}): item "
                      f"{item.position} \"{item.text}\" failed again" + (f": {detail}" if detail else ""))
        return previous[0], "noted"
    title = f"{plan.target}: {item.text}" + (f" — {note}" if note else "")
    title = " ".join(title.split())[:200]
    description = (
        f"Finding of inspection plan {plan.name} (run {run.id}) for the occurrence at {when}.\n"
        f"Target: {plan.target}\nItem {item.position}: {item.text}\nResult: fail"
        + (f"\nNote: {note}" if note else "") + (f"\nMeasured value: {value}" if value else "")
    )
    view = open_ticket(session=session, clock=clock, actor=who.handle, config=config, tz=tz, title=title,
                       reporter=who.name, system=plan.target, priority=plan.priority,
                       channel="inspection", description=description)
    handle, reason = finding_owner(session, plan, at=clock.now())
    assign_finding(session, ticket_id=int(view["id"]), handle=handle, now=clock.now(), actor=who.handle,
                   reason=f"finding of inspection plan {plan.name}: {reason}")
    return int(view["id"]), "opened"


def finding_owner(session: Session, plan: InspectionPlan, *, at: datetime) -> tuple[str | None, str]:
    """Who a finding's ticket goes to, and why: the plan's owner; for an `on-duty` plan (or an
    owner no longer active) the officer on duty at `at`; with nobody on duty, the supervisor."""
    if plan.owner != ON_DUTY:
        owner: Staff | None = session.execute(
            select(Staff).where(col(Staff.handle) == plan.owner)).scalar_one_or_none()
        if owner is not None and owner.active:
            return owner.handle, f"its owner {owner.handle}"
    resolver = OwnerResolver(session)
    on_duty = resolver.on_duty(at)
    if on_duty:
        return on_duty, f"the officer on duty, {on_duty}"
    supervisor = resolver.supervisor()
    return supervisor, "nobody on duty: the supervisor"


def on_time_state(run: InspectionRun, plan: InspectionPlan) -> str:
    late = run.performed_at > run.occurrence_at + timedelta(seconds=plan.grace_seconds)
    return "late" if late else "on_time"


# --- views ----------------------------------------------------------------------------------------


def run_view(session: Session, run: InspectionRun, *, tz: tzinfo) -> dict:
    plan = session.get(InspectionPlan, run.plan_id)
    assert plan is not None  # the run's plan_id is a foreign key
    by = session.get(Staff, run.performed_by_id)
    rows = session.execute(
        select(InspectionResult, InspectionItem, col(Ticket.status))
        .join(InspectionItem, col(InspectionItem.id) == col(InspectionResult.item_id))
        .outerjoin(Ticket, col(Ticket.id) == col(InspectionResult.ticket_id))
        .where(col(InspectionResult.run_id) == run.id)
        .order_by(col(InspectionResult.id))
    ).all()
    tickets = [r.ticket_id for r, _, _ in rows if r.ticket_id]
    first_seen = dict(
        session.execute(
            select(col(InspectionResult.ticket_id), col(InspectionResult.run_id))
            .where(col(InspectionResult.ticket_id).in_(tickets))
            .order_by(col(InspectionResult.id).desc())
        ).all()
    ) if tickets else {}
    results = []
    for n, (res, item, ticket_status) in enumerate(rows, 1):
        results.append({
            "n": item.position if item.position > 0 else n,
            "item": item.text,
            "result": res.result,
            "note": res.note,
            "value": res.value,
            "ticket_id": res.ticket_id,
            "ticket_action": None if not res.ticket_id else
            ("opened" if first_seen.get(res.ticket_id) == run.id else "noted"),
            "ticket_status": ticket_status,
        })
    return {
        "id": run.id,
        "plan": plan.name,
        "target": plan.target,
        "occurrence_at": run.occurrence_at,
        "performed_at": run.performed_at,
        "performed_by": by.handle if by else None,
        "state": on_time_state(run, plan),
        "ok": sum(1 for r in results if r["result"] == "ok"),
        "failed": sum(1 for r in results if r["result"] == "fail"),
        "skipped": sum(1 for r in results if r["result"] == "skipped"),
        "findings": [r for r in results if r["result"] == "fail"],
        "results": results,
    }


def show_run(*, session: Session, tz: tzinfo, run_id: int) -> dict:
    run = session.get(InspectionRun, run_id)
    if run is None:
        raise NotFound(_("no inspection run {run_id} (see `deskctl inspect history`)").format(run_id=run_id))
    return run_view(session, run, tz=tz)
