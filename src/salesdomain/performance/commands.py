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
    """The period the scheme applies to (3.3.1)."""
    title: Name
    """A name for the scheme, shown on appraisals."""
    specs: IndicatorSpecList
    """The weighted indicators with their targets and calculation."""


class ReviseKpiScheme(Command):
    """Change a scheme's indicators before any appraisal uses it."""

    SOP_STEP = "3.3.1"
    period: Period
    """The period of the scheme revised."""
    specs: IndicatorSpecList
    """The revised weighted indicators."""
    reason: NonEmptyStr
    """Why it is revised."""


class RecordSalesExpense(Command):
    """Record an employee's sales expense, for the expense-control indicator."""

    SOP_STEP = "3.3.1"
    expense_id: UUID = Field(default_factory=uuid4)
    """The expense's id (made up if left out)."""
    employee_id: UUID
    """The employee who spent it."""
    incurred_on: Day
    category: ExpenseCategory
    """The expense's category."""
    amount: Money
    """The amount spent."""
    description: NonEmptyStr
    """What it was spent on."""
    opportunity_id: UUID | None = None
    """The deal it was spent on, if any."""

    @field_validator("amount")
    @classmethod
    def _positive(cls, amount: Money) -> Money:
        if amount.amount <= 0:
            raise ValueError("an expense is more than zero")
        return amount


class ApproveSalesExpense(Command):
    SOP_STEP = "3.3.1"
    expense_id: UUID
    """The sales expense approved."""
    comments: Text = ""
    """The approver's comments."""


class RejectSalesExpense(Command):
    SOP_STEP = "3.3.1"
    expense_id: UUID
    """The sales expense refused."""
    reason: NonEmptyStr
    """Why it is refused."""


# ---- 3.3.3 Appraisal -----------------------------------------------------------------------


class OpenAppraisal(Command):
    """Open the employee's appraisal for a period that has ended; its id is
    ``Appraisal.id_for(employee_id, period)``."""

    SOP_STEP = "3.3.3"
    employee_id: UUID
    """The employee appraised (3.3.3)."""
    period: Period
    """The appraisal period (a month, quarter or year, 3.3.2)."""


class RecordActuals(Command):
    """Record the period's actual figure of every indicator, with its source."""

    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    """The appraisal (3.3.3)."""
    figures: ActualList
    """The actual figure of each indicator, with its source."""


class SubmitSelfAssessment(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    """The appraisal (3.3.3)."""
    assessment: SelfAssessment
    """The employee's self-assessment."""


class ScoreAppraisal(Command):
    """The supervisor's comment on every indicator; each scores what the KPI system's
    formula gives from its actual and target, unless the supervisor judges it
    otherwise where the policy allows (a ``score`` within the policy's bound, and why)."""

    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    """The appraisal (3.3.3)."""
    scores: IndicatorScoringList
    """The supervisor's score of each indicator."""


class RecordFeedbackInterview(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    """The appraisal (3.3.3)."""
    interview: FeedbackInterview
    """What was said in the feedback interview."""


class AgreeImprovementPlan(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    """The appraisal (3.3.3)."""
    plan: ImprovementPlan
    """The agreed improvement goals and support."""


class FinaliseAppraisal(Command):
    """Compute the final score and its rating band."""

    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    """The appraisal finalised (3.3.3)."""


class CloseAppraisal(Command):
    SOP_STEP = "3.3.3"
    appraisal_id: UUID
    """The appraisal closed (3.3.3)."""


# ---- 3.3.4 Incentives ----------------------------------------------------------------------


class DecideIncentive(Command):
    """Approve a bonus, pay change, promotion or recognition on a finalised appraisal."""

    SOP_STEP = "3.3.4"
    appraisal_id: UUID
    """The appraisal (3.3.4)."""
    incentive: Incentive
    """The incentive: bonus, pay change, promotion or recognition."""


class PlanCoaching(Command):
    """Coaching and training for a result below standard."""

    SOP_STEP = "3.3.4"
    appraisal_id: UUID
    """The appraisal (3.3.4)."""
    plan: CoachingPlan
    """The coaching and training for an employee below standard."""


class ResolveEscalation(Command):
    SOP_STEP = "3.3.4"
    escalation_id: UUID
    """The escalation raised for repeated failure (3.3.4)."""
    outcome: NonEmptyStr
    """How it was handled under company rules."""


# ---- 3.4 Teamwork and communication --------------------------------------------------------


class HoldTeamMeeting(Command):
    """Record a team meeting: attendees, progress, problems, decisions, action items."""

    SOP_STEP = "3.4.2"
    meeting_id: UUID = Field(default_factory=uuid4)
    """The meeting's id (made up if left out)."""
    kind: MeetingKind
    """Weekly, monthly or quarterly (3.4.2)."""
    held_on: Day
    team: Name
    """The team that met."""
    attendees: AttendeeList
    """Who attended."""
    progress: NonEmptyStr
    """Progress reported."""
    problems: Text = ""
    """Problems raised."""
    decisions: Items[NonEmptyStr] = ()
    """Decisions taken."""
    action_items: Items[ActionItem] = ()
    """Action items agreed, each with an owner."""


class AgreeHandOff(Command):
    """Add to a meeting a hand-off from one department to another, with owner and due date."""

    SOP_STEP = "3.4.3"
    meeting_id: UUID
    """The meeting where the hand-off was agreed (3.4.3)."""
    description: NonEmptyStr
    """What is handed off."""
    owner_id: UUID
    """The employee responsible."""
    due_on: Day
    handoff: HandOff
    """From which department to which."""


class CompleteActionItem(Command):
    """The owner (or the chair) completes an action item; owners may be in any department."""

    SOP_STEP = "3.4.3"
    meeting_id: UUID
    """The team meeting (3.4.2)."""
    item_number: int = Field(ge=1, le=COUNT_LIMIT)
    """The action item's number."""
    outcome: NonEmptyStr
    """What was done."""


class RecordTeamBuilding(Command):
    """Record a team-building activity the team held: what it was, why, when, who took part."""

    SOP_STEP = "3.4.1"
    activity_id: UUID = Field(default_factory=uuid4)
    """The activity's id (made up if left out)."""
    team: Name
    """The team (3.4.1)."""
    activity: Name
    """What the team did."""
    purpose: NonEmptyStr
    """What the activity is meant to build."""
    held_on: Day
    participants: AttendeeList
    """Who took part."""
