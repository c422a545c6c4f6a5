"""Write docs/cli.md from the live Typer app, so the command reference cannot drift.

    python tools/gen_cli_docs.py            # (re)write docs/cli.md
    python tools/gen_cli_docs.py --check    # exit 1 when docs/cli.md is stale
    python tools/gen_cli_docs.py --lint     # exit 1 when a command or option has no help
    python tools/gen_cli_docs.py --lang zh-CN [--check]   # docs/cli.zh.md, the help in Chinese

It walks the Click command tree (`typer.main.get_command(deskctl.cli.app)`) in the order
the commands are registered, and writes for each command its usage, its help and a table of
its arguments and options. The output depends only on the app: no terminal width, no
environment, no dates. tests/test_docs.py runs the check and the lint.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"
DOCS = {"en": DOC, "zh-CN": ROOT / "docs" / "cli.zh.md"}
# Options Typer adds itself; they have help but say nothing about deskctl.
AUTOMATIC = {"help", "install_completion", "show_completion"}

HEADER = """\
# deskctl command reference

Generated from the program by `python tools/gen_cli_docs.py`; do not edit by hand
(`tests/test_docs.py` fails when this file and the program disagree).
Every list, show and report also takes `--format table|json|jsonl|csv` and `--json`;
JSON shapes and exit codes are in [output.md](output.md).

Exit codes: 0 ok · 1 a check found something · 2 usage or invalid value · 3 not found ·
4 conflict or refused transition · 5 permission denied · 6 configuration or storage error ·
130 interrupted.
"""

HEADER_ZH = """\
# deskctl 命令参考（中文）

由 `python tools/gen_cli_docs.py --lang zh-CN` 从程序生成，请勿手工编辑
（`tests/test_docs.py` 在本文件与程序不一致时失败）。英文版：[cli.md](cli.md)；术语：[glossary.md](glossary.md)。
所有 list、show 和报表命令都接受 `--format table|json|jsonl|csv` 和 `--json`；
JSON 结构和退出码见 [output.md](output.md)（JSON 和 CSV 的键和值在任何语言下都是英文）。

退出码：0 正常 · 1 检查发现问题 · 2 用法错误或值无效 · 3 未找到 ·
4 冲突或不允许的状态转换 · 5 权限不足 · 6 配置或存储错误 · 130 已中断。
"""
# the words of the generated page itself, per language
WORDS = {
    "en": {"table": "| argument / option | type | default | description |", "commands": "| command | what it does |",
           "contents": "## Contents", "required": "required"},
    "zh-CN": {"table": "| 参数 / 选项 | 类型 | 默认 | 说明 |", "commands": "| 命令 | 作用 |",
              "contents": "## 目录", "required": "必填"},
}
_lang = "en"


def _tr(text: str) -> str:
    """`text` (a help text as the app holds it) in the page's language."""
    if _lang == "en" or not text:
        return text
    from deskctl import i18n

    return i18n._(text)


def root_command():
    import typer

    from deskctl.cli import app

    return typer.main.get_command(app).load_all()


def _is_group(cmd) -> bool:
    return hasattr(cmd, "commands")


