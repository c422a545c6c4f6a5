"""How `--help` reads (docs/design.md §13): usage lines name arguments in capitals (`TITLE`,
`HANDLE`, `ID`), flags carry no metavar, values are words (`TEXT`, `INTEGER`, `TEXT…` for a
repeatable option), and a command group's help is one line per command, so every group fits
a 24-row terminal.

Typer (≥ 0.26, its own vendored Click) shows `{ticket_id}`, `<bool>` and `<list[str]>`; the
three display methods are replaced here, once, when the CLI is imported. Light: no Rich import.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
import typer.core
from typer import _click as click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from deskctl import i18n
from deskctl.i18n import N_

WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH", "path": "PATH", "bool": ""}


def _argument_name(self: TyperArgument) -> str:
    return self.metavar or (self.name or "").upper()


def _usage_display_name(self: TyperArgument) -> str:
    name = _argument_name(self)
    if not self.required:
        name = f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


def _rich_display_name(self: TyperArgument) -> str:
    return _argument_name(self) + ("..." if self.nargs != 1 else "")


def _argument_type(self: TyperArgument, ctx: click.Context) -> str | None:
    return None  # the name already says it: TITLE, HANDLE, ID


def _option_type(self: TyperOption, ctx: click.Context) -> str | None:
    if self.is_flag or self.count:
        return None
    if self.metavar:
        return self.metavar
    shown = str(TyperOption.display_type(self, ctx)).strip("<>")
    repeatable = shown.startswith("list[") and shown.endswith("]")
    if repeatable:
        shown = shown[5:-1]
    if "|" not in shown:
        shown = WORDS.get(shown, shown.upper())
    return f"{shown}…" if repeatable else shown


TyperArgument._usage_display_name = _usage_display_name  # type: ignore[method-assign]
TyperArgument._rich_display_name = _rich_display_name  # type: ignore[method-assign]
TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign, assignment]
TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]


# --- help in the person's language (docs/i18n.md) ------------------------------------------
# Typer reads docstrings and `help=` once, at import, in English; they are the msgids. While a
# help screen is built, the help of the command, its parameters and its subcommands is swapped
# for the translation, and put back after (one process may show help in both languages: tests).
# Typer's own strings: typer.core's `_` (gettext's, domain `messages`) is pointed at deskctl's
# catalog; rich_utils' panel titles (constants made at its import) are swapped like the help.

HELP_OPTION = N_("Show this message and exit.")
_RICH_CONSTANTS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
}
typer.core._ = i18n._  # type: ignore[attr-defined]  # "default: {default}", "required", "Missing command."


def _swap(obj: Any, attr: str, saved: list[tuple[Any, str, Any]]) -> None:
    value = getattr(obj, attr, None)
    if isinstance(value, str) and value:
        saved.append((obj, attr, value))
        setattr(obj, attr, i18n._(value))


@contextmanager
def localized(command: click.Command, ctx: click.Context, *, rich: bool = True) -> Iterator[None]:
    """The help of `command` (and of what it lists) in the current language, for one screen."""
    if not i18n.is_chinese():
        yield
        return
    saved: list[tuple[Any, str, Any]] = []
    try:
        for attr in ("help", "short_help", "epilog"):
            _swap(command, attr, saved)
        for param in command.get_params(ctx):
            _swap(param, "help", saved)
        for sub in getattr(command, "commands", {}).values():
            for attr in ("help", "short_help"):
                _swap(sub, attr, saved)
        if rich:  # Typer's help screens (which import Rich anyway); the compact help has none
            _localize_rich(saved)
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


def _localize_rich(saved: list[tuple[Any, str, Any]]) -> None:
    from typer import rich_utils

    for name, msgid in _RICH_CONSTANTS.items():
        saved.append((rich_utils, name, getattr(rich_utils, name)))
        setattr(rich_utils, name, i18n._(msgid))
    saved.append((rich_utils, "_get_parameter_help", rich_utils._get_parameter_help))
    rich_utils._get_parameter_help = _folding(rich_utils._get_parameter_help)


def _folding(original: Callable[..., Any]) -> Callable[..., Any]:
    """Option help that folds: a Chinese sentence has no spaces to wrap at, and Rich would cut
    it with `…` where English wraps."""

    def parameter_help(**kwargs: Any) -> Any:
        columns = original(**kwargs)
        for item in getattr(columns, "renderables", []):
            if hasattr(item, "overflow"):
                item.overflow = "fold"
        return columns

    return parameter_help


def _localized_format_help(original: Callable[..., None]) -> Callable[..., None]:
    def format_help(self: click.Command, ctx: click.Context, formatter: Any) -> None:
        with localized(self, ctx):
            original(self, ctx, formatter)

    format_help.__doc__ = original.__doc__
    return format_help


TyperCommand.format_help = _localized_format_help(TyperCommand.format_help)  # type: ignore[method-assign]
TyperGroup.format_help = _localized_format_help(TyperGroup.format_help)  # type: ignore[method-assign]
_write_usage = click.HelpFormatter.write_usage


def _translated_usage(self: click.HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
    _write_usage(self, prog, args, i18n._("Usage: ") if prefix is None else prefix)


click.HelpFormatter.write_usage = _translated_usage  # type: ignore[method-assign]


def cells(text: str) -> int:
    """Terminal cells `text` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    if cells(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        used += cells(ch)
        if used > width - 1:
            break
        out.append(ch)
    return "".join(out).rstrip() + "…"


class CompactGroup(TyperGroup):
    """A command group whose help is the usage, its one line, and one line per command."""

    def format_help(self, ctx: click.Context, formatter: Any) -> None:
        with localized(self, ctx, rich=False):
            self._format_compact(ctx, formatter)

    def _format_compact(self, ctx: click.Context, formatter: Any) -> None:
        width = _width()
        lines = [i18n._("Usage: ") + f"{ctx.command_path} COMMAND [ARGS]...", ""]
        lines += _wrap((self.help or "").strip().splitlines()[0] if self.help else "", width) + [""]
        names = self.list_commands(ctx)
        pad = max((len(n) for n in names), default=0) + 2
        for name in names:
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.get_short_help_str(limit=10_000)
            lines.append(_clip(f"  {name.ljust(pad)}{text}", width))
        hint = i18n._("`{command} COMMAND --help` for a command's options.").format(command=ctx.command_path)
        lines += ["", hint] if len(lines) + 2 <= 24 else [hint]  # a 24-row screen, as long as it can
        formatter.write("\n".join(lines) + "\n")


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells: at spaces, and anywhere between CJK characters."""
    if cells(text) == len(text):
        import textwrap

        return textwrap.wrap(text, width)
    lines, line = [], ""
    for ch in text:
        if cells(line + ch) > width:
            lines.append(line.rstrip())
            line = ch.lstrip()
        else:
            line += ch
    return [*lines, line] if line else lines


def _width() -> int:
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isdigit() and int(raw) >= 20:
        return int(raw)
    try:
        return max(os.get_terminal_size().columns, 20)
    except OSError:
        return 80


def group(help: str) -> typer.Typer:
    """A `deskctl GROUP …` sub-app with the compact help."""
    return typer.Typer(help=help, no_args_is_help=True, add_completion=False, cls=CompactGroup)
