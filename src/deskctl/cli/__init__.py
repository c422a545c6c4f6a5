"""The root app: global options, the one error boundary, main().

Command modules import only typer and deskctl's light modules at their top; services, the
store and Rich are imported inside command bodies so `deskctl --help` stays fast.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer import _click as click

from deskctl import __version__, i18n
from deskctl.cli import admin, helpfmt, identity  # noqa: F401  (helpfmt: how --help reads)
from deskctl.cli.state import AppState, set_state
from deskctl.errors import DeskError, ExitCode, Interrupted, OutputFailed, Terminated, quote

if TYPE_CHECKING:
    from typer._click.shell_completion import CompletionItem

# Command groups built only when used: a run of `deskctl ticket list` builds the ticket group
# alone, and the root help lists them from here. The help is each group's first line (a test
# keeps the two equal).
LAZY_GROUPS: dict[str, tuple[str, str, str]] = {
    "staff": ("deskctl.cli.staff", "app", "Staff: supervisors, duty officers and technicians."),
    "ticket": ("deskctl.cli.tickets", "app", "Tickets: open, dispatch tier by tier, resolve, confirm."),
    "shift": ("deskctl.cli.shifts", "app",
              "Duty rota: shift types, planning, on duty now, swaps, gaps, attendance, handover."),
    "inspect": ("deskctl.cli.inspections", "app", "Periodic inspections: plans, what is due, runs and findings."),
    "train": ("deskctl.cli.training", "app", "Training records and who is overdue."),
    "review": ("deskctl.cli.reviews", "app", "Supervisor reviews."),
    "improve": ("deskctl.cli.improvements", "app", "Improvement actions: problems, actions, owners, outcomes."),
    "report": ("deskctl.cli.reports", "app", "Reports and performance assessment."),
    "notify": ("deskctl.cli.notify", "app", "Notifications: deliver the outbox, channels, who hears what."),
}

_debug = False


def _is_storage_error(exc: BaseException) -> bool:
    import sqlite3

    if isinstance(exc, sqlite3.Error):
        return True
    module = type(exc).__module__ or ""
    return module.startswith("sqlalchemy") and type(exc).__name__ in (
        "OperationalError",
        "DatabaseError",
        "InterfaceError",
    )


class DeskGroup(typer.core.TyperGroup):
    """Root group: the one error boundary (docs/design.md §7 exit codes), and lazy command groups."""

    _listing = False  # while help or completion lists the commands, lazy groups stay unbuilt

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in LAZY_GROUPS if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None or cmd_name not in LAZY_GROUPS:
            return cmd
        if self._listing:
            return typer.core.TyperGroup(name=cmd_name, help=i18n._(LAZY_GROUPS[cmd_name][2]))
        return self.load(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as exc:
            # Typer's "Did you mean" reads only the groups built so far; offer every name.
            if args and args[0] not in self.list_commands(ctx):
                import difflib

                message = exc.message.split(" Did you mean")[0].rstrip(".")
                close = difflib.get_close_matches(args[0], self.list_commands(ctx))
                exc.message = f"{message}. Did you mean {', '.join(map(repr, close))}?" if close else f"{message}."
            raise

    def load(self, name: str) -> click.Command:
        """Build one lazy group (its module imported now) and keep it."""
        module, attr, _help = LAZY_GROUPS[name]
        # __import__ rather than importlib.import_module: the same import, but one that
        # `python -X importtime` reports (the fast-start tests read it).
        group = typer.main.get_command(getattr(__import__(module, fromlist=[attr]), attr))
        group.name = name
        self.add_command(group, name)
        return group

    def load_all(self) -> DeskGroup:
        """Every group built, as the docs generator and the tests walk them."""
        for name in LAZY_GROUPS:
            if name not in self.commands:
                self.load(name)
        return self

    def invoke(self, ctx: click.Context) -> Any:
        # Typer turns a KeyboardInterrupt into a silent Exit(130); raise it past Typer instead
        # (the transaction has rolled back on its way here) so that `main` says so.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise Interrupted() from exc

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except KeyboardInterrupt as exc:
            raise Interrupted() from exc

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        self._listing = True
        try:
            return super().shell_complete(ctx, incomplete)
        finally:
            self._listing = False

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> int:
        from deskctl import render

        code: int = ExitCode.OK
        # The language is bound before Click builds a single string (help, usage errors).
        argv = list(sys.argv[1:] if args is None else args)
        language = i18n.language()
        i18n.set_language(i18n.choose(i18n.lang_option(argv)))
        previous = _catch_termination()
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or "deskctl",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = rv if isinstance(rv, int) else ExitCode.OK
        except OutputFailed as exc:
            if _debug:
                raise
            _silence_stdout()
            _output_failed(exc.message)
            code = exc.exit_code
        except DeskError as exc:
            if _debug:
                raise
            render.error_line(exc.message)
            code = exc.exit_code
        except click.exceptions.NoArgsIsHelpError as exc:
            try:  # a group's compact help (cli/helpfmt.py) is plain text, echoed here
                click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
                code = ExitCode.USAGE
            except BrokenPipeError:
                _silence_stdout()
                code = ExitCode.BROKEN_PIPE
        except click.exceptions.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = i18n._(" (see `{command} --help`)").format(command=exc.ctx.command_path)
            render.error_line(f"{i18n.click_message(exc.format_message())}{hint}")
            code = ExitCode.USAGE
        except click.exceptions.ClickException as exc:
            render.error_line(i18n.click_message(exc.format_message()))
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt, Interrupted):
            from deskctl.launch import interrupted

            interrupted()
            if _committed():  # Ctrl-C while a committed write was showing its result
                render.note_line(i18n._("{changes} (committed before the interrupt)").format(changes=_committed()))
            code = ExitCode.INTERRUPTED
        except Terminated as exc:
            sys.stderr.write("deskctl: " + i18n._("terminated by {signal}").format(
                signal=signal.Signals(exc.signum).name) + "\n")
            code = 128 + exc.signum
        except BrokenPipeError:
            _silence_stdout()
            _closed_pipe_after_commit()
            code = ExitCode.BROKEN_PIPE
        except SystemExit as exc:
            # A closed stdout, turned into exit(1) by Typer (EPIPE: stdout wrapped in click's
            # PacifyFlushWrapper) or by the Rich console Typer prints help with (raised while
            # handling BrokenPipeError): 141 here, as a shell would say.
            if type(sys.stdout).__name__ == "PacifyFlushWrapper" or isinstance(
                exc.__context__, BrokenPipeError
            ):
                _silence_stdout()
                _closed_pipe_after_commit()
                code = ExitCode.BROKEN_PIPE
            else:
                raise
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _silence_stdout()
                _closed_pipe_after_commit()
                code = ExitCode.BROKEN_PIPE
            elif _debug:
                raise
            elif _committed():  # the output of a committed write failed (click.echo, Rich)
                _silence_stdout()
                _output_failed(i18n._("output failed: {reason}").format(reason=exc.strerror or exc))
                code = ExitCode.STORAGE
            else:
                render.error_line(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
                code = ExitCode.STORAGE
        except Exception as exc:
            if _debug:
                raise
            if _is_storage_error(exc):
                detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                render.error_line(i18n._("storage error: {detail}").format(detail=detail))
                code = ExitCode.STORAGE
            else:
                render.error_line(i18n._("internal error: {name}: {detail} (run with --debug for details)").format(
                    name=type(exc).__name__, detail=exc))
                code = ExitCode.INTERNAL
        finally:
            _close_state()
            _restore_handlers(previous)
            i18n.set_language(language)  # one process may run many commands (tests), each its own
        if standalone_mode:
            try:
                sys.stdout.flush()
            except OSError as exc:
                _silence_stdout()
                if exc.errno == errno.EPIPE:
                    _closed_pipe_after_commit()
                    code = ExitCode.BROKEN_PIPE
                elif code == ExitCode.OK:
                    _output_failed(i18n._("output failed: {reason}").format(reason=exc.strerror or exc))
                    code = ExitCode.STORAGE
            sys.exit(code)
        return code


def _committed() -> str:
    """What this run's write transactions committed, in brief (empty if nothing)."""
    return "; ".join(_state.committed) if _state is not None else ""