def walk(cmd, path: tuple[str, ...] = ("deskctl",)) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every visible command with its path, parents before children, in registration order."""
    yield path, cmd
    if _is_group(cmd):
        for name, sub in cmd.commands.items():
            if not getattr(sub, "hidden", False):
                yield from walk(sub, (*path, name))


def _help(obj) -> str:
    return inspect.cleandoc(_tr(obj.help or "")).strip()


def _first_line(text: str) -> str:
    return text.split("\n\n")[0].replace("\n", " ").strip()


def _params(cmd, kind: str) -> list:
    out = []
    for p in cmd.params:
        if getattr(p, "hidden", False) or p.name in AUTOMATIC:
            continue
        if (kind == "argument") == (p.param_type_name == "argument"):
            out.append(p)
    return out


def _type_name(param) -> str:
    from deskctl.cli.options import id_number

    if getattr(param, "is_flag", False):
        return "flag"
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    text = getattr(annotation, "__name__", None) or str(annotation or "")
    names = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH", "bool": "BOOLEAN"}
    name = next((v for k, v in names.items() if k in text), "TEXT")
    lo, hi = getattr(param, "min", None), getattr(param, "max", None)
    info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
    if getattr(info, "parser", None) is id_number:
        lo = 1  # ids, counts and limits: 1 up to the largest integer the database holds
    if lo is not None and hi is not None:
        name += f" {lo}-{hi}"
    elif lo is not None:
        name += f" ≥ {lo}"
    elif hi is not None:
        name += f" ≤ {hi}"
    if getattr(param, "multiple", False) or "list[" in text:
        name += ", repeatable"
    return name


def _default(param) -> str:
    if param.required:
        return WORDS[_lang]["required"]
    value = param.default
    if value is None or value is False or value == "" or value == [] or callable(value):
        return ""
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _usage(path: tuple[str, ...], cmd) -> str:
    pieces = [" ".join(path), "[OPTIONS]"]
    for arg in _params(cmd, "argument"):
        name = arg.name.upper()
        if arg.nargs == -1:
            name += "..."
        pieces.append(name if arg.required else f"[{name}]")
    if _is_group(cmd):
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def section(path: tuple[str, ...], cmd) -> list[str]:
    depth = max(2, min(len(path), 4))
    lines = [f"{'#' * depth} `{' '.join(path)}`", ""]
    help_text = _help(cmd)
    if help_text:
        lines += [help_text, ""]
    lines += ["```", _usage(path, cmd), "```", ""]
    rows = []
    for arg in _params(cmd, "argument"):
        rows.append((f"`{arg.name.upper()}`", _type_name(arg), _default(arg), _tr(getattr(arg, "help", "") or "")))
    for opt in _params(cmd, "option"):
        names = ", ".join(f"`{o}`" for o in [*opt.opts, *opt.secondary_opts])
        rows.append((names, _type_name(opt), _default(opt), _tr(getattr(opt, "help", "") or "")))
    if rows:
        lines += [WORDS[_lang]["table"], "|---|---|---|---|"]
        lines += [f"| {_cell(a)} | {_cell(b)} | {_cell(c)} | {_cell(d)} |" for a, b, c, d in rows]
        lines.append("")
    if _is_group(cmd):
        subs = [(n, c) for n, c in cmd.commands.items() if not getattr(c, "hidden", False)]
        if subs:
            lines += [WORDS[_lang]["commands"], "|---|---|"]
            lines += [f"| `{' '.join((*path, n))}` | {_cell(_first_line(_help(c)))} |" for n, c in subs]
            lines.append("")
    return lines


def render(root=None, lang: str = "en") -> str:
    """The page in `lang` (en: docs/cli.md, zh-CN: docs/cli.zh.md)."""
    global _lang
    from deskctl import i18n

    root = root or root_command()
    _lang = lang
    i18n.set_language(lang)
    try:
        return _render(root)
    finally:
        _lang = "en"
        i18n.set_language("en")


def _render(root) -> str:
    lines = [HEADER if _lang == "en" else HEADER_ZH]
    contents = [WORDS[_lang]["contents"], ""]
    body: list[str] = []
    for path, cmd in walk(root):
        if len(path) == 2:
            contents.append(f"- [`{' '.join(path)}`](#{_anchor(path)}): {_first_line(_help(cmd))}")
        body += section(path, cmd)
    lines += contents + [""] + body
    return "\n".join(lines).rstrip() + "\n"


def _anchor(path: tuple[str, ...]) -> str:
    """GitHub's heading anchor for "`deskctl ticket`"."""
    return "-".join(path).lower()


def missing_help(root=None) -> list[str]:
    """Commands and options without help text, as 'deskctl ticket open: --foo'."""
    root = root or root_command()
    missing = []
    for path, cmd in walk(root):
        where = " ".join(path)
        if not _help(cmd):
            missing.append(f"{where}: the command itself")
        for p in cmd.params:
            if p.name in AUTOMATIC or getattr(p, "hidden", False):
                continue
            if not (getattr(p, "help", "") or "").strip():
                label = p.opts[0] if p.opts else p.name
                missing.append(f"{where}: {label}")
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    parser.add_argument("--lint", action="store_true", help="exit 1 when help text is missing")
    parser.add_argument("--output", type=Path, default=None, help="the file to write or check")
    parser.add_argument("--lang", choices=sorted(DOCS), default="en", help="en: docs/cli.md, zh-CN: docs/cli.zh.md")
    args = parser.parse_args(argv)
    args.output = args.output or DOCS[args.lang]
    if args.lint:
        missing = missing_help()
        for item in missing:
            print(f"no help text: {item}", file=sys.stderr)
        return 1 if missing else 0
    text = render(lang=args.lang)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale; run `python tools/gen_cli_docs.py --lang {args.lang}`", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
