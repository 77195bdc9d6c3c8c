"""What a work-queue item is (``DueItem``), its kinds, and the SOP command that
discharges each (ADR 53)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from salesdomain.projections.conformance.view.rows import TICK, breached_after
from salesdomain.projections.paging import sortable


class ItemKind(Enum):
    """What is due, in the SOP's words, with the area of the read policy it belongs to."""

    CONTRACT_APPROVAL = "contract to approve"
    COMPLAINT = "complaint to answer"
    APPRAISAL = "appraisal step"
    COORDINATION_TASK = "coordination task"
    INSPECTION = "final inspection"
    LABOUR_CONTRACT = "labour contract to sign"
    ACTION_ITEM = "action item"
    QUOTE_EXPIRING = "quote about to expire"
    STALE_DEAL = "stale deal"
    RECURRING_DUTY = "recurring duty"

    @property
    def area(self) -> str:
        """``sales``, ``operations`` or ``people`` (``salesdomain.access``)."""
        return _AREA.get(self, "sales")


_AREA = {
    ItemKind.COORDINATION_TASK: "operations",
    ItemKind.INSPECTION: "operations",
    ItemKind.APPRAISAL: "people",
    ItemKind.LABOUR_CONTRACT: "people",
    ItemKind.ACTION_ITEM: "people",
    ItemKind.RECURRING_DUTY: "people",
}


@dataclass(frozen=True)
class DueItem:
    """One SOP step due from someone: what, on which record, by when, and how to do it."""

    kind: ItemKind
    """What kind of item is due (a step with a time limit, a task, a recurring duty, ...)."""
    sop_step: str
    """The SOP step due."""
    step: str
    """The step in words ("answer the customer's feedback")."""
    record_kind: str
    """"contract", "service case", "order", "appraisal", "candidate", "team meeting",
    "opportunity", "team" or "employee"."""
    record_id: str
    """The record's id."""
    record: str
    """The record in words ("contract with Hangzhou Precision")."""
    case_id: str | None
    """The business case the record belongs to."""
    due: datetime | date
    """A moment, or a day (due by its end, UTC)."""
    overdue: bool
    """Whether it is past due."""
    seconds_left: int
    """Until the deadline passes (negative: overdue by that long)."""
    responsible: str
    """The person (or, for an approval level, the role; for a team's duty, the team)."""
    responsible_id: str | None
    """The responsible person."""
    responsible_team: str
    """The responsible person's team."""
    next_command: str
    """The SOP command(s) that discharge it ("RespondToFeedback")."""
    rule: str = ""
    """The rule of the catalogue whose time limit it is (``docs/rules.md``), if any."""

    @property
    def place(self) -> tuple[str, str, str, str, str]:
        """Its place in a queue: overdue first, then by deadline (texts, ``paging``)."""
        return (
            "0" if self.overdue else "1",
            sortable(breached_after(self.due)),
            self.kind.name,
            self.record_id,
            f"{self.responsible_id or self.responsible}/{self.step}",
        )


def timing(due: datetime | date, at: datetime) -> tuple[bool, int]:
    """Whether ``due`` has passed at ``at``, and the whole seconds left (negative: over)."""
    left = breached_after(due) + TICK - at
    return left <= timedelta(0), int(left.total_seconds() // 1)


def left_in_words(item: DueItem) -> str:
    """ "overdue by 2 days 3 h", "5 days left", "4 h left"."""
    seconds = abs(item.seconds_left)
    days, hours = seconds // 86400, seconds % 86400 // 3600
    text = f"{days} d {hours} h" if days else f"{hours} h {seconds % 3600 // 60} min"
    return f"overdue by {text}" if item.overdue else f"{text} left"
