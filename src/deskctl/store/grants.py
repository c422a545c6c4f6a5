"""`deskctl db grant`: group roles on the PostgreSQL server, so that the database itself refuses
what deskctl refuses (docs/team.md §Roles).

- deskctl_officer, deskctl_technician, deskctl_supervisor (NOLOGIN group roles; a person's login
  is made a member of one: `staff add|edit H --db-login LOGIN`, or GRANT by hand);
- every role reads every desk table; the event table (the audit trail) takes INSERT only, for
  every role, and a trigger refuses UPDATE, DELETE and TRUNCATE of it whoever asks (the owner too);
- staff, staff_record (discipline and commendation records), review and assessment_snapshot
  (finalized assessments), desk_setting (the desk's settings) and notify_channel / notify_rule
  (where notifications go) are written by supervisors only; of `staff` every role may update
  the login columns (passphrase hash, failed logins, lockout), which `deskctl login` and a
  member's own passphrase change write;
- officers and technicians write the rest (tickets, shifts, inspections, training, login
  sessions, the notification outbox and its fired keys, ticket templates, …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from deskctl.errors import InvalidInput
from deskctl.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

GROUPS = {"officer": "deskctl_officer", "technician": "deskctl_technician", "supervisor": "deskctl_supervisor"}
SUPERVISOR_ONLY = ("staff", "staff_record", "review", "assessment_snapshot", "desk_setting", "notify_channel",
                   "notify_rule")
LOGIN_COLUMNS = ("passphrase_hash", "failed_logins", "locked_until")  # of staff, written at login
APPEND_ONLY = "event"

_TRIGGER = """
CREATE OR REPLACE FUNCTION deskctl_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: %% of event refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS deskctl_event_append_only ON event;
CREATE TRIGGER deskctl_event_append_only BEFORE UPDATE OR DELETE ON event
  FOR EACH ROW EXECUTE FUNCTION deskctl_event_append_only();
DROP TRIGGER IF EXISTS deskctl_event_no_truncate ON event;
CREATE TRIGGER deskctl_event_no_truncate BEFORE TRUNCATE ON event
  FOR EACH STATEMENT EXECUTE FUNCTION deskctl_event_append_only();
"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(tables: list[str], database: str) -> list[str]:
    """The SQL `db grant` runs (idempotent: roles made when missing, grants reset)."""
    stmts = []
    for group in GROUPS.values():
        stmts.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    everyone = ", ".join(GROUPS.values())
    stmts.append(f"GRANT CONNECT ON DATABASE {_q(database)} TO {everyone}")
    stmts.append(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    all_tables = ", ".join(_q(t) for t in [*tables, "alembic_version"])
    stmts.append(f"REVOKE ALL ON {all_tables} FROM PUBLIC, {everyone}")
    stmts.append(f"GRANT SELECT ON {all_tables} TO {everyone}")
    stmts.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}")
    stmts.append(f"GRANT INSERT ON {_q(APPEND_ONLY)} TO {everyone}")
    shared = [t for t in tables if t != APPEND_ONLY and t not in SUPERVISOR_ONLY]
    stmts.append(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(_q(t) for t in shared)} TO {everyone}")
    stmts.append(
        f"GRANT INSERT, UPDATE, DELETE ON {', '.join(_q(t) for t in SUPERVISOR_ONLY)} TO {GROUPS['supervisor']}"
    )
    stmts.append(f"GRANT UPDATE ({', '.join(LOGIN_COLUMNS)}) ON staff TO {everyone}")
    stmts.append(_TRIGGER)
    return stmts


def grant(conn: Connection) -> dict:
    """Create the group roles and grants on the desk at `conn` (PostgreSQL only)."""
    if conn.dialect.name != "postgresql":
        raise InvalidInput(_("db grant is for a desk on PostgreSQL (team mode); an SQLite file has no roles"))
    from deskctl.store.transfer import desk_tables

    tables = [t.name for t in desk_tables()]
    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    for stmt in grant_statements(tables, database):
        conn.exec_driver_sql(stmt)
    return {"database": database, "roles": list(GROUPS.values()), "supervisor_only": list(SUPERVISOR_ONLY),
            "append_only": [APPEND_ONLY], "tables": len(tables)}


def grant_login(conn: Connection, login: str, role: str) -> str | None:
    """Make `login` a member of the group role of `role` (and of no other deskctl group) when the
    connected user may; returns the group granted, or None when this is not PostgreSQL, the login
    or the groups do not exist (`db grant` not run yet), or the connected user lacks the right."""
    if conn.dialect.name != "postgresql":
        return None
    group = GROUPS[role]
    known = {r for (r,) in conn.execute(
        text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": [login, *GROUPS.values()]}
    )}
    if login not in known or group not in known:
        return None
    may = conn.execute(text(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    )).scalar_one()
    if not may:
        return None
    for other in GROUPS.values():
        if other != group:
            conn.exec_driver_sql(f"REVOKE {other} FROM {_q(login)}")
    conn.exec_driver_sql(f"GRANT {group} TO {_q(login)}")
    return group
