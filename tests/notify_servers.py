"""Real receivers on 127.0.0.1 for the notification tests, each stopped by its fixture:

- `VendorServer`: an HTTP server in a thread that checks each vendor's signature exactly as the
  vendor documents it and answers as the vendor does: the deskctl webhook (X-Deskctl-Signature),
  the WeCom group robot (key in the URL, errcode), the DingTalk custom robot (timestamp in ms and
  sign in the URL, errcode 310000 on a bad sign), the Feishu custom bot (timestamp and sign in
  the body, code 19021 on a bad sign). `mode` makes it answer 500, a vendor error inside a 200,
  or too slowly.
- `SmtpServer`: aiosmtpd with STARTTLS or implicit TLS and a login, parsing each mail.
- `exec_script`: a program that stores the JSON it reads on stdin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import ssl
import subprocess
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SECRET = "s3cret-签名"
WECOM_KEY = "wecom-key-1"
DING_TOKEN = "ding-token-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class VendorServer:
    def __init__(self, secret: str = SECRET, port: int = 0) -> None:
        self.secret = secret
        self.mode = "ok"  # ok | 500 | vendor-error | slow
        self.slow_seconds = 3.0
        self.received: list[dict[str, Any]] = []
        self.seen: list[str] = []  # the X-Deskctl-Id of every request, answered or not
        self.rejected: list[str] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with server.lock:
                    server.seen.append(self.headers.get("X-Deskctl-Id", ""))
                status, answer = server.handle(self.path, dict(self.headers), body)
                if server.mode == "slow":
                    time.sleep(server.slow_seconds)
                raw = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the client gave up (timeout)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> VendorServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _reject(self, why: str) -> None:
        with self.lock:
            self.rejected.append(why)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        url = urlsplit(path)
        query = parse_qs(url.query)
        if self.mode == "500":
            return 500, {"error": "internal"}
        kind = url.path.strip("/")
        doc = json.loads(body.decode("utf-8"))
        ok = True
        if kind == "hook":
            ok = self.check_webhook(headers, body)
            answer: dict = {"ok": ok}
            status = 200 if ok else 401
        elif kind == "wecom":
            ok = query.get("key") == [WECOM_KEY]
            answer = {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 93000, "errmsg": "invalid webhook url"}
            status = 200
        elif kind == "dingtalk":
            ok = query.get("access_token") == [DING_TOKEN] and self.check_dingtalk(query)
            answer = {"errcode": 0, "errmsg": "ok"} if ok else {"errcode": 310000, "errmsg": "sign not match"}
            status = 200
        elif kind == "feishu":
            ok = self.check_feishu(doc)
            answer = ({"code": 0, "msg": "success", "data": {}} if ok
                      else {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
            status = 200
        else:
            return 404, {"error": "no such robot"}
        if ok and self.mode == "vendor-error":
            answer = {"errcode": 45009, "errmsg": "api freq out of limit"} if kind != "feishu" else \
                {"code": 9499, "msg": "too many request"}
        if ok and self.mode == "ok":
            with self.lock:
                self.received.append({"kind": kind, "headers": headers, "body": doc, "query": query})
        if not ok:
            self._reject(kind)
        return status, answer

    # --- each vendor's check, as documented ------------------------------------------------------

    def check_webhook(self, headers: dict[str, str], body: bytes) -> bool:
        """X-Deskctl-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, t within 5 min."""
        header = headers.get("X-Deskctl-Signature", "")
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        if "t" not in parts or "v1" not in parts or abs(time.time() - int(parts["t"])) > 300:
            return False
        expected = hmac.new(self.secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])

    def check_dingtalk(self, query: dict[str, list[str]]) -> bool:
        """timestamp (ms, within an hour) and sign = base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}"))."""
        if "timestamp" not in query or "sign" not in query:
            return False
        ts = query["timestamp"][0]
        if abs(time.time() * 1000 - int(ts)) > 3600 * 1000:
            return False
        digest = hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64encode(digest).decode(), query["sign"][0])

    def check_feishu(self, doc: dict) -> bool:
        """timestamp (s, within an hour) and sign = base64(HMAC-SHA256(key="{timestamp}\\n{secret}", msg=""))."""
        ts, sign = doc.get("timestamp"), doc.get("sign")
        if not ts or not sign or abs(time.time() - int(ts)) > 3600:
            return False
        digest = hmac.new(f"{ts}\n{self.secret}".encode(), b"", hashlib.sha256).digest()
        return hmac.compare_digest(base64.b64encode(digest).decode(), sign)


def make_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl), as (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
             "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )
    return cert, key


class SmtpServer:
    """aiosmtpd on a fixed free port (its Controller does not take port 0)."""

    USER, PASSWORD = "desk@example.org", "mail-pass-9f"

    def __init__(self, cert: Path, key: Path, *, implicit_tls: bool) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.mails: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = free_port()
        server = self

        class Handler:
            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                mail = message_from_bytes(envelope.content, policy=policy.default)
                server.mails.append(mail)  # type: ignore[arg-type]
                server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                return "250 OK"

        def authenticator(smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
            if isinstance(data, LoginPassword) and data.login.decode() == self.USER \
                    and data.password.decode() == self.PASSWORD:
                return AuthResult(success=True)
            return AuthResult(success=False, handled=False)

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        if implicit_tls:
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, ssl_context=context,
                                         authenticator=authenticator, auth_require_tls=False)
        else:
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=context,
                                         require_starttls=True, authenticator=authenticator)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


EXEC_SCRIPT = """#!/bin/sh
# Stores the payload read on stdin; exits with the code in $OUT/exit (default 0).
out="$(dirname "$0")"
cat > "$out/payload-$DESKCTL_NOTIFICATION_ID.json"
code=$(cat "$out/exit" 2>/dev/null || echo 0)
[ "$code" = 0 ] || echo "refused by the script" >&2
exit "$code"
"""


def exec_script(folder: Path) -> Path:
    script = folder / "receive.sh"
    script.write_text(EXEC_SCRIPT)
    script.chmod(0o755)
    return script
