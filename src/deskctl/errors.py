"""The DeskError hierarchy: every failure a user can cause carries its exit code (docs/design.md §7).

Also the one rule for echoing what somebody typed in an error line: `quote(value)` shows at most
`QUOTE_MAX` characters of it and then its length, so a 120 KB argument gives a short line.
"""

import re
from enum import IntEnum

QUOTE_MAX = 60  # characters of a user's value an error line shows


class ExitCode(IntEnum):
    OK = 0
    CHECK_FOUND = 1  # a check found something: inspect due overdue, shift gaps, audit verify
    USAGE = 2
    NOT_FOUND = 3
    CONFLICT = 4
    PERMISSION = 5
    STORAGE = 6
    INTERNAL = 70
    BROKEN_PIPE = 141
    INTERRUPTED = 130


class DeskError(Exception):
    """Base of all errors shown to the user as one line `deskctl: error: …`."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DeskError):
    exit_code = ExitCode.USAGE


class NotFound(DeskError):
    exit_code = ExitCode.NOT_FOUND


class Conflict(DeskError):
    """A refused transition or a clash with existing data."""

    exit_code = ExitCode.CONFLICT


class PermissionDenied(DeskError):
    exit_code = ExitCode.PERMISSION


class OutputFailed(DeskError):
    """Writing the command's output (stdout) failed for another reason than a closed pipe:
    disk full, I/O error. Exit 6, like a storage failure (docs/design.md §7)."""

    exit_code = ExitCode.STORAGE


class StorageError(DeskError):
    exit_code = ExitCode.STORAGE


class ConfigError(DeskError):
    exit_code = ExitCode.STORAGE


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) inside a command: KeyboardInterrupt re-raised under a name Typer does not
    turn into a silent `Exit(130)`, so that the error boundary says `deskctl: interrupted`."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: raised where the program is, so that `finally` blocks remove
    part files and roll back, then the process exits 128 + the signal number (docs/design.md §7).

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def quote(value: object, limit: int = QUOTE_MAX) -> str:
    """A user's value for an error line: quoted, at most `limit` characters, then its length.

    `quote("vpn")` → `'vpn'`; a 120,000-character value → `'aaaa…' (120000 characters)`.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit] + '…'!r} ({len(text)} characters)"


# A quoted value as repr() writes it (single or double quotes, backslash escapes inside), matched
# left to right so that each opening quote pairs with its own closing one.
_QUOTED = re.compile(r"""(?<!\w)'((?:[^'\\]|\\.)*)'(?!\w)|(?<!\w)"((?:[^"\\]|\\.)*)"(?!\w)""")
_LONG_WORD = re.compile(r"\S{" + str(QUOTE_MAX * 3) + ",}")
LINE_MAX = 1000  # no error line is longer, whatever it quotes


def shorten_values(message: str) -> str:
    """Every long quoted value in `message` cut by the `quote` rule (a safety net for messages
    that quote with repr() or come from the option parser), long unbroken runs likewise, and the
    whole line at most LINE_MAX characters."""

    def cut(match: re.Match[str]) -> str:
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        return quote(inner) if len(inner) > QUOTE_MAX else match.group(0)

    message = _QUOTED.sub(cut, message)
    message = _LONG_WORD.sub(lambda m: f"{m.group(0)[:QUOTE_MAX]}… ({len(m.group(0))} characters)", message)
    if len(message) > LINE_MAX:
        message = message[: LINE_MAX - 1] + "…"
    return message
