"""The demo's work queue (SOP 4.2.4, ADR 53): what the sales manager and her team owe
at the quarter's run end, overdue first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from salesdomain.projections.workqueue import DueItem, due_for

from salesdomain.values import Actor

if TYPE_CHECKING:
    from salesdomain.adapters.bootstrap import System


@dataclass(frozen=True)
class WorkQueue:
    person: str
    at: datetime
    items: list[DueItem] = field(default_factory=list)


def work_queue(system: System, manager: Actor, at: datetime) -> WorkQueue:
    """The steps due at ``at`` from ``manager`` and everyone reporting to her."""
    found = due_for(
        system.views,
        system.app.policy,
        manager.employee_id,
        at,
        team=True,
        events_of=system.app.events.get,
    )
    return WorkQueue(manager.name, at, found)
