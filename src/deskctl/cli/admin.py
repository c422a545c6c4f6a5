"""Top-level housekeeping: init, demo, status, config, db, audit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, LimitOpt, SinceOpt, command_group, output_format
from deskctl.cli.state import state
from deskctl.errors import Conflict, ExitCode, InvalidInput

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.table import Table

    from deskctl.config import Config

config_app = command_group("Show and change the configuration.")
db_app = command_group("Database upkeep: upgrade, backup, restore, check, copy, grant.")
audit_app = command_group("The audit trail: log and hash-chain verification.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("status")(status)
    app.add_typer(config_app, name="config")
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")


def init() -> None:
    """Create the config file and the database (safe to run again)."""
    from deskctl import render
    from deskctl.timeparse import system_zone_name

    st = state()
    _ = st.db_file  # an in-memory or unknown target is refused before anything is written
    cfg = st.config
    if not cfg.exists:
        cfg.set("timezone", st.tz_option or system_zone_name())
        render.message(f"wrote config {cfg.path}")
    else:
        render.message(f"config {cfg.path} exists; kept as it is")
    db = st.database(create=True, migrate=True)
    _tell_storage(db.removed, db.safety_copy, "upgrade")
    render.message(f"created database {st.db_shown}" if db.created else f"database {st.db_shown} is ready")


def _tell_storage(removed: list[Path], kept: Path | None, kind: str) -> None:
    """What a storage operation did besides its work: leftovers swept, a safety copy kept."""
    from deskctl import render

    for path in removed:
        render.message(f"removed {path}, left by an interrupted run")
    if kept is not None:
        render.message(f"kept the database as it was before the {kind}: {kept}")


def demo(
    db: Annotated[str | None, typer.Option("--db", help="Build the demo in this database file.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same desk).")] = 7,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Build a realistic demo desk: staff, a month of rota, tickets, inspections, training."""
    from deskctl import render
    from deskctl.services.demo import build_demo
    from deskctl.services.demo.staff import desk_is_empty

    out = output_format(fmt, as_json)
    st = state()
    if db:
        st.db_option = db
        st.__dict__.pop("db_target", None)
    with st.write(create=True) as w:
        if not desk_is_empty(w.session):
            raise Conflict(
                f"{st.db_shown} already holds a desk; build the demo elsewhere with "
                "`deskctl demo --db /tmp/demo.db`"
            )
        counts = w.call(build_demo, seed=seed)
    summary = {"database": st.db_shown, "timezone": str(w.tz), **counts}
    render.emit(summary, out, title="demo desk built")
    if out == "table":
        render.message(
            f"try: deskctl --db {st.db_shown} status   |   deskctl --db {st.db_shown} ticket list"
        )


def _status_tables(view: dict[str, Any]) -> Iterator[Table]:
    from deskctl import render

    head = [(k, v) for k, v in view.items() if not isinstance(v, (list, dict))]
    yield render.kv_table(head, title="deskctl status")
    for key, value in view.items():
        title = key.replace("_", " ")
        if isinstance(value, dict):
            yield render.kv_table(value.items(), title=title)
        elif isinstance(value, list):
            if value and isinstance(value[0], dict):
                yield render.rows_table(value, render.auto_columns(value), title=title)
            else:
                yield render.kv_table([("", "(none)")], title=title)


def status(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """One screen: on duty now, open tickets by priority, SLA at risk, inspections due."""
    from deskctl import render
    from deskctl.services.status import desk_status

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(desk_status)
    render.emit(view, out, table=_status_tables)


# --- config ------------------------------------------------------------------------------


@config_app.command("show")
def config_show(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Every key with its effective value (file value or default)."""
    from deskctl import render
    from deskctl.config import SCHEMA

    out = output_format(fmt, as_json)
    cfg = state().config
    values = {k: _shown(k, v) for k, v in cfg.effective().items()}
    if out == "json":
        render.emit(values, out)
        return
    rows = [
        {"key": k, "value": v, "source": "file" if _in_file(cfg, k) else "default", "help": SCHEMA[k].help}
        for k, v in values.items()
    ]
    render.emit(rows, out, columns=[render.Col("key", style="bold"), render.Col("value"), render.Col("source"),
                                    render.Col("help")])


def _shown(key: str, value: Any) -> Any:
    """A database URL's password is never printed (the file keeps it)."""
    from deskctl.store.location import mask

    return mask(value) if key == "database" and isinstance(value, str) else value


def _in_file(cfg: Config, key: str) -> bool:
    node: Any = cfg.data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


@config_app.command("get")
def config_get(key: Annotated[str, typer.Argument(help="Dotted key, e.g. sla.P1.response.")]) -> None:
    """Print one key's effective value."""
    import json

    value = _shown(key, state().config.get(key))
    typer.echo(json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value))


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="Dotted key, e.g. sla.P1.response.")],
    value: Annotated[str, typer.Argument(help="New value; lists are comma-separated.")],
) -> None:
    """Validate and store one key; the file is rewritten atomically, other keys kept."""
    from deskctl import render

    stored = state().config.set(key, value)
    render.message(f"{key} = {_shown(key, stored)}")


