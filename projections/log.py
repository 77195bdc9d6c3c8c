"""The application's event log as projections read it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from salesdomain.application import SalesApplication
from salesdomain.command_record import CommandRecord

SKIPPED_TOPIC = f"{CommandRecord.TOPIC}."
"""The topics of the command records' events (not domain events: no view reads them)."""


class ApplicationLog:
    """Reads the application's notification log in order, decoding domain events.

    Command records are in the log too (they make commands idempotent); they are
    returned as ``(position, None)`` so positions advance without decoding them.
    """

    def __init__(self, app: SalesApplication) -> None:
        self.app = app

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any]]:
        notifications = self.app.recorder.select_notifications(start=after + 1, limit=limit)
        return [
            (
                n.id,
                None if n.topic.startswith(SKIPPED_TOPIC) else self.app.mapper.to_domain_event(n),
            )
            for n in notifications
        ]
