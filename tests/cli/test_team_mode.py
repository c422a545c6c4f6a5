"""Team mode through the CLI: URL errors, the network-filesystem refusal, `db copy`, `db grant`,
the database's own refusals for an officer role, and the actor mapped to the login."""

from __future__ import annotations

import re
import socket
import threading

import psycopg
import pytest

from deskctl.store.netfs import fs_type, refuse_network_fs
from tests import pg

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /home rw,relatime shared:20 - nfs4 server:/home rw,vers=4.2
41 40 8:2 / /home/local\\040disk rw,relatime - ext4 /dev/sdb1 rw
42 22 0:36 / /mnt/share rw - cifs //nas/desk rw
43 22 0:37 / /mnt/ssh rw - fuse.sshfs me@host:/srv rw
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/home/zhang/desk.db", "nfs4"), ("/home/local disk/desk.db", "ext4"), ("/mnt/share/d.db", "cifs"),
    ("/mnt/ssh/d.db", "fuse.sshfs"), ("/var/lib/desk.db", "ext4"), ("/homework/d.db", "ext4"),
])
def test_netfs_longest_mount_prefix_names_the_filesystem(path, kind):
    from pathlib import Path

    assert fs_type(Path(path), MOUNTINFO) == kind


def test_netfs_sqlite_file_on_nfs_refused_pointing_to_team_mode():
    from pathlib import Path

    from deskctl.errors import StorageError

    with pytest.raises(StorageError, match="network filesystem \\(nfs4\\).*team mode"):
        refuse_network_fs(Path("/home/zhang/desk.db"), MOUNTINFO)
    refuse_network_fs(Path("/home/local disk/desk.db"), MOUNTINFO)  # a local disk below: fine


def _one_line(res, code):
    assert res.exit_code == code, (res.exit_code, res.stdout, res.stderr)
    assert res.stderr.startswith("deskctl: error:") and res.stderr.count("\n") == 1, res.stderr
    return res.stderr


@pytest.mark.parametrize("url", ["mysql://h/desk", "postgresql+asyncpg://h/desk", "redis://h"])
def test_team_unknown_scheme_exits_2(desk, url):
    _one_line(desk.run("--db", url, "ticket", "list"), 2)


def test_team_server_down_exits_6_naming_host_port(desk):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once closed
    err = _one_line(desk.run("--db", f"postgresql://desk:s3cret@127.0.0.1:{port}/desk", "ticket", "list"), 6)
    assert f"127.0.0.1:{port}" in err and "connection refused" in err and "s3cret" not in err


def test_team_timeout_exits_6_within_database_timeout(desk):
    """A server that accepts and never answers: given up after config database_timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    held = []
    threading.Thread(target=lambda: held.append(server.accept()), daemon=True).start()
    try:
        # A person's own setting (about the connection, like `database`): in the config file.
        desk.config.write_text('database_timeout = "1s"\n' + desk.config.read_text(encoding="utf-8"), encoding="utf-8")
        err = _one_line(desk.run("--db", f"postgresql://127.0.0.1:{port}/desk", "ticket", "list"), 6)
        assert f"127.0.0.1:{port}" in err and "timed out" in err
    finally:
        server.close()


@pytest.fixture
def server():
    pg.require()
    made = pg.new_server("cli")
    yield made
    made.drop_all()


def test_team_login_refused_and_missing_database_exit_6(desk, server):
    base = pg.base_url().rstrip("/")
    err = _one_line(desk.run("--db", f"{base}/no_such_desk_db_{server.prefix}", "ticket", "list"), 6)
    assert "does not exist" in err
    host = base.split("://", 1)[1]
    err = _one_line(desk.run("--db", f"postgresql://nobody_here:pw@{host}/postgres", "ticket", "list"), 6)
    assert "login refused" in err and ":pw@" not in err


def _rounded(value):
    """SQLite computes durations through julianday() (about 1e-9 relative error), PostgreSQL
    exactly: ratios agree to 6 places, not to the last bit."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _report(desk, db, *args):
    view = desk.json("--db", db, *args)
    view.pop("generated_at", None)
    return _rounded(view)


@pytest.mark.slow
def test_team_db_copy_demo_sqlite_to_pg_to_sqlite_same_reports(desk, server, tmp_path):
    first = tmp_path / "demo.db"
    made = desk.ok("demo", "--db", str(first))
    # the newer tables hold rows too: a login session, notification channel and rule, a template
    lead, secret = re.search(r"login (\w+)\s+\(passphrase (\S+)\)", made.stdout + made.stderr).groups()
    desk.ok("--db", str(first), "login", lead, "--passphrase-stdin", input=secret + "\n")
    desk.ok("--db", str(first), "--as", lead, "notify", "channel", "add", "ops", "--kind", "webhook",
            "--target", "http://127.0.0.1:9/hook")
    desk.ok("--db", str(first), "--as", lead, "notify", "rule", "add", "--event", "ticket.assigned",
            "--to", "assignee", "--via", "ops")
    desk.ok("--db", str(first), "--as", lead, "ticket", "template", "add", "vpn", "--title", "VPN down")
    url = pg.url_for(server.create("copy"))
    back = tmp_path / "back.db"
    copied = desk.json("--db", str(first), "db", "copy", "--to", url)
    assert copied["events_verified"] > 100
    for table in ("desk_setting", "login_session", "notify_channel", "notify_rule", "ticket_template"):
        assert copied["tables"][table] >= 1, table
    again = desk.json("--db", url, "db", "copy", "--to", str(back))
    assert again["tables"] == copied["tables"]
    # the same desk moved: its id came along, so the terminal's login holds on the copies
    for db in (url, str(back)):
        assert desk.json("--db", db, "whoami")["logged_in"] == lead
    # search on the server (ILIKE) and on the copy back (its index filled again) finds the same
    for words in ("ticket", "打印", "vpn"):  # none; two CJK characters (a scan); a word (the index)
        args = ("ticket", "list", "--status", "all", "--limit", "10000", "--search", words)
        found = [[(t["id"], t["match"]) for t in desk.json("--db", db, *args)] for db in (str(first), url, str(back))]
        assert found[0] == found[1] == found[2], words
    assert found[0], "the demo desk holds tickets the last search finds"
    for args in (("report", "sla", "--period", "2026-11"), ("report", "performance", "--period", "2026-11"),
                 ("audit", "verify")):
        views = [_report(desk, db, *args) for db in (str(first), url, str(back))]
        assert views[0] == views[1] == views[2], args
    assert desk.json("--db", url, "audit", "verify")["ok"] is True
    # the sequences are past the highest id: a new ticket on the server takes the next id
    top = max(t["id"] for t in desk.json("--db", url, "ticket", "list", "--limit", "10000", "--status", "closed"))
    # lead, logged in at this terminal on the source desk: the login holds on the copy
    opened = desk.json("--db", url, "--as", lead, "ticket", "open", "after the copy", "--reporter", "x")
    assert opened["id"] > top
    # a non-empty target is refused, nothing copied
    err = _one_line(desk.run("--db", str(first), "db", "copy", "--to", url), 4)
    assert "already holds a desk" in err


