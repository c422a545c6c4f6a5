"""Desk settings: the desk's rules (SLA targets, weights, calendars, auth.require, clock.override
…), kept in the database so that only a supervisor changes them, every change is an audit
event, and every seat of the desk reads the same ones (docs/design.md §8, docs/identity.md).

A person's config file keeps only who they are and which desk they use (`user`, `database`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from deskctl import config as config_mod
from deskctl.config import SCHEMA, Config
from deskctl.errors import InvalidInput
from deskctl.i18n import _
from deskctl.services.people.staff import require_supervisor
from deskctl.store import audit
from deskctl.store.tables import DeskSetting

DESK_ID = "desk.id"
SYSTEM = "system"


def desk_settings(*, session: Session) -> dict[str, Any]:
    """Every desk setting the database holds (SCHEMA keys only), decoded."""
    rows = session.execute(select(col(DeskSetting.key), col(DeskSetting.value))).all()
    return {key: json.loads(value) for key, value in rows if key in SCHEMA}


def desk_id(*, session: Session) -> str:
    row = session.execute(select(col(DeskSetting.value)).where(col(DeskSetting.key) == DESK_ID)).first()
    return str(json.loads(row[0])) if row else ""


def _store(session: Session, key: str, value: Any, now: datetime, by: str) -> None:
    row = session.get(DeskSetting, key)
    encoded = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(DeskSetting(key=key, value=encoded, changed_at=now, changed_by=by))
    else:
        row.value, row.changed_at, row.changed_by = encoded, now, by


def set_setting(*, session: Session, now: datetime, actor: str, config: Config, key: str, value: Any) -> dict:
    """`deskctl config set KEY VALUE` for a desk setting: a supervisor's act, audited with the
    value it replaces."""
    stored = config_mod.validate(key, value)
    if SCHEMA[key].local:
        raise InvalidInput(_("{key} is your own setting, kept in your config file, not the desk's").format(key=key))
    by = require_supervisor(session, actor).handle
    previous = config.get(key)
    _store(session, key, stored, now, by)
    audit.append(
        session, at=now, actor=by, entity="config", entity_id=None, kind="changed",
        from_value=json.dumps(previous, ensure_ascii=False), to_value=json.dumps(stored, ensure_ascii=False),
        details={"key": key},
    )
    return {"key": key, "value": stored, "previous": previous}


def initial_settings(*, session: Session, now: datetime, values: dict[str, Any], why: str) -> list[str]:
    """Settings a desk starts with (`init --set`, a new desk's defaults, values moved from a
    config file at an upgrade): written by the system, each an audit event saying why."""
    written = []
    for key, raw in values.items():
        stored = config_mod.validate(key, raw)
        if SCHEMA[key].local:
            raise InvalidInput(_(
                "{key} is a person's own setting, not the desk's; `deskctl config set {key}` it").format(key=key))
        _store(session, key, stored, now, SYSTEM)
        audit.append(
            session, at=now, actor=SYSTEM, entity="config", entity_id=None, kind="initial",
            to_value=json.dumps(stored, ensure_ascii=False), details={"key": key, "why": why},
        )
        written.append(key)
    return written
