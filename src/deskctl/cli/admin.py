"""Top-level housekeeping: init, demo, status, config, db, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from deskctl.cli.options import (
    FormatOpt,
    JsonOpt,
    LimitOpt,
    SinceOpt,
    WideOpt,
    command_group,
    confirm,
    output_format,
)
from deskctl.cli.state import state
from deskctl.cli.status import status
from deskctl.errors import Conflict, ExitCode, InvalidInput, PermissionDenied
from deskctl.i18n import N_, _

config_app = command_group("Show and change the configuration.")
db_app = command_group("Database upkeep: upgrade, backup, restore, check, copy, grant.")
audit_app = command_group("The audit trail: log, anchors and verification.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("status")(status)
    app.add_typer(config_app, name="config")
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")


SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE", help="A desk setting for a new desk (repeatable), e.g. "
                 "auth.require=all or clock.override=true for a drill desk."),
]


def _settings_given(items: list[str] | None) -> dict[str, Any]:
    """`--set KEY=VALUE` items, each validated before anything is written."""
    from deskctl import config as config_mod

    values: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep:
            raise InvalidInput(_("--set {item!r}: use KEY=VALUE, e.g. --set auth.require=all").format(item=item))
        key = key.strip()
        values[key] = config_mod.validate(key, raw.strip())
        if config_mod.SCHEMA[key].local:
            raise InvalidInput(_("--set {key}: this is your own setting; `deskctl config set {key} VALUE`").format(
                key=key))
    return values


def init(settings: SetOpt = None) -> None:
    """Create the config file and the database (safe to run again)."""
    from deskctl import render
    from deskctl.timeparse import Clock

    st = state()
    db_file = st.db_file  # an in-memory or unknown target is refused before anything is written
    given = _settings_given(settings)
    cfg = st.local_config
    first = {**cfg.file_settings(), **given}  # what a new desk starts with, besides the defaults
    frozen = Clock.from_env()
    drill = first.get("clock.override") is True
    if frozen.fixed is not None and not drill and _no_desk_yet(db_file):
        raise PermissionDenied(_(
            "DESKCTL_NOW is refused: a new desk runs on the real clock unless it is a drill desk "
            "(`deskctl init --set clock.override=true`); unset DESKCTL_NOW"
        ))
    if not cfg.exists:
        from deskctl.config import save

        save(cfg.path, {})
        render.message(_("wrote config {path}").format(path=cfg.path))
    else:
        render.message(_("config {path} exists; kept as it is").format(path=cfg.path))
    db = st.database(create=True, migrate=True)
    _tell_storage(db.removed, db.safety_copy, N_("upgrade"))
    if db.created:
        start = {"timezone": st.tz_option or _system_zone(), "auth.require": "supervisor"}
        _write_initial({**start, **first}, why="new desk", now=frozen.now() if drill else None)
        render.message(_("created database {path}").format(path=st.db_shown))
        render.message(_("next: `deskctl staff add HANDLE --name N --role supervisor`, then "
                         "`deskctl staff passphrase HANDLE` and `deskctl login HANDLE`"))
        return
    if given:
        raise Conflict(_("{path} exists; a supervisor changes its settings with `deskctl config set KEY VALUE`").format(
            path=st.db_shown))
    if db.upgraded:
        _move_file_settings()
    render.message(_("database {path} is ready").format(path=st.db_shown))


def _no_desk_yet(db_file: Path | None) -> bool:
    """Whether `init` would make a new desk: no file, or (team mode) no desk in the database."""
    if db_file is not None:
        return not db_file.exists()
    from deskctl.store.location import ServerLocation, parse_any
    from deskctl.store.server import desk_revision

    st = state()
    where = parse_any(st.db_target)
    assert isinstance(where, ServerLocation)
    return desk_revision(where, timeout=st.local_config.duration("database_timeout").total_seconds()) is None


def _system_zone() -> str:
    from deskctl.timeparse import system_zone_name

    return system_zone_name()


def _write_initial(values: dict[str, Any], *, why: str, now: Any = None) -> None:
    """Settings written by the system into a desk just created or upgraded. Desk keys taken
    from the config file stay there (the file may serve other desks); on this desk they are
    ignored from now on, and `config show` says so."""
    from datetime import UTC, datetime

    from deskctl import render
    from deskctl.services.settings import initial_settings

    st = state()
    with st.database().write() as session:
        written = initial_settings(session=session, now=now or datetime.now(UTC), values=values, why=why)
    taken = [k for k in st.local_config.file_settings() if k in written]
    if taken:
        render.message(_("took {n} desk setting(s) from {path} into the desk: {keys}").format(
            n=len(taken), path=st.local_config.path, keys=", ".join(taken)))
    for key in ("_desk", "config", "clock", "tz_name", "tz"):
        st.__dict__.pop(key, None)  # read again with the settings just written


def _move_file_settings() -> None:
    """After an upgrade from before desk settings, the config file's desk keys move in once."""
    values = state().local_config.file_settings()
    if values:
        _write_initial(values, why="moved from the config file at the upgrade")


