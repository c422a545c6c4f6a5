"""JSON typed or piped in by people and scripts: every way it can be wrong is bad input (exit 2)."""

from __future__ import annotations

import json
from typing import Any

from deskctl.errors import InvalidInput


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
