"""The floor for `deskctl --help`: a bare Typer app with deskctl's command groups and help.

    python bench/floor_app.py --sync     # (imports deskctl) write bench/out/floor_spec.json
    python bench/floor_app.py --help     # what the runner times

`--sync` walks the real app (top-level commands and groups, each with its help, and the root
help) and writes the spec; the timed run reads that JSON and builds the same screen with
nothing else: no deskctl code, no database, no config. The root's global options are the
same names as deskctl's, so the two help screens are the same size.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

SPEC = Path(__file__).resolve().parent / "out" / "floor_spec.json"


def write_spec(path: Path = SPEC) -> dict:
    """Read the live deskctl app and record its command groups (run once, before timing)."""
    from deskctl.cli import app as desk_app

    root = typer.main.get_command(desk_app).load_all()
    spec = {"help": root.help or "", "options": [], "commands": [], "groups": []}
    for param in root.params:
        if param.name in ("install_completion", "show_completion", "help"):
            continue
        spec["options"].append([param.name, list(param.opts), getattr(param, "help", "") or "",
                                bool(getattr(param, "is_flag", False))])
    for name, cmd in root.commands.items():  # in the order deskctl lists them
        kind = "groups" if hasattr(cmd, "commands") else "commands"
        spec[kind].append([name, cmd.help or ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return spec


def _noop() -> None:
    pass


def build(spec: dict) -> typer.Typer:
    app = typer.Typer(
        name="deskctl",
        help=spec["help"],
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    def root(**_options) -> None:
        pass

    # The root's global options, with deskctl's names and help, built from the spec.
    params, annotations = [], {}
    for name, opts, help_text, is_flag in spec["options"]:
        kind = bool if is_flag else str | None
        annotations[name] = Annotated[kind, typer.Option(*opts, help=help_text)]
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                        default=False if is_flag else None, annotation=annotations[name]))
    root.__signature__ = inspect.Signature(params)
    root.__annotations__ = annotations
    root.__doc__ = spec["help"]
    app.callback()(root)
    for name, help_text in spec["commands"]:
        app.command(name, help=help_text)(_noop)
    for name, help_text in spec["groups"]:
        sub = typer.Typer(help=help_text, no_args_is_help=True)
        sub.command("noop", help="placeholder", hidden=True)(_noop)
        app.add_typer(sub, name=name, help=help_text)
    return app


def main() -> None:
    if sys.argv[1:] == ["--sync"]:
        spec = write_spec()
        print(f"wrote {SPEC}: {len(spec['commands'])} commands, {len(spec['groups'])} groups")
        return
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    build(spec)(prog_name="deskctl")


if __name__ == "__main__":
    main()
