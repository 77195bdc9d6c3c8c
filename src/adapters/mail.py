"""Delivering the warnings of the outbox by e-mail over SMTP (SOP 4.2.4, ADR 54).

``MailSettings`` is deployment configuration, not policy: the SMTP relay, the sender
address and each employee's e-mail address (the domain records none; a JSON file named
by ``$SALESDOMAIN_MAIL_FILE``, kept by whoever runs the sender, from which an address is
removed as a person is forgotten).

``Sender.deliver`` sends the pending warnings one at a time, each in its own
transaction of the outbox: claim it, hand it to the relay, mark it sent, commit.  A
sender killed before the relay accepted a message leaves it pending: sent by the next
run.  One killed after the relay accepted it and before the commit also leaves it
pending: the next run sends it again, with the same ``Message-ID``, which lets a mail
system or the reader's program drop the second copy.  The relay cannot join the
database's transaction, so that window (milliseconds) cannot be closed; everywhere
else each warning is sent once.
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from salesdomain.projections.notifications.outbox import (
    Notification,
    claim,
    mark_failed,
    mark_sent,
    mark_undeliverable,
)
from sqlalchemy import Engine

from salesdomain import clock

MAIL_FILE_VARIABLE = "SALESDOMAIN_MAIL_FILE"

Address = Annotated[str, Field(max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")]
MAX_ADDRESSES = 100_000


class MailSettings(BaseModel):
    """Where and as whom the warnings are sent, and to which address for each employee."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    host: str = Field(default="127.0.0.1", min_length=1, max_length=253)
    port: int = Field(default=25, ge=1, le=65535)
    sender: Address
    """The ``From`` address; its domain ends every ``Message-ID``."""
    starttls: bool = False
    """Upgrade the connection with STARTTLS before sending."""
    timeout_seconds: float = Field(default=10, gt=0, le=300)
    addresses: dict[UUID, Address] = Field(default_factory=dict, max_length=MAX_ADDRESSES)
    """Each employee's e-mail address, by employee id; a warning to someone without one
    is listed as undeliverable."""

    @classmethod
    def from_file(cls, path: str | Path) -> MailSettings:
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))

    @property
    def domain(self) -> str:
        return self.sender.rsplit("@", 1)[1]


def message_id(notification_id: str, settings: MailSettings) -> str:
    """The ``Message-ID`` of a warning: the same every time it is sent."""
    return f"<{notification_id}@{settings.domain}>"


def message_of(found: Notification, address: str, settings: MailSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = address
    message["Subject"] = found.subject
    message["Date"] = format_datetime(found.raised_at)
    message["Message-ID"] = message_id(found.notification_id, settings)
    message["X-Salesdomain-Warning"] = found.kind
    message.set_content(found.body)
    return message


@dataclass
class Delivered:
    """What a round of delivery did: warnings sent, found undeliverable, failed."""

    sent: list[str] = field(default_factory=list)
    undeliverable: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class _RelayFailed(Exception):
    pass


class Sender:
    """Sends the outbox's pending warnings through one SMTP connection per round."""

    def __init__(
        self,
        store: Engine,
        settings: MailSettings,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.store = store
        self.settings = settings
        self.now = now
        self._relay: smtplib.SMTP | None = None

    def deliver(self, limit: int | None = None) -> Delivered:
        """Send pending warnings (at most ``limit``) until none is due to be tried."""
        done = Delivered()
        try:
            while limit is None or len(done.sent) + len(done.failed) < limit:
                try:
                    outcome = self._one(done)
                except _RelayFailed as failed:
                    notification_id, why = failed.args
                    mark_failed(self.store, notification_id, why, self.now())
                    done.failed.append(notification_id)
                    self._close()
                    continue
                if not outcome:
                    break
        finally:
            self._close()
        return done

    def _one(self, done: Delivered) -> bool:
        """Claim, send and mark one warning in one transaction; ``False``: none left."""
        with self.store.begin() as conn:
            found = claim(conn, self.now())
            if found is None:
                return False
            address = self.settings.addresses.get(UUID(found.recipient_id))
            if address is None:
                mark_undeliverable(conn, found.notification_id, "no e-mail address known")
                done.undeliverable.append(found.notification_id)
                return True
            try:
                self._connected().send_message(message_of(found, address, self.settings))
            except (smtplib.SMTPException, OSError) as error:
                why = f"{type(error).__name__}: {error}"
                raise _RelayFailed(found.notification_id, why) from error
            mark_sent(conn, found.notification_id, self.now())
        done.sent.append(found.notification_id)
        return True

    def _connected(self) -> smtplib.SMTP:
        if self._relay is None:
            s = self.settings
            relay = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
            if s.starttls:
                relay.starttls()
            self._relay = relay
        return self._relay

    def _close(self) -> None:
        relay, self._relay = self._relay, None
        if relay is not None:
            try:
                relay.quit()
            except (smtplib.SMTPException, OSError):
                relay.close()
