"""Every message a person reads is marked for translation (docs/i18n.md).

The catalog test (test_i18n.py) sees only what is marked; this one finds what is not: a string
literal given straight to an error class, to warn/note/echo/prompt/confirm/print, or as a
`title=`/`label=`/`prompt=` keyword, that is not wrapped in `_()`/`N_()`. Messages that only a
programming error can show (no user input reaches them) are listed in INTERNAL with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "deskctl"

ERRORS = {"DeskError", "InvalidInput", "NotFound", "Conflict", "PermissionDenied", "OutputFailed",
          "StorageError", "ConfigError", "ValueError", "TypeError", "RuntimeError", "AttributeError"}
CALLS = {"warn", "note_line", "note", "echo", "secho", "confirm", "prompt", "print", "BadParameter"}
KEYWORDS = {"title", "label", "caption", "prompt", "footer"}

# (file, start of the message): shown only when the program itself is wrong
INTERNAL = {
    ("cli/__init__.py", "deskctl "),  # `--version`: the program's name and version number
    ("cli/state.py", "internal: no application state"),
    ("domain/periods.py", "unknown bucket"),  # callers pass a validated --by
    ("domain/sla.py", "the SLA calendar has no business hours"),  # config validation refuses such calendars first
    ("render.py", "cannot serialise"),
    ("render.py", "md output needs a document"),
    ("render.py", "cannot stream"),
    ("services/notify/outbox.py", "cannot serialise"),
    ("services/reports/common.py", "cannot serialise"),
    ("store/tables/__init__.py", "module "),  # module __getattr__
    ("store/types.py", "naive datetime given to a UTC column"),
}
DATA = ("services/demo/",)  # the demo desk's own records, written as data in Chinese


def _text(node: ast.expr) -> str | None:
    """The literal text of a str constant or f-string (None when it is neither or has no words)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    elif isinstance(node, ast.BinOp):
        text = (_text(node.left) or "") + (_text(node.right) or "")
    else:
        return None
    return text if any(c.isalpha() for c in text) else None


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def unmarked(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        shown = list(node.args[:1]) if name in ERRORS or name in CALLS else []
        shown += [k.value for k in node.keywords if k.arg in KEYWORDS]
        for arg in shown:
            text = _text(arg)
            if text is not None:
                found.append((arg.lineno, text))
    return found


def test_every_shown_message_is_marked_for_translation():
    left = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in f"/{rel}" or rel.startswith(DATA):
            continue
        for line, text in unmarked(path):
            if not any(rel == f and text.startswith(start) for f, start in INTERNAL):
                left.append(f"src/deskctl/{rel}:{line}: {text[:80]!r}")
    assert left == [], "wrap these in _() and translate them (docs/i18n.md):\n" + "\n".join(left)


def test_the_check_finds_an_unmarked_message(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from deskctl.i18n import _\n"
        "def f(x):\n"
        "    raise NotFound(f'no ticket {x}')\n"
        "def g(x):\n"
        "    raise NotFound(_('no ticket {x}').format(x=x))\n"
        "def h():\n"
        "    warn('template removed')\n"
        "    render.card(rows, title=_('ticket'))\n"
        "    render.card(rows, title='ticket ' + str(1))\n",
        encoding="utf-8",
    )
    assert unmarked(sample) == [(3, "no ticket "), (7, "template removed"), (9, "ticket ")]
