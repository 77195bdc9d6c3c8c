"""A real SMTP server on a free loopback port (aiosmtpd), as the warnings' tests use it:
it keeps every message it accepted, and can be told to hold the n-th message before
accepting it (to kill a sender in the middle of a delivery)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from salesdomain.adapters.mail import MailSettings

from tests.web_support import free_port


@dataclass
class Inbox:
    """What the server accepted, in order; ``hold_at``: the message (counted from 1)
    that waits until ``release`` is set (``held`` is set once it waits): before it is
    kept, or with ``keep_held``, kept and then not answered until released."""

    messages: list[EmailMessage] = field(default_factory=list)
    hold_at: int | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    keep_held: bool = False
    arrived: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived += 1
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        if self.arrived == self.hold_at:
            if self.keep_held:
                self.messages.append(parsed)
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return "250 OK" if self.keep_held else "451 held by the test"
        self.messages.append(parsed)
        return "250 OK"

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]

    def to(self) -> list[str]:
        return [str(m["To"]) for m in self.messages]


@contextmanager
def smtp_server(inbox: Inbox | None = None) -> Iterator[tuple[Inbox, int]]:
    found = inbox or Inbox()
    port = free_port()
    controller = Controller(found, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield found, port
    finally:
        found.release.set()
        controller.stop()


def mail_settings(port: int, addresses: dict[Any, str]) -> MailSettings:
    return MailSettings(
        host="127.0.0.1", port=port, sender="sales@example.com", addresses=addresses
    )
