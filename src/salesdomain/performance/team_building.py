"""TeamBuilding: a team-building activity of one team (SOP 3.4.1).

It records what the activity was, why the team held it (its purpose), the day it was
held and who took part; it is recorded once it has been held, never ahead of time.  The
conformance review counts it towards the team's recurring team-building duty (policy
``recurring_duties``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.facts import happened_by
from salesdomain.performance.values import Attendees


class TeamBuilding(SopAggregate):
    SNAPSHOT_INTERVAL: ClassVar[int | None] = None  # bounded: one event, the activity held

    class Event(SopAggregate.Event):
        SOP_STEP = "3.4.1"

    class Held(Event, SopAggregate.Created):
        team: str
        activity: str
        purpose: str
        held_on: date
        participants: Attendees

        def apply(self, activity: TeamBuilding) -> None:
            activity.team = self.team
            activity.activity = self.activity
            activity.held_on = self.held_on
            activity.participants = self.participants

    if TYPE_CHECKING:
        team: str
        activity: str
        held_on: date
        participants: Attendees

    @classmethod
    def hold(
        cls,
        evidence: Evidence,
        *,
        activity_id: UUID,
        team: str,
        activity: str,
        purpose: str,
        held_on: date,
        participants: Attendees,
        today: date,
    ) -> TeamBuilding:
        happened_by(today, "3.4.1", held_on=held_on)
        return cls._start(
            cls.Held,
            evidence,
            id=activity_id,
            team=team,
            activity=activity,
            purpose=purpose,
            held_on=held_on,
            participants=participants,
        )
