"""What SQLAlchemy logs never reaches the terminal: `Error closing cursor` with its traceback,
logged when a Ctrl-C lands inside a fetch, would follow `deskctl: interrupted` otherwise."""

from __future__ import annotations

import subprocess
import sys


def test_sqlalchemy_errors_logged_are_not_printed():
    script = (
        "import logging, sys\n"
        "import deskctl.cli as cli\n"
        "cli.app = lambda: logging.getLogger('sqlalchemy.pool.impl.QueuePool').error('Error closing cursor', "
        "exc_info=(ValueError, ValueError('x'), None))\n"
        "cli.main()\n"
        "logging.getLogger('elsewhere').error('still shown')\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stderr == "still shown\n"
