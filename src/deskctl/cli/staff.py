"""`deskctl staff …`: the desk's people and their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deskctl.cli import complete, records
from deskctl.cli.options import FormatOpt, JsonOpt, WideOpt, command_group, output_format
from deskctl.cli.state import state
from deskctl.i18n import _

if TYPE_CHECKING:
    from deskctl.render import Col

app = command_group("Staff: supervisors, duty officers and technicians.")


def _columns() -> list[Col]:
    from deskctl.render import Col

    return [
        Col("handle", style="bold"),
        Col("name"),
        Col("role"),
        Col("tier", justify="right"),
        Col("phone"),
        Col("active"),
    ]


def _contacts(*values: str | None) -> dict[str, str | None]:
    keys = ("email", "mobile", "wecom_id", "dingtalk_id", "feishu_id", "quiet_hours")
    return dict(zip(keys, values, strict=True))


@app.command("add")
def add(
    handle: Annotated[str, typer.Argument(help="Short login-like handle, e.g. zhang.", metavar="HANDLE")],
    name: Annotated[str, typer.Option("--name", help="Full name as people know it.")],
    role: Annotated[str, typer.Option("--role", help="supervisor, officer or technician.")],
    tier: Annotated[int | None, typer.Option("--tier", help="Support tier 1-3 (default 1).")] = None,
    phone: Annotated[str, typer.Option("--phone", help="Phone number.")] = "",
    email: Annotated[str | None, typer.Option("--email", help="E-mail address (notifications).")] = None,
    mobile: Annotated[str | None, typer.Option("--mobile", help="Mobile number (chat robots @mention it).")] = None,
    wecom_id: Annotated[str | None, typer.Option("--wecom-id", help="WeCom (企业微信) user id.")] = None,
    dingtalk_id: Annotated[str | None, typer.Option("--dingtalk-id", help="DingTalk (钉钉) user id.")] = None,
    feishu_id: Annotated[str | None, typer.Option("--feishu-id", help="Feishu (飞书) user id or open id.")] = None,
    quiet_hours: Annotated[
        str | None, typer.Option("--quiet-hours", help="HH:MM-HH:MM when only P1 notifications reach them.")
    ] = None,
    db_login: Annotated[str | None, typer.Option("--db-login", help="Team mode: their database login.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Add a staff member (supervisor only; the very first member bootstraps a supervisor)."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.add_staff, handle=handle, name=name, role=role, tier=tier, phone=phone,
                      contacts=_contacts(email, mobile, wecom_id, dingtalk_id, feishu_id, quiet_hours),
                      db_login=db_login)
    render.emit(view, out, title=_("added {handle}").format(handle=view["handle"]))


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include deactivated members.")] = False,
    role: Annotated[str | None, typer.Option("--role", help="Only this role.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
    wide: WideOpt = False,
) -> None:
    """List staff members."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        rows = r.call(svc.list_staff, include_inactive=all_, role=role)
    render.emit(rows, out, columns=_columns())


@app.command("show")
def show(
    handle: Annotated[str, typer.Argument(help="Staff handle.", metavar="HANDLE", autocompletion=complete.handles)],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Show one staff member, with their discipline and commendation records."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().read() as r:
        view = svc.staff_view(svc.get_staff(r.session, handle))
        view["records"] = records.records_for(r, handle)
    render.emit(view, out, table=records.show_tables)


@app.command("edit")
def edit(
    handle: Annotated[str, typer.Argument(help="Staff handle.", metavar="HANDLE", autocompletion=complete.handles)],
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    role: Annotated[str | None, typer.Option("--role", help="New role.")] = None,
    tier: Annotated[int | None, typer.Option("--tier", help="New tier 1-3.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="New phone.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail address (notifications).")] = None,
    mobile: Annotated[str | None, typer.Option("--mobile", help="Mobile number (chat robots @mention it).")] = None,
    wecom_id: Annotated[str | None, typer.Option("--wecom-id", help="WeCom (企业微信) user id.")] = None,
    dingtalk_id: Annotated[str | None, typer.Option("--dingtalk-id", help="DingTalk (钉钉) user id.")] = None,
    feishu_id: Annotated[str | None, typer.Option("--feishu-id", help="Feishu (飞书) user id or open id.")] = None,
    quiet_hours: Annotated[
        str | None, typer.Option("--quiet-hours", help="HH:MM-HH:MM when only P1 notifications reach them.")
    ] = None,
    db_login: Annotated[str | None, typer.Option("--db-login", help="Team mode: their database login.")] = None,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Change a member's name, role, tier, phone or contacts (supervisor only)."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.edit_staff, handle=handle, name=name, role=role, tier=tier, phone=phone,
                      contacts=_contacts(email, mobile, wecom_id, dingtalk_id, feishu_id, quiet_hours),
                      db_login=db_login)
    render.emit(view, out, title=_("edited {handle}").format(handle=handle))


@app.command("deactivate")
def deactivate(
    handle: Annotated[str, typer.Argument(help="Staff handle.", metavar="HANDLE", autocompletion=complete.handles)],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Deactivate a member: history is kept, they can no longer act (supervisor only)."""
    from deskctl import render
    from deskctl.services.people import staff as svc

    out = output_format(fmt, as_json)
    with state().write() as w:
        view = w.call(svc.deactivate_staff, handle=handle)
    render.emit(view, out, title=_("deactivated {handle}").format(handle=handle))


@app.command("passphrase")
def passphrase(
    handle: Annotated[str, typer.Argument(help="Whose passphrase.", metavar="HANDLE")],
    from_stdin: Annotated[bool, typer.Option(
        "--passphrase-stdin",
        help="Read from standard input: the new passphrase, preceded by the current one when it is asked.",
    )] = False,
) -> None:
    """Set or change a passphrase: your own (logged in, or with the current one), anyone's with a
    supervisor's login, or the first supervisor's on a desk where no supervisor has one yet."""
    from deskctl import render
    from deskctl.cli.identity import read_passphrase
    from deskctl.services.people import identity as svc

    st = state()
    with st.read() as r:
        needs = r.call(svc.passphrase_needs, handle=handle, proven=st.proven)
    current = None
    if needs == "current":
        current = read_passphrase(_("current passphrase for {handle}").format(handle=handle), from_stdin=from_stdin)
    new = read_passphrase(_("new passphrase for {handle}").format(handle=handle), from_stdin=from_stdin, confirm=True)
    view = st.write_call(svc.set_passphrase, handle=handle, passphrase=new, proven=st.proven, current=current)
    if view["first"]:
        line = _("passphrase set for {handle}").format(handle=handle)
    else:
        line = _("passphrase changed for {handle}").format(handle=handle)
    if view["sessions_ended"]:
        line += _("; {n} login session(s) ended").format(n=view["sessions_ended"])
    render.message(line)


records.register(app)
