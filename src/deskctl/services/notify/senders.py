"""Delivering one message through one channel: SMTP, a signed webhook, the WeCom, DingTalk and
Feishu robots, or a program (docs/notify.md). Standard library only, imported by `notify run`
and `notify test` alone. No database here: a failure is a `DeliveryFailed` with a one-line reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shlex
import smtplib
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, quote_plus, unquote, urlsplit

from deskctl import __version__
from deskctl.i18n import _
from deskctl.services.notify.channels import SecretMissing, resolve_secret

# What each robot accepts in one message, in UTF-8 bytes (longer text is cut with "…").
LIMITS = {"wecom": 2048, "dingtalk": 20000, "feishu": 18000}


class DeliveryFailed(Exception):
    """The channel did not take the message; `str()` is the reason, one line."""


@dataclass
class Message:
    uid: str
    event: str
    kind: str
    target: str
    secret: str
    text: str
    payload: dict
    recipients: list[dict] = field(default_factory=list)  # handle, name, email, mobile, *_id

    @property
    def subject(self) -> str:
        first = self.text.split(". ")[0].split("。")[0].split("\n")[0]
        return cut_chars(f"[deskctl] {first}", 150)


def cut_bytes(text: str, limit: int) -> str:
    """`text` within `limit` UTF-8 bytes, ending in … when cut (never in the middle of a character)."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode("utf-8", errors="ignore") + "…"


def cut_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _secret(message: Message) -> str:
    if not message.secret:
        return ""
    try:
        return resolve_secret(message.secret)
    except SecretMissing as exc:
        raise DeliveryFailed(str(exc)) from None


def send(message: Message, *, timeout: float) -> None:
    sender = {"email": _email, "webhook": _webhook, "wecom": _wecom, "dingtalk": _dingtalk,
              "feishu": _feishu, "exec": _exec}[message.kind]
    sender(message, timeout)


# --- HTTP ---------------------------------------------------------------------------------------


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": f"deskctl/{__version__}", **headers})
    host = urlsplit(url).netloc.rsplit("@", 1)[-1]
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked on add)
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", errors="replace").strip().replace("\n", " ")
        if detail:
            raise DeliveryFailed(_("{host} answered HTTP {code}: {detail}").format(
                host=host, code=exc.code, detail=detail)) from None
        raise DeliveryFailed(_("{host} answered HTTP {code}").format(host=host, code=exc.code)) from None
    except TimeoutError:
        raise DeliveryFailed(_("{host} did not answer within {seconds}s").format(
            host=host, seconds=f"{timeout:g}")) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise DeliveryFailed(_("{host} did not answer within {seconds}s").format(
            host=host, seconds=f"{timeout:g}")) from None
        raise DeliveryFailed(_("cannot reach {host}: {reason}").format(
            host=host, reason=getattr(reason, "strerror", None) or reason)) from None
    except OSError as exc:
        raise DeliveryFailed(_("cannot reach {host}: {reason}").format(host=host, reason=exc.strerror or exc)) from None


