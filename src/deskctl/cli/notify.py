"""`deskctl notify …`: the notification outbox, its channels and rules (docs/notify.md)."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deskctl.cli.options import FormatOpt, JsonOpt, LimitOpt, command_group, id_number, output_format
from deskctl.cli.state import state
from deskctl.errors import InvalidInput
from deskctl.i18n import _

if TYPE_CHECKING:
    from deskctl.render import Col

app = command_group("Notifications: deliver the outbox, channels, who hears what.")
channel_app = command_group("Channels: e-mail, webhooks, WeCom, DingTalk and Feishu robots, programs.")
rule_app = command_group("Rules: who hears about which event, through which channel.")
app.add_typer(channel_app, name="channel")
app.add_typer(rule_app, name="rule")

IdArg = Annotated[int, typer.Argument(help="Notification id.", parser=id_number)]


def _columns() -> list[Col]:
    from deskctl.render import Col

    return [Col("id", justify="right"), Col("event"), Col("channel"), Col("to"), Col("status"),
            Col("tries", justify="right"), Col("created_at", "created"), Col("last_error", "last error"),
            Col("text")]


@app.command("run")
def run(
    watch: Annotated[bool, typer.Option("--watch", help="Keep running; stop with Ctrl-C or SIGTERM.")] = False,
    interval: Annotated[str, typer.Option("--interval", help="Pause between passes with --watch.")] = "15s",
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Cron (every minute): fire time-based notifications, deliver pending ones, retry failures.

    Prints nothing when there was nothing to do; failures are listed by `notify list --failed`.
    """
    from deskctl import render
    from deskctl.services.notify.run import Summary, run_once, worker_id
    from deskctl.timeparse import parse_duration

    out = output_format(fmt, as_json)
    pause = parse_duration(interval).total_seconds()
    if pause <= 0:
        raise InvalidInput(_("--interval must be longer than 0s"))
    app_state = state()
    config = app_state.config
    worker = worker_id()
    stopping = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if watch and threading.current_thread() is threading.main_thread():
        # A stop request finishes the delivery under way and records it, then exits 0.
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            previous[signum] = signal.signal(signum, lambda *_args: stopping.set())
    total = Summary()
    try:
        while True:
            done = run_once(app_state.write, config=config, worker=worker, stop=stopping.is_set)
            total.add(done)
            for line in done.errors:
                render.warn(line)
            if out == "table" and (done.sent or done.retrying or done.failed):
                line = _("notify: {sent} sent, {retrying} to retry, {failed} failed").format(
                    sent=done.sent, retrying=done.retrying, failed=done.failed)
                if done.digests:
                    line += " " + _("({digests} digests)").format(digests=done.digests)
                render.message(line)
            if not watch or stopping.wait(pause):
                break
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if out != "table":
        render.emit(total.view(), out)


