"""TeamMeeting: a weekly, monthly or quarterly team meeting (SOP 3.4.2) and its hand-offs (3.4.3).

A meeting records who attended, progress, problems and the decisions taken, and action
items each with an owner and a due date.  Work handed from one department to another
is an action item naming both departments; hand-offs agreed after the meeting are
added to it.  The owner (or the chair) completes an item, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.performance.values import (
    ActionItem,
    ActionItems,
    Attendees,
    HandOff,
    MeetingKind,
    Minutes,
)
from salesdomain.rules.teamwork import (
    ACTION_ITEM_COMPLETED_ONCE,
    ACTION_ITEM_DUE_AFTER_AGREED,
    ONLY_AGREED_ACTION_ITEM_COMPLETED,
    TEAM_MEETING_RECORDED_ONCE_HELD,
)


@dataclass(frozen=True)
class OpenItem:
    item: ActionItem
    done: bool = False

    @property
    def sop_step(self) -> str:
        return "3.4.3" if self.item.handoff is not None else "3.4.2"


class TeamMeeting(SopAggregate):
    class Event(SopAggregate.Event):
        pass

    class Held(Event, SopAggregate.Created):
        SOP_STEP = "3.4.2"
        kind: MeetingKind
        held_on: date
        team: str
        chair_id: UUID
        attendees: Attendees
        minutes: Minutes
        action_items: ActionItems

        def apply(self, meeting: TeamMeeting) -> None:
            meeting.kind = self.kind
            meeting.held_on = self.held_on
            meeting.team = self.team
            meeting.chair_id = self.chair_id
            meeting.items = [OpenItem(item) for item in self.action_items.items]

    class HandOffAgreed(Event):
        SOP_STEP = "3.4.3"
        item_number: int
        item: ActionItem

        def apply(self, meeting: TeamMeeting) -> None:
            meeting.items.append(OpenItem(self.item))

    class ActionItemCompleted(Event):
        # Recorded under 3.4.2, or 3.4.3 for a hand-off.
        item_number: int
        owner_id: UUID
        due_on: date
        completed_on: date
        outcome: str

        def apply(self, meeting: TeamMeeting) -> None:
            index = self.item_number - 1
            done = OpenItem(meeting.items[index].item, done=True)
            meeting.items[index] = done

    if TYPE_CHECKING:
        kind: MeetingKind
        held_on: date
        team: str
        chair_id: UUID
        items: list[OpenItem]

    @classmethod
    def hold(
        cls,
        evidence: Evidence,
        *,
        meeting_id: UUID,
        kind: MeetingKind,
        held_on: date,
        team: str,
        attendees: Attendees,
        minutes: Minutes,
        action_items: ActionItems,
        today: date,
    ) -> TeamMeeting:
        if held_on > today:
            raise SopRuleViolation(
                TEAM_MEETING_RECORDED_ONCE_HELD, f"held on {held_on}, today is {today}"
            )
        for item in action_items.items:
            _due_after(item, held_on, "3.4.3" if item.handoff else "3.4.2")
        return cls._start(
            cls.Held,
            evidence,
            id=meeting_id,
            kind=kind,
            held_on=held_on,
            team=team,
            chair_id=evidence.actor.employee_id,
            attendees=attendees,
            minutes=minutes,
            action_items=action_items,
        )

    def agree_handoff(
        self,
        evidence: Evidence,
        *,
        description: str,
        owner_id: UUID,
        due_on: date,
        handoff: HandOff,
        today: date,
    ) -> None:
        item = ActionItem(
            description=description, owner_id=owner_id, due_on=due_on, handoff=handoff
        )
        _due_after(item, today, "3.4.3")
        self._record(self.HandOffAgreed, evidence, item_number=len(self.items) + 1, item=item)

    def complete_item(
        self, evidence: Evidence, *, item_number: int, outcome: str, today: date
    ) -> None:
        if not 1 <= item_number <= len(self.items):
            raise SopRuleViolation(ONLY_AGREED_ACTION_ITEM_COMPLETED, f"no item {item_number}")
        found = self.items[item_number - 1]
        actor = evidence.actor
        if actor.employee_id not in (found.item.owner_id, self.chair_id):
            raise NotAuthorised(
                found.sop_step,
                str(actor),
                "neither owns this action item nor chaired the meeting",
            )
        if found.done:
            raise SopRuleViolation(
                ACTION_ITEM_COMPLETED_ONCE, f"item {item_number}", at_step=found.sop_step
            )
        self._record(
            self.ActionItemCompleted,
            evidence,
            sop_step=found.sop_step,
            item_number=item_number,
            owner_id=found.item.owner_id,
            due_on=found.item.due_on,
            completed_on=today,
            outcome=outcome,
        )


def _due_after(item: ActionItem, earliest: date, code: str) -> None:
    if item.due_on < earliest:
        raise SopRuleViolation(
            ACTION_ITEM_DUE_AFTER_AGREED, f"'{item.description}' due {item.due_on}", at_step=code
        )
