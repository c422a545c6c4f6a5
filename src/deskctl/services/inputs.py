"""What people type or pipe in, checked in one place: free text, choices and JSON.

Every way input can be wrong is bad input (exit 2). One rule for every free-text field:
trimmed, no NUL character, at most `limits.text_max` characters (config) unless the field has
a shorter limit of its own (names, phone numbers).
"""

from __future__ import annotations

import json
from typing import Any

from deskctl.config import Config
from deskctl.errors import InvalidInput, quote
from deskctl.i18n import _

SHORT_TEXT = 200  # names, phone numbers, contacts: one line a person reads at a glance


def clean_text(
    value: str | None,
    field: str,
    config: Config,
    *,
    required: bool = False,
    one_line: bool = False,
    limit: int | None = None,
) -> str:
    """Trimmed text within its limit; no NUL characters; `one_line` refuses line breaks."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("{field} must not be empty").format(field=field))
    if "\x00" in text:
        raise InvalidInput(_("{field} contains a NUL character").format(field=field))
    if one_line and ("\n" in text or "\r" in text):
        raise InvalidInput(_("{field} must be one line").format(field=field))
    most = int(config.get("limits.text_max")) if limit is None else limit
    if len(text) > most:
        source = _("config limits.text_max") if limit is None else _("the field's limit")
        raise InvalidInput(_("{field} is {length} characters; the limit is {most} ({source})").format(
            field=field, length=len(text), most=most, source=source))
    return text


def choice(value: str | None, allowed: tuple[str, ...], option: str) -> str:
    """One of `allowed` (case-insensitive), else a usage error naming the accepted values."""
    text = (value or "").strip().lower()
    if text not in allowed:
        raise InvalidInput(_("unknown {option} {value} (use one of {allowed})").format(
            option=option, value=repr(value) if value is None else quote(value), allowed=", ".join(allowed)))
    return text


def parse_json(text: str, source: str) -> Any:
    """Parse `text`; `source` names it in the error ("results", "tickets.json")."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(_(
                "{source}: invalid JSON at line {lineno}, column {colno}: {msg}"
            ).format(source=source, lineno=exc.lineno, colno=exc.colno, msg=exc.msg)) from None
    except RecursionError:
        raise InvalidInput(_("{source}: JSON nested too deeply").format(source=source)) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise InvalidInput(_("{source}: invalid JSON: {detail}").format(
            source=source, detail=str(exc).split("; use sys.")[0])) from None
    try:  # "\ud800" escapes decode to lone surrogates, which no UTF-8 text (nor SQLite) can hold
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(_(
                "{source}: a string holds a lone surrogate escape (\\ud800-\\udfff)"
            ).format(source=source)) from None
    except (RecursionError, ValueError):
        raise InvalidInput(_("{source}: JSON nested too deeply or too large").format(source=source)) from None
    return data
