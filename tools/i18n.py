"""The zh-CN catalog of deskctl (docs/i18n.md): extract → update → compile, with Babel.

    python tools/i18n.py extract   # write src/deskctl/locale/deskctl.pot
    python tools/i18n.py update    # merge the .pot into zh_CN/LC_MESSAGES/deskctl.po
    python tools/i18n.py compile   # write deskctl.mo next to the .po (committed, shipped)
    python tools/i18n.py all       # the three in order
    python tools/i18n.py missing   # list msgids with no translation (exit 1 when any)

Extraction takes two sources: the `_()`, `N_()` and `ngettext()` calls in src/deskctl (what
`pybabel extract -k N_ -k ngettext:1,2 src/deskctl` finds), and the help texts of every command
group, command and option read from the live app (docstrings and `help=`: Typer reads them at
import time and deskctl translates them when help is shown, cli/helpfmt.py).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "deskctl"
LOCALE = SRC / "locale"
POT = LOCALE / "deskctl.pot"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "deskctl.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "P_": ((1, "c"), 2)}


def help_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every help text the CLI shows."""
    sys.path.insert(0, str(ROOT / "src"))
    import typer

    from deskctl.cli import LAZY_GROUPS, app

    root = typer.main.get_command(app)
    for name, (_module, _attr, text) in LAZY_GROUPS.items():
        yield f"group {name}", text
    root.load_all()  # type: ignore[attr-defined]

    def walk(command: typer.core.click.Command, path: str) -> Iterator[tuple[str, str]]:
        for text in (command.help, command.short_help, getattr(command, "epilog", None)):
            if text:
                yield path, text
        for param in command.params:
            text = getattr(param, "help", None)
            if text:
                yield f"{path} {param.name}", text
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    yield from walk(root, "deskctl")


COL = re.compile(r'Col\(\s*"([a-z_0-9]+)"(?:\s*,\s*"([^"]*)")?')


def column_headers() -> Iterator[tuple[str, str]]:
    """(where, header) of every `render.Col("key", "header")` in the source: tables show the
    header (else the key with spaces) translated."""
    for path in sorted(SRC.rglob("*.py")):
        for m in COL.finditer(path.read_text(encoding="utf-8")):
            yield f"src/deskctl/{path.relative_to(SRC)}", m.group(2) or m.group(1).replace("_", " ")


def extract() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    catalog = Catalog(project="deskctl", version="0.1", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        catalog.add(message, None, [(f"src/deskctl/{filename}", lineno)], auto_comments=comments, context=context)
    for where, text in [*help_texts(), *column_headers()]:
        catalog.add(text, None, [(where, 0)])
    LOCALE.mkdir(parents=True, exist_ok=True)
    with POT.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=False, include_lineno=False)
    print(f"{POT.relative_to(ROOT)}: {len(catalog)} messages")


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    with POT.open("rb") as fh:
        template = read_po(fh)
    if PO.exists():
        with PO.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN")
    else:
        catalog = Catalog(locale="zh_CN", project="deskctl", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, ignore_obsolete=True, include_lineno=False)
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing())} without a translation")


def compiled(po: Path = PO) -> bytes:
    """The .mo the .po compiles to (tests compare it with the committed one)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_mo() -> None:
    MO.write_bytes(compiled())
    print(f"{MO.relative_to(ROOT)} written")


def missing() -> list[str]:
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["extract", "update", "compile", "all", "missing"])
    step = parser.parse_args(argv).step
    if step in ("extract", "all"):
        extract()
    if step in ("update", "all"):
        update()
    if step in ("compile", "all"):
        compile_mo()
    if step == "missing":
        gaps = missing()
        for text in gaps:
            print(repr(text))
        print(f"{len(gaps)} without a translation", file=sys.stderr)
        return 1 if gaps else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
