"""The OS user's login sessions: `$XDG_STATE_HOME/deskctl/sessions.json` (0600 in a 0700
folder), one token per desk and terminal (docs/identity.md).

The file proves nothing by itself: a token counts only while the desk holds its hash, for this
OS user, unexpired and not logged out.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def os_user() -> str:
    """The OS user this process runs as (events and login sessions record it)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container
        return f"uid {os.getuid()}"


def path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "deskctl" / "sessions.json"


def terminal() -> str:
    """The terminal this command runs at (the first of stdin, stdout, stderr that is one), or
    `no-terminal` (cron, scripts): a login holds for that terminal only."""
    for fd in (0, 1, 2):
        try:
            return os.ttyname(fd)
        except OSError:
            continue
    return "no-terminal"


def _read() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def token(desk: str, term: str) -> str | None:
    entry = _read().get(desk)
    value = entry.get(term) if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def _write(data: dict[str, dict[str, str]]) -> None:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".sessions-", dir=target.parent)  # 0600 from creation
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def keep(desk: str, term: str, value: str) -> None:
    data = _read()
    data.setdefault(desk, {})[term] = value
    _write(data)


def forget(desk: str, term: str) -> None:
    data = _read()
    if term in data.get(desk, {}):
        del data[desk][term]
        if not data[desk]:
            del data[desk]
        _write(data)
