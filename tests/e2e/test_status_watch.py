"""`deskctl status --watch` on a real pseudo-terminal: it draws the screen, redraws it in
place, and Ctrl-C ends it with exit 0 (the way a watch is meant to end)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time

import pytest

from tests.e2e.conftest import default_sigint


@pytest.mark.slow
def test_status_watch_redraws_until_ctrl_c(proc_staffed):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = proc_staffed.environ({"TERM": "xterm-256color", "NO_COLOR": "1", "DESKCTL_USER": "zhang"})
    proc = subprocess.Popen([proc_staffed.exe, "status", "--watch", "--every", "1"], env=env,
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            preexec_fn=default_sigint)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    try:
        while out.count(b"alerts") + out.count(b"no alerts") < 2 and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                out += os.read(master, 65536)
        os.kill(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=30)
        while select.select([master], [], [], 0.2)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = out.decode("utf-8", "replace")
    assert code == 0, text[-800:]
    assert text.count("open ") >= 2  # drawn, then redrawn
    assert "Traceback" not in text and "interrupted" not in text
