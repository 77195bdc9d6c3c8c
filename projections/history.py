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
    """When the step was recorded."""
    sop_step: str
    """The SOP step's code, e.g. ``2.3.2``."""
    step_title: str
    """The SOP step's name, e.g. "Price and quote"."""
    actor: str
    """Who took the step (an employee, or the system)."""
    what: str
    """What happened, in words."""


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
