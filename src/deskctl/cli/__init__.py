"""The root app: global options, the one error boundary, main().

Command modules import only typer and deskctl's light modules at their top; services, the
store and Rich are imported inside command bodies so `deskctl --help` stays fast.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated

import typer
from typer import _click as click

from deskctl import __version__
from deskctl.cli import admin, improve, inspections, reports, shifts, staff, tickets, training
from deskctl.cli.state import AppState, set_state
from deskctl.errors import DeskError, ExitCode

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
    """Root group whose `main` is the one error boundary (SPEC §7 exit codes)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from deskctl import render

        code: int = ExitCode.OK
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or "deskctl",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = rv if isinstance(rv, int) else ExitCode.OK
        except DeskError as exc:
            if _debug:
                raise
            render.error_line(exc.message)
            code = exc.exit_code
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            code = ExitCode.USAGE
        except click.exceptions.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see `{exc.ctx.command_path} --help`)"
            render.error_line(f"{exc.format_message()}{hint}")
            code = ExitCode.USAGE
        except click.exceptions.ClickException as exc:
            render.error_line(exc.format_message())
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt):
            sys.stderr.write("\ndeskctl: interrupted\n")
            code = ExitCode.INTERRUPTED
        except BrokenPipeError:
            _silence_stdout()
            code = ExitCode.BROKEN_PIPE
        except SystemExit:
            # Typer turns EPIPE into sys.exit(1) after wrapping stdout in click's
            # PacifyFlushWrapper; a closed pipe is 141 here, as a shell would say.
            if type(sys.stdout).__name__ == "PacifyFlushWrapper":
                _silence_stdout()
                code = ExitCode.BROKEN_PIPE
            else:
                raise
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _silence_stdout()
                code = ExitCode.BROKEN_PIPE
            elif _debug:
                raise
            else:
                render.error_line(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
                code = ExitCode.STORAGE
        except Exception as exc:
            if _debug:
                raise
            if _is_storage_error(exc):
                detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                render.error_line(f"storage error: {detail}")
                code = ExitCode.STORAGE
            else:
                render.error_line(
                    f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
                )
                code = ExitCode.INTERNAL
        finally:
            _close_state()
        if standalone_mode:
            try:
                sys.stdout.flush()
            except (BrokenPipeError, OSError):
                _silence_stdout()
                code = ExitCode.BROKEN_PIPE
            sys.exit(code)
        return code


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
    _debug = debug
    _state = AppState(db_option=db, as_option=as_, tz_option=tz, debug=debug)
    set_state(_state)
    from deskctl import render

    if tz:
        from deskctl.timeparse import get_zone

        get_zone(tz)
    render.set_zone(lambda: _state.tz)


admin.register(app)
app.add_typer(staff.app, name="staff")
app.add_typer(tickets.app, name="ticket")
app.add_typer(shifts.app, name="shift")
app.add_typer(inspections.app, name="inspect")
app.add_typer(training.app, name="train")
app.add_typer(improve.review_app, name="review")
app.add_typer(improve.app, name="improve")
app.add_typer(reports.app, name="report")


def main() -> None:
    app()
