"""Each channel against a real local receiver that checks the vendor's signature as documented:
the signed webhook, the WeCom, DingTalk and Feishu robots, SMTP with STARTTLS or TLS and a
login (aiosmtpd), and a program; their failures (500, vendor error codes inside a 200, a slow
answer, a refused login, an exit code) and the refusals of `channel add`."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from deskctl.errors import ConfigError, InvalidInput, NotFound
from deskctl.services.notify import channels, delivery
from deskctl.services.notify.senders import LIMITS, DeliveryFailed, Message, send
from tests.notify_servers import DING_TOKEN, SECRET, WECOM_KEY, SmtpServer, exec_script, make_cert
from tests.services.notify_steps import add_channel, notes, run, serve_vendor
from tests.services.ticket_steps import open_ticket

PEOPLE = [
    {"handle": "li", "name": "李四", "email": "li@example.org", "mobile": "13800000002", "wecom_id": "LiSi",
     "dingtalk_id": "ding-li", "feishu_id": "ou_li"},
    {"handle": "lead", "name": "王主管", "email": "lead@example.org", "mobile": "", "wecom_id": "",
     "dingtalk_id": "", "feishu_id": ""},
]


@pytest.fixture
def vendor():
    yield from serve_vendor()


def _message(kind: str, target: str, secret: str = SECRET, text: str = "Ticket 42 (P1) assigned to li: 核心交换机宕机. "
             "Acknowledge: deskctl ticket ack 42") -> Message:
    return Message(uid="0b7c2f0e-uid", event="ticket.assigned", kind=kind, target=target, secret=secret, text=text,
                   payload={"id": "0b7c2f0e-uid", "event": "ticket.assigned", "text": text}, recipients=PEOPLE)


# --- webhook ------------------------------------------------------------------------------------


def test_webhook_signed_post_verified_by_receiver(vendor):
    send(_message("webhook", f"{vendor.base}/hook"), timeout=5)
    [got] = vendor.received
    assert got["body"]["id"] == got["headers"]["X-Deskctl-Id"] == "0b7c2f0e-uid"
    assert got["headers"]["X-Deskctl-Event"] == "ticket.assigned"


def test_webhook_wrong_secret_is_refused_by_receiver(vendor):
    with pytest.raises(DeliveryFailed, match="HTTP 401"):
        send(_message("webhook", f"{vendor.base}/hook", secret="wrong"), timeout=5)
    assert vendor.rejected == ["hook"]


def test_webhook_500_and_slow_answer_are_failures(vendor):
    vendor.mode = "500"
    with pytest.raises(DeliveryFailed, match="answered HTTP 500"):
        send(_message("webhook", f"{vendor.base}/hook"), timeout=5)
    vendor.mode, vendor.slow_seconds = "slow", 2.0
    with pytest.raises(DeliveryFailed, match="did not answer within 0.5s"):
        send(_message("webhook", f"{vendor.base}/hook"), timeout=0.5)


# --- the robots ---------------------------------------------------------------------------------


def test_wecom_text_mentions_by_mobile_and_id(vendor):
    send(_message("wecom", f"{vendor.base}/wecom?key={WECOM_KEY}", secret=""), timeout=5)
    body = vendor.received[0]["body"]
    assert body["msgtype"] == "text"
    assert body["text"]["mentioned_mobile_list"] == ["13800000002"]
    assert body["text"]["mentioned_list"] == ["LiSi"]
    assert "deskctl ticket ack 42" in body["text"]["content"]


def test_wecom_errcode_inside_200_is_a_failure(vendor):
    with pytest.raises(DeliveryFailed, match="wecom refused the message: errcode 93000 invalid webhook url"):
        send(_message("wecom", f"{vendor.base}/wecom?key=wrong", secret=""), timeout=5)
    vendor.mode = "vendor-error"
    with pytest.raises(DeliveryFailed, match="errcode 45009"):
        send(_message("wecom", f"{vendor.base}/wecom?key={WECOM_KEY}", secret=""), timeout=5)


def test_wecom_long_text_is_cut_within_the_limit(vendor):
    send(_message("wecom", f"{vendor.base}/wecom?key={WECOM_KEY}", secret="", text="宕机" * 2000), timeout=5)
    content = vendor.received[0]["body"]["text"]["content"]
    assert content.endswith("…") and len(content.encode()) <= LIMITS["wecom"]


def test_dingtalk_signed_url_and_at_mobiles(vendor):
    send(_message("dingtalk", f"{vendor.base}/dingtalk?access_token={DING_TOKEN}"), timeout=5)
    got = vendor.received[0]
    assert got["body"]["at"] == {"atMobiles": ["13800000002"], "atUserIds": ["ding-li"], "isAtAll": False}
    assert got["body"]["text"]["content"].endswith(" @13800000002 @ding-li")
    assert int(got["query"]["timestamp"][0]) > 10**12  # milliseconds


def test_dingtalk_bad_sign_is_errcode_310000(vendor):
    with pytest.raises(DeliveryFailed, match="dingtalk refused the message: errcode 310000 sign not match"):
        send(_message("dingtalk", f"{vendor.base}/dingtalk?access_token={DING_TOKEN}", secret="wrong"), timeout=5)


def test_feishu_signed_body_and_at_user_id(vendor):
    send(_message("feishu", f"{vendor.base}/feishu"), timeout=5)
    body = vendor.received[0]["body"]
    assert body["msg_type"] == "text" and len(body["timestamp"]) == 10  # seconds
    assert body["content"]["text"].endswith(' <at user_id="ou_li">李四</at>')


def test_feishu_bad_sign_and_vendor_code_are_failures(vendor):
    with pytest.raises(DeliveryFailed, match="feishu refused the message: code 19021"):
        send(_message("feishu", f"{vendor.base}/feishu", secret="wrong"), timeout=5)
    vendor.mode = "vendor-error"
    with pytest.raises(DeliveryFailed, match="code 9499 too many request"):
        send(_message("feishu", f"{vendor.base}/feishu"), timeout=5)


# --- e-mail -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(params=["starttls", "tls"])
def smtp(request, cert) -> Iterator[tuple[SmtpServer, str]]:
    server = SmtpServer(*cert, implicit_tls=request.param == "tls").start()
    scheme = "smtps" if request.param == "tls" else "smtp"
    user = SmtpServer.USER.replace("@", "%40")
    yield server, f"{scheme}://{user}@127.0.0.1:{server.port}?from=desk%40example.org&cafile={cert[0]}"
    server.stop()


def test_email_tls_login_utf8_subject(smtp):
    server, target = smtp
    send(_message("email", target, secret=SmtpServer.PASSWORD), timeout=5)
    [mail] = server.mails
    assert mail["Subject"] == "[deskctl] Ticket 42 (P1) assigned to li: 核心交换机宕机"
    assert mail["To"] == "li@example.org, lead@example.org"
    assert mail["X-Deskctl-Id"] == "0b7c2f0e-uid"
    body = mail.get_body(preferencelist=("plain",))
    assert "deskctl ticket ack 42" in body.get_content()
    [attachment] = list(mail.iter_attachments())
    assert json.loads(attachment.get_content())["id"] == "0b7c2f0e-uid"


def test_email_refused_login_is_a_failure(smtp):
    server, target = smtp
    with pytest.raises(DeliveryFailed, match="refused the login of desk@example.org: 535"):
        send(_message("email", target, secret="wrong"), timeout=5)
    assert server.mails == []


def test_email_nobody_with_an_address_is_a_failure(smtp):
    _, target = smtp
    message = _message("email", target, secret=SmtpServer.PASSWORD)
    message.recipients = [dict(p, email="") for p in PEOPLE]
    with pytest.raises(DeliveryFailed, match="no e-mail address for li, lead"):
        send(message, timeout=5)


# --- exec ---------------------------------------------------------------------------------------


def test_exec_payload_on_stdin_and_exit_code(tmp_path):
    script = exec_script(tmp_path)
    send(_message("exec", str(script), secret=""), timeout=5)
    stored = json.loads((tmp_path / "payload-0b7c2f0e-uid.json").read_text())
    assert stored["id"] == "0b7c2f0e-uid"
    (tmp_path / "exit").write_text("3")
    with pytest.raises(DeliveryFailed, match="exited with 3: refused by the script"):
        send(_message("exec", str(script), secret=""), timeout=5)


def test_exec_timeout(tmp_path):
    with pytest.raises(DeliveryFailed, match="did not finish within 0.3s"):
        send(_message("exec", "sleep 5", secret=""), timeout=0.3)


# --- channels through the desk ------------------------------------------------------------------


def test_channel_add_refusals(staffed):
    with pytest.raises(InvalidInput, match="unknown --kind 'pager'"):
        add_channel(staffed, kind="pager", target="http://x")
    with pytest.raises(InvalidInput, match="is not an http"):
        add_channel(staffed, kind="webhook", target="ftp://example.org/x")
    with pytest.raises(InvalidInput, match="not an SMTP URL"):
        add_channel(staffed, kind="email", target="mail.example.org")
    with pytest.raises(InvalidInput, match="give the sender address"):
        add_channel(staffed, kind="email", target="smtp://mail.example.org:587")
    with pytest.raises(InvalidInput, match="not found or not executable"):
        add_channel(staffed, kind="exec", target="/no/such/program --x")
    with pytest.raises(NotFound):
        staffed.write(channels.remove_channel, name="nope")


def test_channel_literal_secret_never_shown(staffed):
    add_channel(staffed, name="a", target="https://example.org/hook", secret="literal-value")
    add_channel(staffed, name="b", target="https://example.org/hook", secret="env:HOOK_SECRET")
    add_channel(staffed, name="c", kind="wecom", target="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7a",
                secret="")
    listed = {c["name"]: c["secret"] for c in staffed.read(channels.list_channels)}
    assert listed == {"a": "(set)", "b": "env:HOOK_SECRET", "c": ""}
    shown = json.dumps(staffed.read(channels.list_channels), default=str, ensure_ascii=False)
    assert "literal-value" not in shown and "693a91f6" not in shown and "send?key=693a…" in shown


def test_notify_test_sends_now_or_fails_with_exit_6(staffed, vendor):
    add_channel(staffed, target=f"{vendor.base}/hook")
    view = staffed.read(delivery.test_channel, name="hook")
    assert vendor.received[0]["body"]["id"] == view["id"]
    vendor.mode = "500"
    with pytest.raises(ConfigError, match="channel hook: .* answered HTTP 500"):
        staffed.read(delivery.test_channel, name="hook")


def test_notify_every_robot_through_the_outbox(staffed, vendor):
    from deskctl.services.people.staff import edit_staff

    staffed.write(edit_staff, handle="lead", contacts={"mobile": "13800000001", "feishu_id": "ou_lead"})
    add_channel(staffed, name="wecom", kind="wecom", target=f"{vendor.base}/wecom?key={WECOM_KEY}", secret="")
    add_channel(staffed, name="ding", kind="dingtalk", target=f"{vendor.base}/dingtalk?access_token={DING_TOKEN}")
    add_channel(staffed, name="feishu", kind="feishu", target=f"{vendor.base}/feishu")
    open_ticket(staffed, priority="P1")
    assert run(staffed).sent == 3
    assert sorted(r["kind"] for r in vendor.received) == ["dingtalk", "feishu", "wecom"]
    assert all(n["status"] == "sent" for n in notes(staffed))
