"""One record's history as people read it: time, SOP step, actor and what happened,
read from the record's own events (the event store, not a view)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from salesdomain.application import SalesApplication
from salesdomain.narrative import describe
from salesdomain.sop import step


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    sop_step: str
    step_title: str
    actor: str
    what: str


def history_lines(app: SalesApplication, aggregate_id: UUID) -> list[HistoryLine]:
    """Every event of the record, oldest first, in words."""
    events: list[Any] = list(app.history(aggregate_id))
    return [
        HistoryLine(
            at=event.timestamp,
            sop_step=event.sop_step,
            step_title=step(event.sop_step).title,
            actor=str(event.actor),
            what=describe(event),
        )
        for event in events
    ]
