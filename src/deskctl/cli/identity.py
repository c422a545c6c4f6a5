"""Who is at the keyboard: login, logout, whoami (docs/identity.md)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, output_format
from deskctl.cli.state import state
from deskctl.errors import InvalidInput, PermissionDenied
from deskctl.i18n import N_, _
from deskctl.session_file import os_user

StdinOpt = Annotated[
    bool, typer.Option("--passphrase-stdin", help="Read the passphrase from standard input (scripts).")
]


def register(app: typer.Typer) -> None:
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)


def read_passphrase(label: str, *, from_stdin: bool, confirm: bool = False) -> str:
    """A passphrase from the terminal (not echoed; asked twice when `confirm`), or one line of
    stdin with --passphrase-stdin. Never from an argument: it would show in `ps` and the
    shell's history."""
    if from_stdin:
        line = sys.stdin.readline()
        passphrase = line[:-1] if line.endswith("\n") else line
        if not passphrase:
            raise InvalidInput(_("no passphrase on standard input"))
        return passphrase
    if not sys.stdin.isatty():
        raise InvalidInput(_("no terminal to ask for the passphrase; pipe it in with --passphrase-stdin"))
    import getpass

    passphrase = getpass.getpass(_("{label}: ").format(label=label))
    if confirm and getpass.getpass(_("{label} (again): ").format(label=label)) != passphrase:
        raise InvalidInput(_("the two passphrases differ; nothing was changed"))
    return passphrase


def login(
    handle: Annotated[str, typer.Argument(help="Your staff handle.", metavar="HANDLE")],
    from_stdin: StdinOpt = False,
) -> None:
    """Prove who you are at this terminal: a session for auth.session (12 h) or until logout."""
    import socket

    from deskctl import render, session_file
    from deskctl.services.people.identity import login as do_login

    st = state()
    st.database()  # no desk: say so before asking for a passphrase
    passphrase = read_passphrase(_("passphrase for {handle}").format(handle=handle), from_stdin=from_stdin)
    term = session_file.terminal()
    with st.write() as w:
        result = w.call(do_login, handle=handle, passphrase=passphrase, os_user=os_user(),
                        host=socket.gethostname(), terminal=term)
    # committed: a failure is counted (and a lockout kept) even though the command refuses
    if not result.ok:
        raise PermissionDenied(result.refusal)
    session_file.keep(st.desk_id, term, result.token)
    until = result.expires_at.astimezone(st.tz).strftime("%Y-%m-%d %H:%M") if result.expires_at else "?"
    render.message(_("logged in as {handle} at {terminal} until {until}").format(
        handle=handle, terminal=term, until=until))


def logout() -> None:
    """End this terminal's login session."""
    from deskctl import render, session_file
    from deskctl.services.people.identity import logout as do_logout

    st = state()
    st.database()
    term = session_file.terminal()
    token = session_file.token(st.desk_id, term)
    if not token:
        render.message(_("not logged in at this terminal"))
        return
    with st.write() as w:
        who = w.call(do_logout, token=token)
    session_file.forget(st.desk_id, term)
    render.message(_("logged out {handle}").format(handle=who) if who
                   else _("the session had already ended; forgotten here"))


def whoami(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Who deskctl takes you for: the acting user, how it was chosen, the login, the desk's rule."""
    import os
    import socket

    from deskctl import render, session_file

    out = output_format(fmt, as_json)
    st = state()
    st.database()
    if st.as_option and st.as_option.strip():
        source = "--as"
    elif os.environ.get("DESKCTL_USER", "").strip():
        source = "$DESKCTL_USER"
    elif st.proven:
        source = "login"
    elif str(st.local_config.get("user") or "").strip():
        source = "config user"
    else:
        source = "OS login name"
    view = {
        "actor": st.actor,
        "chosen_by": source,
        "logged_in": st.proven,
        "auth_require": st.config.get("auth.require"),
        "os_user": os_user(),
        "host": socket.gethostname(),
        "terminal": session_file.terminal(),
        "database": st.db_shown,
    }
    render.emit(view, out, title=N_("who am I"))