@pytest.fixture
def granted(desk, server):
    """A desk on the server with `db grant` run and an officer login zhang_login mapped to zhang."""
    url = pg.url_for(server.create("grant"))
    desk.ok("--db", url, "init")
    desk.ok("--db", url, "--as", "lead", "staff", "add", "lead", "--name", "L", "--role", "supervisor")
    view = desk.json("--db", url, "db", "grant")
    assert set(view["roles"]) == {"deskctl_officer", "deskctl_technician", "deskctl_supervisor"}
    login = f"zl_{server.prefix}"[:63]
    with pg.admin() as con:
        con.execute(f'DROP ROLE IF EXISTS "{login}"')
        con.execute(f'CREATE ROLE "{login}" LOGIN')
    desk.ok("--db", url, "--as", "lead", "staff", "add", "zhang", "--name", "Z", "--role", "officer",
            "--db-login", login)
    yield url, login
    with pg.admin() as con:
        con.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        con.execute(f'DROP ROLE IF EXISTS "{login}"')
    server.made.clear()


def test_team_db_grant_officer_role_refused_by_the_server(granted):
    url, login = granted
    as_officer = url.replace("://", f"://{login}@", 1)
    with psycopg.connect(as_officer, autocommit=True) as con:
        assert con.execute("SELECT count(*) FROM event").fetchone()[0] >= 2
        for sql in ("UPDATE event SET actor = 'x'", "DELETE FROM event",
                    "INSERT INTO staff_record (staff_id, kind, note, at, recorded_by_id) "
                    "VALUES (1, 'x', 'x', now(), 1)",
                    "UPDATE desk_setting SET value = '\"none\"' WHERE key = 'auth.require'",
                    "INSERT INTO notify_channel (name, kind, target, secret, created_at) "
                    "VALUES ('x', 'exec', 'true', '', now())",
                    "UPDATE staff SET role = 'supervisor'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(sql)
        # what every role writes: login sessions, the login columns of staff, the outbox's keys
        con.execute("INSERT INTO login_session (token_hash, handle, os_user, host, terminal, created_at, "
                    "expires_at) VALUES (repeat('a', 64), 'zhang', 'u', 'h', 't', now(), now())")
        con.execute("UPDATE staff SET failed_logins = failed_logins WHERE handle = 'zhang'")
        con.execute("INSERT INTO notify_fired (key, at) VALUES ('test', now())")
    with pg.admin() as admin, psycopg.connect(url, autocommit=True) as owner:
        assert admin is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            owner.execute("DELETE FROM event")  # the trigger refuses the owner too


def test_team_acting_as_someone_else_than_the_login_exits_5(desk, granted):
    url, login = granted
    as_officer = url.replace("://", f"://{login}@", 1)
    opened = desk.json("--db", as_officer, "--as", "zhang", "ticket", "open", "printer", "--reporter", "x")
    assert opened["id"] == 1
    err = _one_line(desk.run("--db", as_officer, "--as", "lead", "ticket", "open", "y", "--reporter", "x"), 5)
    assert "lead" in err and login in err
    # the officer login cannot write staff: the server refuses, one line, exit 5
    _one_line(desk.run("--db", as_officer, "--as", "zhang", "staff", "add", "bob", "--name", "B",
                       "--role", "officer"), 5)


def test_team_desk_from_a_newer_deskctl_refused_untouched(desk, server):
    url = pg.url_for(server.create("newer"))
    desk.ok("--db", url, "init")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    for args in (("ticket", "list"), ("db", "upgrade")):
        err = _one_line(desk.run("--db", url, *args), 6)
        assert "newer deskctl" in err
    res = desk.run("--db", url, "init")  # init says first that the config is kept
    assert res.exit_code == 6 and res.stderr.splitlines()[-1].startswith("deskctl: error:")
    assert "newer deskctl" in res.stderr
    with psycopg.connect(url) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"


def test_team_init_on_a_database_holding_other_tables_refused(desk, server):
    url = pg.url_for(server.create("foreign"))
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE invoices (id int)")
    res = desk.run("--db", url, "init")  # init may say first that the config is kept
    assert res.exit_code == 6 and res.stderr.splitlines()[-1].startswith("deskctl: error:")
    assert "not a deskctl desk" in res.stderr
    err = _one_line(desk.run("--db", url, "ticket", "list"), 6)
    assert "not a deskctl desk" in err
