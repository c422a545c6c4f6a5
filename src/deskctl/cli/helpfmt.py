"""How `--help` reads (docs/design.md §13): usage lines name arguments in capitals (`TITLE`,
`HANDLE`, `ID`), flags carry no metavar, values are words (`TEXT`, `INTEGER`, `TEXT…` for a
repeatable option), and a command group's help is one line per command, so every group fits
a 24-row terminal.

Typer (≥ 0.26, its own vendored Click) shows `{ticket_id}`, `<bool>` and `<list[str]>`; the
three display methods are replaced here, once, when the CLI is imported. Light: no Rich import.
"""

from __future__ import annotations

import os
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperArgument, TyperGroup, TyperOption

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


class CompactGroup(TyperGroup):
    """A command group whose help is the usage, its one line, and one line per command."""

    def format_help(self, ctx: click.Context, formatter: Any) -> None:
        width = _width()
        import textwrap

        lines = [f"Usage: {ctx.command_path} COMMAND [ARGS]...", ""]
        lines += textwrap.wrap((self.help or "").strip().splitlines()[0] if self.help else "", width) + [""]
        names = self.list_commands(ctx)
        pad = max((len(n) for n in names), default=0) + 2
        for name in names:
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            text = command.get_short_help_str(limit=10_000)
            line = f"  {name.ljust(pad)}{text}"
            if len(line) > width:
                line = line[: width - 1].rstrip() + "…"
            lines.append(line)
        hint = f"`{ctx.command_path} COMMAND --help` for a command's options."
        lines += ["", hint] if len(lines) + 2 <= 24 else [hint]  # a 24-row screen, as long as it can
        formatter.write("\n".join(lines) + "\n")


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
