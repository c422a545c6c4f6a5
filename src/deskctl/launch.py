"""The `deskctl` command: the CLI started under a Ctrl-C guard.

The error boundary (`cli.DeskGroup.main`) says `deskctl: interrupted` and exits 130 for a Ctrl-C
inside a command; this covers the moments around it — importing the program, building the app —
so that Ctrl-C anywhere reads the same and never shows a traceback (docs/design.md §7).
"""

from __future__ import annotations

import sys


def interrupted() -> None:
    from deskctl.i18n import _

    sys.stderr.write(("\n" if sys.stderr.isatty() else "") + "deskctl: " + _("interrupted") + "\n")
    sys.stderr.flush()


def main() -> None:
    try:
        from deskctl.cli import main as run

        run()
    except KeyboardInterrupt:
        interrupted()
        raise SystemExit(130) from None
