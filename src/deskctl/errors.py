"""The DeskError hierarchy: every failure a user can cause carries its exit code (docs/design.md §7)."""

from enum import IntEnum


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


class StorageError(DeskError):
    exit_code = ExitCode.STORAGE


class ConfigError(DeskError):
    exit_code = ExitCode.STORAGE


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: raised where the program is, so that `finally` blocks remove
    part files and roll back, then the process exits 128 + the signal number (docs/design.md §7).

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