def _tell_storage(removed: list[Path], kept: Path | None, kind: str) -> None:
    """What a storage operation did besides its work: leftovers swept, a safety copy kept."""
    from deskctl import render

    for path in removed:
        render.message(_("removed {path}, left by an interrupted run").format(path=path))
    if kept is not None:
        render.message(_("kept the database as it was before the {kind}: {path}").format(kind=_(kind), path=kept))


def demo(
    db: Annotated[str | None, typer.Option("--db", help="Build the demo in this database file.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same desk).")] = 7,
    settings: SetOpt = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Build a realistic demo desk: staff, a month of rota, tickets, inspections, training."""
    from deskctl import render
    from deskctl.services.demo import build_demo, secure_demo
    from deskctl.services.demo.staff import desk_is_empty

    out = output_format(fmt, as_json)
    st = state()
    if db:
        st.db_option = db
        st.__dict__.pop("db_target", None)
    given = _settings_given(settings)
    if st.db_path.exists():
        with st.read() as r:
            if not desk_is_empty(r.session):
                raise Conflict(_(
                    "{path} already holds a desk; build the demo elsewhere with "
                    "`deskctl demo --db /tmp/demo.db`").format(path=st.db_shown))
    demo_db = st.database(create=True)
    if demo_db.created:
        # A drill desk: its clock may be frozen (DESKCTL_NOW) and it is built without logins;
        # the supervisor's passphrase and auth.require come last.
        start = {"timezone": st.tz_option or _system_zone(), **st.local_config.file_settings()}
        _write_initial({**start, "clock.override": True, "auth.require": "none"}, why="demo desk")
    with st.write() as w:
        if not desk_is_empty(w.session):
            raise Conflict(_("{path} already holds a desk; build the demo elsewhere").format(path=st.db_shown))
        counts = w.call(build_demo, seed=seed)
        passphrase = w.call(secure_demo, settings={"auth.require": "supervisor", **given})
    summary = {"database": st.db_shown, "timezone": str(w.tz), **counts, "supervisor": "lead",
               "passphrase": passphrase}
    render.emit(summary, out, title=N_("demo desk built"))
    if out == "table":
        render.message(_(
            "try: deskctl --db {path} status   |   deskctl --db {path} login lead   (passphrase {passphrase})"
        ).format(path=st.db_shown, passphrase=passphrase))


# --- config ------------------------------------------------------------------------------


@config_app.command("show")
def config_show(fmt: FormatOpt = "table", as_json: JsonOpt = False, wide: WideOpt = False) -> None:
    """Every key with its effective value and where it comes from (desk, file or default)."""
    from deskctl import render
    from deskctl.config import SCHEMA, key_help

    out = output_format(fmt, as_json)
    cfg = state().config
    values = {k: _shown(k, v) for k, v in cfg.effective().items()}
    if out == "json":
        render.emit(values, out)
        return
    rows = [
        {"key": k, "value": v, "scope": "yours" if SCHEMA[k].local else "desk", "source": cfg.source(k),
         "help": key_help(k) if out == "table" else SCHEMA[k].help}
        for k, v in values.items()
    ]
    render.emit(rows, out, columns=[render.Col("key", style="bold", priority=0, min_width=40),
                                    render.Col("value", priority=0, flex=True), render.Col("scope", priority=3),
                                    render.Col("source", priority=2), render.Col("help", priority=1, flex=True)])
    if cfg.ignored:
        render.message(_("ignored in {path} (desk settings live in the desk; a supervisor changes them "
                         "with `deskctl config set`): {keys}").format(path=cfg.path, keys=", ".join(cfg.ignored)))


def _shown(key: str, value: Any) -> Any:
    """A database URL's password is never printed (the file keeps it)."""
    from deskctl.store.location import mask

    return mask(value) if key == "database" and isinstance(value, str) else value


@config_app.command("get")
def config_get(key: Annotated[str, typer.Argument(help="Dotted key, e.g. sla.P1.response.")]) -> None:
    """Print one key's effective value."""
    import json

    from deskctl import render

    value = _shown(key, state().config.get(key))
    if isinstance(value, bool):
        render.line("true" if value else "false")
        return
    render.line(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value))


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="Dotted key, e.g. sla.P1.response.")],
    value: Annotated[str, typer.Argument(help="New value; lists are comma-separated.")],
) -> None:
    """Change one setting: a desk setting (a supervisor's act, audited) or your own (user,
    database: written to your config file)."""
    from deskctl import config as config_mod
    from deskctl import render
    from deskctl.services.settings import set_setting

    st = state()
    config_mod.validate(key, value)  # unknown key or bad value: exit 2 before the desk is opened
    if config_mod.SCHEMA[key].local:
        stored = st.local_config.set_local(key, value)
        render.message(_("{key} = {value} (in {path})").format(
            key=key, value=_shown(key, stored), path=st.local_config.path))
        return
    view = st.write_call(set_setting, key=key, value=value)
    render.message(_("{key} = {value} (was {previous})").format(
        key=key, value=_shown(key, view["value"]), previous=_shown(key, view["previous"])))


