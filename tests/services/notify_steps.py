"""Notifications driven through the services, for the notify tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from deskctl.services.notify import channels, delivery
from deskctl.services.notify.run import Summary, run_once
from tests.notify_servers import SECRET, VendorServer


def serve_vendor() -> Iterator[VendorServer]:
    """The body of a `vendor` fixture: a vendor server for one test."""
    server = VendorServer().start()
    yield server
    server.stop()


def add_channel(desk, name: str = "hook", kind: str = "webhook", target: str = "", secret: str = SECRET) -> dict:
    return desk.write(channels.add_channel, name=name, kind=kind, target=target, secret=secret)


def run(desk, **kw: Any) -> Summary:
    """One `notify run` pass, in-process."""
    return run_once(desk.unit, config=desk.settings, **kw)


def notes(desk, status: str | None = None) -> list[dict]:
    """Every notification, oldest first."""
    return list(reversed(desk.read(delivery.list_notifications, status=status, limit=100_000)))


def payloads(desk) -> list[dict]:
    return [desk.read(delivery.show_notification, notification_id=n["id"])["payload"] for n in notes(desk)]


def bodies(server: VendorServer) -> list[dict]:
    return [r["body"] for r in server.received]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