@app.command("list")
def list_(
    pending: Annotated[bool, typer.Option("--pending", help="Only those waiting to be delivered.")] = False,
    failed: Annotated[bool, typer.Option("--failed", help="Only those that failed every try.")] = False,
    sent: Annotated[bool, typer.Option("--sent", help="Only those delivered.")] = False,
    limit: LimitOpt = 50,
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Notifications, newest first."""
    from deskctl import render
    from deskctl.services.notify.delivery import list_notifications

    out = output_format(fmt, as_json)
    chosen = [name for name, on in (("pending", pending), ("failed", failed), ("sent", sent)) if on]
    if len(chosen) > 1:
        raise InvalidInput(_("give at most one of --pending, --failed, --sent"))
    rows = state().read_call(list_notifications, status=chosen[0] if chosen else None, limit=limit)
    render.emit(rows, out, columns=_columns())


@app.command("show")
def show(notification_id: IdArg, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """One notification: where it goes, its tries, its last error and its payload."""
    from deskctl import render
    from deskctl.services.notify.delivery import show_notification

    out = output_format(fmt, as_json)
    view = state().read_call(show_notification, notification_id=notification_id)
    if out == "table":  # the payload is for programs: its keys here, all of it with --json
        view = {**view, "payload": ", ".join(view["payload"]) + " " + _("(see --json)")}
    render.emit(view, out)


@app.command("retry")
def retry(notification_id: IdArg, fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Put a failed notification back in the queue (same id; the next `notify run` sends it)."""
    from deskctl import render
    from deskctl.services.notify.delivery import retry_notification

    out = output_format(fmt, as_json)
    view = state().write_call(retry_notification, notification_id=notification_id)
    render.emit(view, out, title=_("notification {id} queued again").format(id=notification_id))


@app.command("test")
def test(
    name: Annotated[str, typer.Argument(help="Channel name.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Send a test message through a channel now, to yourself (exit 6 when it fails)."""
    from deskctl import render
    from deskctl.services.notify.delivery import test_channel

    out = output_format(fmt, as_json)
    view = state().read_call(test_channel, name=name)
    if out == "table":
        render.message(_("sent a test message through {name} (id {id})").format(name=name, id=view["id"]))
    else:
        render.emit(view, out)


# --- channels -----------------------------------------------------------------------------------


def _channel_columns() -> list[Col]:
    from deskctl.render import Col

    return [Col("name", style="bold"), Col("kind"), Col("target"), Col("secret"), Col("created_at", "created")]


@channel_app.command("add")
def channel_add(
    name: Annotated[str, typer.Argument(help="Channel name, e.g. ops-robot.")],
    kind: Annotated[str, typer.Option("--kind", help="email, webhook, wecom, dingtalk, feishu or exec.")],
    target: Annotated[
        str, typer.Option("--target", help="URL, SMTP URL (smtp[s]://USER@HOST:PORT?from=A) or command.")
    ],
    secret: Annotated[str, typer.Option("--secret", help="VALUE, env:VAR or file:PATH (never printed back).")] = "",
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Add a channel (supervisor only)."""
    from deskctl import render
    from deskctl.services.notify.channels import add_channel

    out = output_format(fmt, as_json)
    view = state().write_call(add_channel, name=name, kind=kind, target=target, secret=secret)
    render.emit(view, out, title=_("added channel {name}").format(name=view["name"]))


@channel_app.command("list")
def channel_list(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """Channels (a literal secret shows as `(set)`)."""
    from deskctl import render
    from deskctl.services.notify.channels import list_channels

    out = output_format(fmt, as_json)
    render.emit(state().read_call(list_channels), out, columns=_channel_columns())


@channel_app.command("remove")
def channel_remove(
    name: Annotated[str, typer.Argument(help="Channel name.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Remove a channel with its rules and notifications (supervisor only)."""
    from deskctl import render
    from deskctl.services.notify.channels import remove_channel

    out = output_format(fmt, as_json)
    view = state().write_call(remove_channel, name=name)
    render.emit(view, out, title=_("removed channel {name}").format(name=name))


# --- rules --------------------------------------------------------------------------------------


def _rule_columns() -> list[Col]:
    from deskctl.render import Col

    return [Col("id", justify="right"), Col("event"), Col("to"), Col("via"), Col("default")]


@rule_app.command("add")
def rule_add(
    event: Annotated[str, typer.Option("--event", help="Event, e.g. ticket.assigned (see `notify rule list`).")],
    to: Annotated[str, typer.Option("--to", help="assignee, on-duty, supervisor, owner, person, officers, "
                                                 "none, or a staff handle.")],
    via: Annotated[str, typer.Option("--via", help="Channel name.")],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Send an event to someone through a channel; the event's defaults then no longer apply."""
    from deskctl import render
    from deskctl.services.notify.channels import add_rule

    out = output_format(fmt, as_json)
    view = state().write_call(add_rule, event=event, to=to, via=via)
    render.emit(view, out, title=_("added rule {id}").format(id=view["id"]))


@rule_app.command("list")
def rule_list(fmt: FormatOpt = "table", as_json: JsonOpt = False) -> None:
    """The rules in force: yours, and the defaults of events you have no rule for."""
    from deskctl import render
    from deskctl.services.notify.channels import list_rules

    out = output_format(fmt, as_json)
    render.emit(state().read_call(list_rules), out, columns=_rule_columns())


@rule_app.command("remove")
def rule_remove(
    rule_id: Annotated[int, typer.Argument(help="Rule id.", parser=id_number)],
    fmt: FormatOpt = "table",
    as_json: JsonOpt = False,
) -> None:
    """Remove a rule (supervisor only)."""
    from deskctl import render
    from deskctl.services.notify.channels import remove_rule

    out = output_format(fmt, as_json)
    view = state().write_call(remove_rule, rule_id=rule_id)
    render.emit(view, out, title=_("removed rule {id}").format(id=rule_id))
