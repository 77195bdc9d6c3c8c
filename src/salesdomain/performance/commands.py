"""Commands of performance and teamwork (SOP 3.3, 3.4)."""

from __future__ import annotations

from uuid import UUID, uuid4

from pydantic import Field, field_validator

from salesdomain.bounds import COUNT_LIMIT
from salesdomain.commands import Command
from salesdomain.people.values import Period
from salesdomain.performance.values import (
    ActionItem,
    ActualList,
    AttendeeList,
    CoachingPlan,
    ExpenseCategory,
    FeedbackInterview,
    HandOff,
    ImprovementPlan,
    Incentive,
    IndicatorScoringList,
    IndicatorSpecList,
    MeetingKind,
    SelfAssessment,
)
from salesdomain.values import Day, Items, Money, Name, NonEmptyStr, Text

# ---- 3.3.1 KPI system, 3.3.2 cycle -----------------------------------------------------


class DefineKpiScheme(Command):
    """Define the weighted indicators of a period's appraisals; the period names the cycle."""

    SOP_STEP = "3.3.1"
    period: Period
    title: Name
    specs: IndicatorSpecList


class ReviseKpiScheme(Command):
    """Change a scheme's indicators before any appraisal uses it."""

    SOP_STEP = "3.3.1"
    period: Period
    specs: IndicatorSpecList
    reason: NonEmptyStr


class RecordSalesExpense(Command):
    """Record an employee's sales expense, for the expense-control indicator."""

    SOP_STEP = "3.3.1"
    expense_id: UUID = Field(default_factory=uuid4)
    employee_id: UUID
    incurred_on: Day
    category: ExpenseCategory
    amount: Money
    description: NonEmptyStr
    opportunity_id: UUID | None = None

    @field_validator("amount")
    @classmethod
    def _positive(cls, amount: Money) -> Money:
        if amount.amount <= 0:
            raise ValueError("an expense is more than zero")
        return amount


class ApproveSalesExpense(Command):
    SOP_STEP = "3.3.1"
    expense_id: UUID
    comments: Text = ""


class RejectSalesExpense(Command):
    SOP_STEP = "3.3.1"
    expense_id: UUID
    reason: NonEmptyStr


# ---- 3.3.3 Appraisal -----------------------------------------------------------------------


class OpenAppraisal(Command):
    """Open the employee's appraisal for a period that has ended; its id is
    ``Appraisal.id_for(employee_id, period)``."""

    SOP_STEP = "3.3.3"
    employee_id: UUID
    period: Period


class RecordActuals(Command):
    """Record the period's actual figure of every indicator, with its source."""

    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    figures: ActualList


class SubmitSelfAssessment(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    assessment: SelfAssessment


class ScoreAppraisal(Command):
    """The supervisor's comment on every indicator; each scores what the KPI system's
    formula gives from its actual and target, unless the supervisor judges it
    otherwise where the policy allows (a ``score`` within the policy's bound, and why)."""

    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    scores: IndicatorScoringList


class RecordFeedbackInterview(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    interview: FeedbackInterview


class AgreeImprovementPlan(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    plan: ImprovementPlan


class FinaliseAppraisal(Command):
    """Compute the final score and its rating band."""

    SOP_STEP = "3.3.3"
    appraisal_id: UUID


class CloseAppraisal(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID


# ---- 3.3.4 Incentives ----------------------------------------------------------------------


class DecideIncentive(Command):
    """Approve a bonus, pay change, promotion or recognition on a finalised appraisal."""

    SOP_STEP = "3.3.4"
    appraisal_id: UUID
    incentive: Incentive


class PlanCoaching(Command):
    """Coaching and training for a result below standard."""

    SOP_STEP = "3.3.4"
    appraisal_id: UUID
    plan: CoachingPlan


class ResolveEscalation(Command):
    SOP_STEP = "3.3.4"
    escalation_id: UUID
    outcome: NonEmptyStr


# ---- 3.4 Teamwork and communication --------------------------------------------------------


class HoldTeamMeeting(Command):
    """Record a team meeting: attendees, progress, problems, decisions, action items."""

    SOP_STEP = "3.4.2"
    meeting_id: UUID = Field(default_factory=uuid4)
    kind: MeetingKind
    held_on: Day
    team: Name
    attendees: AttendeeList
    progress: NonEmptyStr
    problems: Text = ""
    decisions: Items[NonEmptyStr] = ()
    action_items: Items[ActionItem] = ()


class AgreeHandOff(Command):
    """Add to a meeting a hand-off from one department to another, with owner and due date."""

    SOP_STEP = "3.4.3"
    meeting_id: UUID
    description: NonEmptyStr
    owner_id: UUID
    due_on: Day
    handoff: HandOff


class CompleteActionItem(Command):
    """The owner (or the chair) completes an action item; owners may be in any department."""

    SOP_STEP = "3.4.3"
    meeting_id: UUID
    item_number: int = Field(ge=1, le=COUNT_LIMIT)
    outcome: NonEmptyStr


class RecordTeamBuilding(Command):
    """Record a team-building activity the team held: what it was, why, when, who took part."""

    SOP_STEP = "3.4.1"
    activity_id: UUID = Field(default_factory=uuid4)
    team: Name
    activity: Name
    purpose: NonEmptyStr
    held_on: Day
    participants: AttendeeList