def _output_failed(reason: str) -> None:
    """The output is lost: say so on stderr, and name what was committed before it, so that
    nobody retries a write that is done (docs/design.md §7)."""
    from deskctl import render

    done = _committed()
    if done:
        render.note_line(f"{done}; {reason}")
    else:
        render.error_line(reason)


def _closed_pipe_after_commit() -> None:
    """A closed pipe is silent (exit 141) unless a write was committed: then stderr names it."""
    if _committed():
        _output_failed(i18n._("output not read (closed pipe)"))


_TERMINATING = (signal.SIGTERM, signal.SIGHUP)


def _raise_terminated(signum: int, _frame: FrameType | None) -> NoReturn:
    raise Terminated(signum)


def _catch_termination() -> dict[int, Any]:
    """SIGTERM and SIGHUP raise Terminated, so that cleanup runs as it does for Ctrl-C (a part
    file of a backup or restore is removed, a transaction rolled back) before the exit."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for signum in _TERMINATING:
        try:
            previous[signum] = signal.signal(signum, _raise_terminated)
        except (ValueError, OSError):
            pass
    return previous


def _restore_handlers(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        try:
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        except (ValueError, OSError):
            pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


_state: AppState | None = None


def _close_state() -> None:
    if _state is not None:
        _state.close()


app = typer.Typer(
    cls=DeskGroup,
    name="deskctl",
    help="deskctl — the command-line tool of a 24-hour IT operations service desk.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deskctl {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    db: Annotated[
        str | None, typer.Option("--db", help="Database file (default: $DESKCTL_DB, config, XDG).")
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option("--as", help="Act as this staff handle (default: $DESKCTL_USER, config, login)."),
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Desk time zone for this run (IANA name).")] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of this run: zh-CN or en (default: config, LANG).", metavar="zh-CN|en"),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """deskctl — the command-line tool of a 24-hour IT operations service desk.

    Times are read and shown in the desk time zone; set DESKCTL_NOW to freeze the clock.
    """
    global _debug, _state
    if lang is not None and i18n.normalize(lang) is None:
        raise typer.BadParameter(i18n._("{value} is not a language: zh-CN or en").format(value=quote(lang)),
                                 param_hint="'--lang'")
    _debug = debug
    _state = AppState(db_option=db, as_option=as_, tz_option=tz, debug=debug)
    set_state(_state)
    from deskctl import render

    if tz:
        from deskctl.timeparse import get_zone

        get_zone(tz)
    render.set_zone(lambda: _state.tz)
    render.set_now(lambda: _state.clock.now())
    render.set_wide(False)  # a command's --wide sets it again (one process may run many commands: tests)


admin.register(app)
identity.register(app)


def main() -> None:
    import logging

    # SQLAlchemy logs "Error closing cursor" with a traceback when a Ctrl-C lands inside a fetch
    # and the cursor then fails to close; the exception itself reaches the error boundary, which
    # says `deskctl: interrupted`. Nothing of the library's logging goes to the user's terminal.
    logging.getLogger("sqlalchemy").addHandler(logging.NullHandler())
    app()