def _json_answer(status: int, raw: bytes, host: str) -> dict[str, Any]:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DeliveryFailed(_("{host} answered HTTP {code} with something that is not JSON").format(
            host=host, code=status)) from None
    if not isinstance(answer, dict):
        raise DeliveryFailed(_("{host} answered HTTP {code} with unexpected JSON").format(host=host, code=status))
    return answer


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The webhook signature: hex HMAC-SHA256 keyed by the secret over "<t>.<body>"."""
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def _webhook(message: Message, timeout: float) -> None:
    body = json.dumps(message.payload, ensure_ascii=False).encode("utf-8")
    headers = {"X-Deskctl-Id": message.uid, "X-Deskctl-Event": message.event}
    secret = _secret(message)
    if secret:
        t = int(time.time())
        headers["X-Deskctl-Signature"] = f"t={t},v1={signature(secret, t, body)}"
    status, _answer = _post(message.target, body, headers, timeout)
    if not 200 <= status < 300:
        raise DeliveryFailed(_("webhook answered HTTP {code}").format(code=status))


def _robot(message: Message, url: str, document: dict, timeout: float, code_key: str) -> None:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    host = urlsplit(url).hostname or url
    status, raw = _post(url, body, {"X-Deskctl-Id": message.uid}, timeout)
    answer = _json_answer(status, raw, host)
    code = answer.get(code_key, answer.get("StatusCode", 0))
    if code not in (0, "0"):
        reason = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        raise DeliveryFailed(_("{kind} refused the message: {answer}").format(
            kind=message.kind, answer=f"{code_key} {code} {reason}".rstrip()))


def _wecom(message: Message, timeout: float) -> None:
    """企业微信 group robot: text, @mentions by mobile number (mentioned_mobile_list) or user id."""
    text: dict[str, Any] = {"content": cut_bytes(message.text, LIMITS["wecom"])}
    mobiles = [r["mobile"] for r in message.recipients if r.get("mobile")]
    ids = [r["wecom_id"] for r in message.recipients if r.get("wecom_id")]
    if mobiles:
        text["mentioned_mobile_list"] = mobiles
    if ids:
        text["mentioned_list"] = ids
    _robot(message, message.target, {"msgtype": "text", "text": text}, timeout, "errcode")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64 HMAC-SHA256 keyed by the secret over "{timestamp}\\n{secret}", URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def _dingtalk(message: Message, timeout: float) -> None:
    """钉钉 custom robot: signed URL (timestamp in ms, sign), text with @mobile, at.atMobiles."""
    mobiles = [r["mobile"] for r in message.recipients if r.get("mobile")]
    ids = [r["dingtalk_id"] for r in message.recipients if r.get("dingtalk_id")]
    mentions = "".join(f" @{m}" for m in mobiles + ids)
    content = cut_bytes(message.text, LIMITS["dingtalk"] - len(mentions.encode())) + mentions
    url = message.target
    secret = _secret(message)
    if secret:
        ts = int(time.time() * 1000)
        url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
    document = {"msgtype": "text", "text": {"content": content},
                "at": {"atMobiles": mobiles, "atUserIds": ids, "isAtAll": False}}
    _robot(message, url, document, timeout, "errcode")


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu: base64 HMAC-SHA256 keyed by "{timestamp}\\n{secret}" over an empty message."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _feishu(message: Message, timeout: float) -> None:
    """飞书 custom bot: timestamp in seconds and sign in the body, <at user_id=…> mentions."""
    mentions = "".join(f' <at user_id="{r["feishu_id"]}">{r.get("name") or r["handle"]}</at>'
                       for r in message.recipients if r.get("feishu_id"))
    text = cut_bytes(message.text, LIMITS["feishu"] - len(mentions.encode())) + mentions
    document: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
    secret = _secret(message)
    if secret:
        ts = int(time.time())
        document = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **document}
    _robot(message, message.target, document, timeout, "code")


# --- e-mail and programs ------------------------------------------------------------------------


def _email(message: Message, timeout: float) -> None:
    parts = urlsplit(message.target)
    query = parse_qs(parts.query)
    user = unquote(parts.username) if parts.username else ""
    password = _secret(message) or (unquote(parts.password) if parts.password else "")
    sender = unquote((query.get("from") or [user])[0])
    extra = [a.strip() for v in query.get("to", []) for a in v.split(",") if a.strip()]
    to = [r["email"] for r in message.recipients if r.get("email")] + extra
    if not to:
        names = ", ".join(r["handle"] for r in message.recipients) or _("nobody")
        raise DeliveryFailed(_("no e-mail address for {names} (staff edit HANDLE --email ADDRESS)").format(names=names))
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Message-ID"] = f"<{message.uid}@deskctl>"
    mail["X-Deskctl-Id"] = message.uid
    mail["X-Deskctl-Event"] = message.event
    mail.set_content(message.text + "\n")
    mail.add_attachment(json.dumps(message.payload, ensure_ascii=False, indent=2).encode("utf-8"),
                        maintype="application", subtype="json", filename=f"{message.uid}.json")
    cafile = query["cafile"][0] if query.get("cafile") else None
    context = ssl.create_default_context(cafile=cafile)
    host = parts.hostname or ""
    try:
        smtp: smtplib.SMTP
        if parts.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, parts.port or (25 if parts.scheme == "smtp+plain" else 587), timeout=timeout)
        with smtp:
            if parts.scheme == "smtp":
                smtp.starttls(context=context)
            if user and password:
                try:
                    smtp.login(user, password)
                except UnicodeEncodeError:
                    raise DeliveryFailed(_("the SMTP user and password must be ASCII (Python's smtplib)")) from None
            smtp.send_message(mail)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailed(_("{host} refused the login of {user}: {code}").format(
            host=host, user=user, code=exc.smtp_code)) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryFailed(_("{host}: {reason}").format(host=host, reason=exc)) from None
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise DeliveryFailed(_("{host} answered {code}: {detail}").format(
            host=host, code=exc.smtp_code, detail=detail)) from None
    except smtplib.SMTPException as exc:
        raise DeliveryFailed(_("{host}: {reason}").format(host=host, reason=exc)) from None
    except ssl.SSLError as exc:
        raise DeliveryFailed(_("TLS with {host} failed: {reason}").format(
            host=host, reason=exc.reason or exc)) from None
    except TimeoutError:
        raise DeliveryFailed(_("{host} did not answer within {seconds}s").format(
            host=host, seconds=f"{timeout:g}")) from None
    except OSError as exc:
        raise DeliveryFailed(_("cannot reach {host}: {reason}").format(host=host, reason=exc.strerror or exc)) from None


def _exec(message: Message, timeout: float) -> None:
    argv = shlex.split(message.target)
    body = json.dumps(message.payload, ensure_ascii=False).encode("utf-8")
    env_extra = {"DESKCTL_NOTIFICATION_ID": message.uid, "DESKCTL_NOTIFICATION_EVENT": message.event}

    try:
        done = subprocess.run(argv, input=body, capture_output=True, timeout=timeout,  # noqa: S603
                              env={**os.environ, **env_extra}, check=False)
    except subprocess.TimeoutExpired:
        raise DeliveryFailed(_("{program} did not finish within {seconds}s").format(
            program=argv[0], seconds=f"{timeout:g}")) from None
    except OSError as exc:
        raise DeliveryFailed(_("cannot run {program}: {reason}").format(
            program=argv[0], reason=exc.strerror or exc)) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if lines:
            raise DeliveryFailed(_("{program} exited with {code}: {detail}").format(
                program=argv[0], code=done.returncode, detail=lines[-1][:200]))
        raise DeliveryFailed(_("{program} exited with {code}").format(program=argv[0], code=done.returncode))
