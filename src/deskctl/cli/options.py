"""Shared options, as Annotated types, so every command spells them the same way."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from deskctl.domain.limits import ID_MAX
from deskctl.errors import InvalidInput, quote
from deskctl.i18n import _


def id_number(value: str | int) -> int:
    """A whole number from 1 up to the largest integer the database holds (ids, counts, limits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise typer.BadParameter(_("{value} is not a whole number").format(value=quote(value))) from None
    if number > ID_MAX:
        raise typer.BadParameter(_("the number is too large: {value} (at most {largest})").format(
            value=quote(value), largest=ID_MAX))
    if number < 1:
        raise typer.BadParameter(_("{value} is below 1").format(value=quote(value)))
    return number


def command_group(help: str) -> typer.Typer:
    """A `deskctl GROUP …` sub-app: help on no arguments (one line a command), completion only at the root."""
    from deskctl.cli.helpfmt import group

    return group(help)


FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table, json, jsonl or csv.",
        case_sensitive=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]


def _wide(value: bool) -> bool:
    if value:
        from deskctl import render

        render.set_wide(True)
    return value


WideOpt = Annotated[
    bool,
    typer.Option("--wide", help="On a terminal, show every column (narrow screens hide the least important).",
                 callback=_wide),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="today, yesterday, week, month, YYYY-MM, YYYY-Www or YYYY-Qn.",
    ),
]
FromOpt = Annotated[str | None, typer.Option("--from", help="Start (date or time, desk zone).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="End (date or time, desk zone; a date includes that day).")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only from this time on (e.g. 7d ago).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Only up to this time (a date: to the end of that day).")]
LimitOpt = Annotated[int, typer.Option("--limit", "-n", help="At most this many rows.", parser=id_number)]


def output_format(fmt: str, as_json: bool, *, documents: bool = False) -> str:
    """The chosen format; `documents` (reports) also accept `md` (or `markdown`)."""
    from deskctl.render import DOC_FORMATS, FORMATS

    if as_json:
        return "json"
    allowed = DOC_FORMATS if documents else FORMATS
    value = (fmt or "table").lower()
    if documents and value == "markdown":
        value = "md"
    if value not in allowed:
        raise InvalidInput(_("unknown format {value} (use one of {formats})").format(
            value=quote(fmt), formats=", ".join(allowed)))
    return value


def interactive() -> bool:
    """Prompts only when stdin is a terminal: cron and pipes never hang."""
    return sys.stdin.isatty()


def ask(label: str, value: str | None, *, required: bool = True, option: str | None = None) -> str | None:
    """Return `value`, or prompt for it on a terminal; refuse clearly when it cannot be asked
    (stdin not a terminal: cron and pipes never hang on a prompt). Prompts go to stderr: stdout
    carries only the data (`--json` stays parseable)."""
    if value is not None and value.strip():
        return value
    if interactive():
        answer: str = typer.prompt(label, default="" if not required else None, show_default=False, err=True)
        if answer.strip() or not required:
            return answer
    if required:
        name = option or "--" + label.lower().replace(" ", "-")
        where = _("pass it as an option") if name.startswith("-") else _("give it on the command line")
        raise InvalidInput(_("missing {name}: {where} (no terminal to ask on)").format(name=name, where=where))
    return value


def ask_choice(label: str, choices: tuple[str, ...], default: str) -> str:
    """One of `choices`, asked on a terminal with the choices and the default shown (in Chinese
    by their names, `高/中/低`); the English value and its name are both accepted."""
    from deskctl.i18n import value_name

    names = {value_name(c): c for c in choices}
    accepted = {**{n.lower(): c for n, c in names.items()}, **{c: c for c in choices}}
    while True:
        answer = str(typer.prompt(f"{label} ({'/'.join(names)})", default=value_name(default), err=True))
        chosen = accepted.get(answer.strip().lower())
        if chosen is not None:
            return chosen
        typer.echo(_("choose one of {choices}").format(choices=_(", ").join(names)), err=True)


# y/n answers, in either language (Click's confirm knows only y/yes/n/no)
YES = ("y", "yes", "是", "是的", "好", "对")
NO = ("n", "no", "否", "不", "不是")


def confirm(text: str, *, default: bool = True, err: bool = True) -> bool:
    """A y/n question on a terminal: `Open it? [Y/n]:`, in Chinese `要开单吗？[是/否，默认 是]:`.
    Accepts y/yes/n/no and 是/否 in either language; Enter takes the default; Ctrl-D aborts
    (as Click's confirm)."""
    hint = _("[Y/n]") if default else _("[y/N]")
    while True:
        answer = str(typer.prompt(f"{text} {hint}", default="", show_default=False, err=err)).strip().lower()
        if not answer:
            return default
        if answer in YES:
            return True
        if answer in NO:
            return False
        typer.echo(_("answer y or n"), err=err)