@config_app.command("path")
def config_path() -> None:
    """Print the config file's path."""
    from deskctl import render
    from deskctl.config import config_path as path_of

    render.line(str(path_of()))


# --- db -----------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to this program's schema (a supervisor's act; a copy is kept first)."""
    from deskctl import render
    from deskctl.store.schema import HEAD

    st = state()
    db = st.database(migrate=True)
    if not db.upgraded:  # nothing to upgrade: still a supervisor's command, as it says
        with db.engine.connect() as conn:
            st.authorise_supervisor(conn)
    _tell_storage(db.removed, db.safety_copy, N_("upgrade"))
    if db.upgraded:
        _move_file_settings()
    render.message(_("{path} is at schema {head}").format(path=st.db_shown, head=HEAD))


ForceOpt = Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")]


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (a new file).")],
    force: ForceOpt = False,
) -> None:
    """Write a consistent copy through SQLite's backup API (safe while others write)."""
    from deskctl import render
    from deskctl.store.copies import backup_to, check_backup_target

    st = state()
    check_backup_target(file, st.db_path, force=force)  # before the desk is opened
    if not file.parent.is_dir():
        raise InvalidInput(_("folder {folder} does not exist").format(folder=file.parent))
    done = backup_to(st.database().engine, file, force=force)
    _tell_storage(done.removed, None, N_("backup"))
    render.message(_("backed up to {path}").format(path=file))


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `deskctl db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup (the current one is kept as a safety copy first)."""
    from datetime import UTC, datetime

    from deskctl import render
    from deskctl.cli.options import interactive
    from deskctl.errors import NotFound
    from deskctl.store.copies import restore_from
    from deskctl.store.location import refuse_own_files
    from deskctl.store.schema import HEAD

    st = state()
    dest = st.db_path
    refuse_own_files(file, dest, what=_("the backup to restore"))
    if not file.is_file():
        raise NotFound(_("no backup file at {path}").format(path=file))
    if not yes:
        if not interactive():
            raise InvalidInput(_("restore replaces the database; pass --yes to confirm"))
        if not confirm(_("replace {dest} with {file}?").format(dest=dest, file=file), default=False):
            raise typer.Abort()
    _authorise_restore(dest)
    st.close()  # no connection of ours may stay open on the file being replaced
    done = restore_from(file, dest, now=datetime.now(UTC))
    _tell_storage(done.removed, done.safety_copy, N_("restore"))
    render.message(_("restored {path} from {file}").format(path=done.path, file=file))
    if done.revision != HEAD:
        render.message(_("the restored desk is at schema {revision}: run `deskctl db upgrade`").format(
            revision=done.revision))


def _authorise_restore(dest: Path) -> None:
    """Only a supervisor of the desk being replaced restores over it (a desk at any schema)."""
    if not dest.exists():
        return  # nothing to replace: restoring is how a lost desk comes back
    from sqlalchemy.exc import DBAPIError

    from deskctl import render
    from deskctl.store.engine import make_engine

    engine = make_engine(dest, access="ro")
    try:
        with engine.connect() as conn:
            state().authorise_supervisor(conn)
    except DBAPIError as exc:
        # A desk that cannot be read is what a restore repairs: nobody's role can be read from it.
        render.message(_("the current desk cannot be read ({reason}): restoring over it").format(
            reason=str(exc.orig).splitlines()[0]))
    finally:
        engine.dispose()


@db_app.command("check")
def db_check(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Integrity check plus audit-chain verification; exit 1 when anything is wrong."""
    from deskctl import render
    from deskctl.services.audit import integrity_check, verify_chain

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = {"integrity": r.call(integrity_check), "audit": r.call(verify_chain)}
    view["ok"] = view["integrity"]["ok"] and view["audit"]["ok"]
    render.emit(view, out, table=lambda v: [
        render.kv_table(v["integrity"].items(), title=N_("integrity")),
        render.kv_table(_shown_problems(v["audit"].items()), title=N_("audit chain")),
    ])
    if not view["ok"]:
        raise typer.Exit(ExitCode.CHECK_FOUND)


@db_app.command("copy")
def db_copy(
    to: Annotated[str, typer.Option("--to", help="The target: postgresql://HOST[:PORT]/DBNAME, or an SQLite file.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Copy the whole desk into an empty database, either engine (SQLite ⇄ PostgreSQL).

    Every row keeps its id and every instant; the audit chain is verified on the target before
    the copy commits. A target holding any desk row is refused (exit 4).
    """
    import os
    import sys

    from deskctl import render
    from deskctl.store.engine import open_database
    from deskctl.store.location import Location, parse_any

    out = output_format(fmt, as_json)
    st = state()
    target = parse_any(to)
    source_where = parse_any(st.db_target)
    if isinstance(target, Location) and isinstance(source_where, Location):
        if os.path.realpath(target.path) == os.path.realpath(source_where.path):
            raise InvalidInput(_("{target} is the desk itself; copy to another database").format(target=target.shown))
    elif not isinstance(target, Location) and not isinstance(source_where, Location) and target.url == source_where.url:
        raise InvalidInput(_("{target} is the desk itself; copy to another database").format(target=target.shown))
    source = st.database()
    timeout = st.config.duration("database_timeout").total_seconds()
    existed = isinstance(target, Location) and target.path.exists()
    dest = open_database(target.path if isinstance(target, Location) else to, create=True, timeout=timeout)
    try:
        result = _copy_with_progress(source, dest, target.shown, show=sys.stderr.isatty() and out == "table")
    except BaseException:
        dest.close()
        if isinstance(target, Location) and not existed and dest.created:
            target.path.unlink(missing_ok=True)  # the empty desk this copy made
        raise
    dest.close()
    view = {"from": st.db_shown, "to": target.shown, "rows": sum(result.rows.values()),
            "events_verified": result.events_verified, "tables": result.rows}
    render.emit(view, out, table=lambda v: [
        render.kv_table([(k, x) for k, x in v.items() if k != "tables"], title=N_("desk copied")),
        render.kv_table(v["tables"].items(), title=N_("rows per table")),
    ])


def _copy_with_progress(source: Any, dest: Any, shown: str, *, show: bool) -> Any:
    from deskctl.store.transfer import copy_desk, row_counts

    if not show:
        return copy_desk(source, dest, target_shown=shown)
    from rich.console import Console
    from rich.progress import Progress

    with source.read() as s:
        total = sum(row_counts(s.connection()).values())
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(_("copying"), total=total)
        return copy_desk(source, dest, target_shown=shown,
                         progress=lambda table, n: bar.update(task, advance=n, description=table))


@db_app.command("grant")
def db_grant(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Team mode: create the officer, technician and supervisor roles and their grants, so that
    the database itself refuses what deskctl refuses (events append-only for everyone)."""
    from deskctl import render
    from deskctl.store.grants import grant

    out = output_format(fmt, as_json)
    st = state()
    with st.database().write() as session:
        view = grant(session.connection())
    render.emit(view, out, title=_("grants on {path}").format(path=st.db_shown))


def _shown_problems(pairs: Any) -> list[tuple[str, Any]]:
    """A check's card: its `problem` in the person's language (JSON keeps the English)."""
    from deskctl.services.audit import problem_text

    return [(k, problem_text(v) if k == "problem" and isinstance(v, str) else v) for k, v in pairs]


# The keys of the check cards (`db check`, `audit verify`, `db copy`, `db grant`), translated where shown.
CARD_KEYS = (
    N_("integrity"), N_("foreign_key_violations"), N_("events_checked"), N_("first_broken_event"),
    N_("problem"), N_("head"), N_("anchor"), N_("anchor_ok"), N_("rows_replayed"), N_("rows_differing"),
    N_("from"), N_("to"), N_("rows"), N_("events_verified"), N_("database"), N_("roles"),
    N_("supervisor_only"), N_("append_only"), N_("tables"),
)


# --- audit --------------------------------------------------------------------------------


@audit_app.command("log")
def audit_log(
    since: SinceOpt = None,
    entity: Annotated[str | None, typer.Option("--entity", help="ticket, staff, shift, …")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's events.")] = None,
    limit: LimitOpt = 100,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """The newest events of the audit trail."""
    from deskctl import render
    from deskctl.services.audit import iter_audit_log
    from deskctl.timeparse import parse_instant

    out = output_format(fmt, as_json)
    st = state()
    since_at = parse_instant(since, tz=st.tz, now=st.clock.now()) if since else None
    with st.read() as r:
        rows = r.call(iter_audit_log, since=since_at, entity=entity, actor=actor, limit=limit)
        render.stream(rows, out, columns=[
            render.Col("id", justify="right"), render.Col("at"), render.Col("actor"), render.Col("entity"),
            render.Col("entity_id", "ref", justify="right"), render.Col("kind"), render.Col("from"),
            render.Col("to"), render.Col("details"),
        ])


@audit_app.command("anchor")
def audit_anchor(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Print the chain head as ID:HASH, to keep elsewhere and check later with verify --anchor."""
    from deskctl import render
    from deskctl.services.audit import anchor

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(anchor)
    if view["id"] == 0:
        render.message(_(
            "the audit trail is empty: its anchor is event 0 and the genesis hash (it proves nothing yet)"))
    if out == "table":
        render.line(f"{view['id']}:{view['hash']}")
    else:
        render.emit(view, out)


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[str | None, typer.Option(
        "--anchor", metavar="ID:HASH",
        help="A chain head taken earlier (`audit anchor`): fail if the trail was cut or rewritten since.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Check the hash chain, an anchor and every ticket, shift and run against its events; exit 1 on a fault."""
    from deskctl import render
    from deskctl.services.audit import parse_anchor, problem_text, verify_audit

    out = output_format(fmt, as_json)
    given = parse_anchor(anchor) if anchor is not None else None
    with state().read() as r:
        view = r.call(verify_audit, anchor=given)
    shown = {k: v for k, v in view.items() if k not in ("first_difference", "problems")}
    render.emit(view, out, table=lambda v: [render.kv_table(
        [*_shown_problems(shown.items()),
         *((_("problem {n}").format(n=n), problem_text(p)) for n, p in enumerate(v["problems"][1:], 2))],
        title=N_("audit trail"),
    )])
    if not view["ok"]:
        raise typer.Exit(ExitCode.CHECK_FOUND)
