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
        raise InvalidInput(f"{field} must not be empty")
    if "\x00" in text:
        raise InvalidInput(f"{field} contains a NUL character")
    if one_line and ("\n" in text or "\r" in text):
        raise InvalidInput(f"{field} must be one line")
    most = int(config.get("limits.text_max")) if limit is None else limit
    if len(text) > most:
        source = "config limits.text_max" if limit is None else "the field's limit"
        raise InvalidInput(f"{field} is {len(text)} characters; the limit is {most} ({source})")
    return text


def choice(value: str | None, allowed: tuple[str, ...], option: str) -> str:
    """One of `allowed` (case-insensitive), else a usage error naming the accepted values."""
    text = (value or "").strip().lower()
    if text not in allowed:
        raise InvalidInput(f"unknown {option} {quote(value)} (use one of {', '.join(allowed)})")
    return text


def parse_json(text: str, source: str) -> Any:
    """Parse `text`; `source` names it in the error ("results", "tickets.json")."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InvalidInput(f"{source}: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise InvalidInput(f"{source}: invalid JSON: {exc}".split("; use sys.")[0]) from None
    try:  # "\ud800" escapes decode to lone surrogates, which no UTF-8 text (nor SQLite) can hold
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{source}: a string holds a lone surrogate escape (\\ud800-\\udfff)") from None
    except (RecursionError, ValueError):
        raise InvalidInput(f"{source}: JSON nested too deeply or too large") from None
    return data
