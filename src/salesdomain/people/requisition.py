"""Requisition: a hiring need, from agreement to filled (SOP 3.1.1, 3.1.2, 3.1.4).

HR or a sales lead raises the need (position, team, roles, headcount, duties and
requirements); the sales head (the sales director) agrees it; HR chooses the channels
it is advertised through.  Candidates apply only to an agreed need with channels
chosen, through one of them.  Each signed labour contract fills one position; a
requisition never hires more than its headcount and closes by itself when filled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.people.values import HiringChannel, HiringChannels, JobProfile
from salesdomain.rules.recruitment import (
    CHANNELS_FOR_AGREED_NEED,
    HIRING_NEED_AGREED_ONCE,
    REQUISITION_CLOSED,
    REQUISITION_WITHIN_HEADCOUNT,
)
from salesdomain.sop import Role

SALES_HEAD = Role.SALES_DIRECTOR
"""Who agrees hiring needs (SOP 3.1.1: "agreed with the sales head")."""


class Requisition(SopAggregate):
    class Event(SopAggregate.Event):
        pass

    class Opened(Event, SopAggregate.Created):
        SOP_STEP = "3.1.1"
        profile: JobProfile
        headcount: int
        justification: str

        def apply(self, req: Requisition) -> None:
            req.profile = self.profile
            req.headcount = self.headcount
            req.agreed = False
            req.channels = None
            req.filled = 0
            req.is_closed = False
            req.close_reason = ""

    class Agreed(Event):
        SOP_STEP = "3.1.1"
        comments: str

        def apply(self, req: Requisition) -> None:
            req.agreed = True

    class ChannelsChosen(Event):
        SOP_STEP = "3.1.2"
        channels: HiringChannels

        def apply(self, req: Requisition) -> None:
            req.channels = self.channels

    class PositionFilled(Event):
        SOP_STEP = "3.1.4"
        candidate_id: UUID
        employee_id: UUID
        filled: int
        headcount: int

        def apply(self, req: Requisition) -> None:
            req.filled = self.filled

    class Closed(Event):
        # Under 3.1.4 when the last position is filled, else under 3.1.1.
        reason: str
        filled: int

        def apply(self, req: Requisition) -> None:
            req.is_closed = True
            req.close_reason = self.reason

    if TYPE_CHECKING:
        profile: JobProfile
        headcount: int
        agreed: bool
        channels: HiringChannels | None
        filled: int
        is_closed: bool
        close_reason: str

    @classmethod
    def open(
        cls,
        evidence: Evidence,
        *,
        requisition_id: UUID,
        profile: JobProfile,
        headcount: int,
        justification: str,
    ) -> Requisition:
        return cls._start(
            cls.Opened,
            evidence,
            id=requisition_id,
            profile=profile,
            headcount=headcount,
            justification=justification,
        )

    def agree(self, evidence: Evidence, *, comments: str) -> None:
        self.ensure_open("3.1.1")
        if evidence.actor.role is not SALES_HEAD:
            raise NotAuthorised(
                "3.1.1",
                str(evidence.actor),
                "is not the sales head: hiring needs are agreed with the sales director",
            )
        if self.agreed:
            raise SopRuleViolation(HIRING_NEED_AGREED_ONCE, self.profile.position)
        self._record(self.Agreed, evidence, comments=comments)

    def choose_channels(self, evidence: Evidence, channels: tuple[HiringChannel, ...]) -> None:
        self.ensure_open("3.1.2")
        if not self.agreed:
            raise SopRuleViolation(CHANNELS_FOR_AGREED_NEED, self.profile.position)
        self._record(self.ChannelsChosen, evidence, channels=HiringChannels(channels=channels))

    def fill(self, evidence: Evidence, *, candidate_id: UUID, employee_id: UUID) -> None:
        """One more position filled by a signed labour contract; closes when all are."""
        if self.filled >= self.headcount:
            raise SopRuleViolation(
                REQUISITION_WITHIN_HEADCOUNT,
                f"{self.filled} of {self.headcount} {self.profile.position} position(s) filled",
            )
        self.ensure_open("3.1.4")
        filled = self.filled + 1
        self._record(
            self.PositionFilled,
            evidence,
            candidate_id=candidate_id,
            employee_id=employee_id,
            filled=filled,
            headcount=self.headcount,
        )
        if filled == self.headcount:
            self._record(
                self.Closed,
                evidence,
                sop_step="3.1.4",
                reason="all positions filled",
                filled=filled,
            )

    def close(self, evidence: Evidence, *, reason: str) -> None:
        self.ensure_open("3.1.1")
        self._record(self.Closed, evidence, sop_step="3.1.1", reason=reason, filled=self.filled)

    # ---- reading --------------------------------------------------------------------

    def takes_applications_through(self, channel: HiringChannel) -> bool:
        return self.channels is not None and channel in self.channels.channels

    def ensure_open(self, code: str) -> None:
        if self.is_closed:
            raise SopRuleViolation(
                REQUISITION_CLOSED, f"{self.profile.position}: {self.close_reason}", at_step=code
            )