@config_app.command("path")
def config_path() -> None:
    """Print the config file's path."""
    from deskctl.config import config_path as path_of

    typer.echo(str(path_of()))


# --- db -----------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to this program's schema (a copy is kept first)."""
    from deskctl import render
    from deskctl.store.schema import HEAD

    st = state()
    db = st.database(migrate=True)
    _tell_storage(db.removed, db.safety_copy, "upgrade")
    render.message(f"{st.db_shown} is at schema {HEAD}")


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
        raise InvalidInput(f"folder {file.parent} does not exist")
    done = backup_to(st.database().engine, file, force=force)
    _tell_storage(done.removed, None, "backup")
    render.message(f"backed up to {file}")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `deskctl db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup (the current one is kept as a safety copy first)."""
    from deskctl import render
    from deskctl.cli.options import interactive
    from deskctl.errors import NotFound
    from deskctl.store.copies import restore_from
    from deskctl.store.location import refuse_own_files
    from deskctl.store.schema import HEAD

    st = state()
    dest = st.db_path
    refuse_own_files(file, dest, what="the backup to restore")
    if not file.is_file():
        raise NotFound(f"no backup file at {file}")
    if not yes:
        if not interactive():
            raise InvalidInput("restore replaces the database; pass --yes to confirm")
        typer.confirm(f"replace {dest} with {file}?", abort=True)
    st.close()  # no connection of ours may stay open on the file being replaced
    done = restore_from(file, dest, now=st.clock.now())
    _tell_storage(done.removed, done.safety_copy, "restore")
    render.message(f"restored {done.path} from {file}")
    if done.revision != HEAD:
        render.message(f"the restored desk is at schema {done.revision}: run `deskctl db upgrade`")


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
        render.kv_table(v["integrity"].items(), title="integrity"),
        render.kv_table(v["audit"].items(), title="audit chain"),
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
            raise InvalidInput(f"{target.shown} is the desk itself; copy to another database")
    elif not isinstance(target, Location) and not isinstance(source_where, Location) and target.url == source_where.url:
        raise InvalidInput(f"{target.shown} is the desk itself; copy to another database")
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
        render.kv_table([(k, x) for k, x in v.items() if k != "tables"], title="desk copied"),
        render.kv_table(v["tables"].items(), title="rows per table"),
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
        task = bar.add_task("copying", total=total)
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
    render.emit(view, out, title=f"grants on {st.db_shown}")


# --- audit --------------------------------------------------------------------------------


@audit_app.command("log")
def audit_log(
    since: SinceOpt = None,
    entity: Annotated[str | None, typer.Option("--entity", help="ticket, staff, shift, …")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's events.")] = None,
    limit: LimitOpt = 100,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """The newest events of the audit trail."""
    from deskctl import render
    from deskctl.services.audit import audit_log as log
    from deskctl.timeparse import parse_instant

    out = output_format(fmt, as_json)
    st = state()
    since_at = parse_instant(since, tz=st.tz, now=st.clock.now()) if since else None
    with st.read() as r:
        rows = r.call(log, since=since_at, entity=entity, actor=actor, limit=limit)
    render.emit(rows, out, columns=[
        render.Col("id", justify="right"), render.Col("at"), render.Col("actor"), render.Col("entity"),
        render.Col("entity_id", "ref", justify="right"), render.Col("kind"), render.Col("from"),
        render.Col("to"), render.Col("details"),
    ])


@audit_app.command("verify")
def audit_verify(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Recompute the hash chain; exit 1 and name the first broken event if any."""
    from deskctl import render
    from deskctl.services.audit import verify_chain

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = r.call(verify_chain)
    render.emit(view, out, title="audit chain")
    if not view["ok"]:
        raise typer.Exit(ExitCode.CHECK_FOUND)
