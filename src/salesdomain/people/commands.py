"""Commands of sales team management: recruitment, employees, training, targets.

SOP 3.1 (requisitions, candidates, hiring), 3.2 (training and development), 3.3.4
(promotions and pay) and the goal-driven principle of section 1 (sales targets,
recorded under the KPI system, 3.3.1).
"""

from __future__ import annotations

from typing import Annotated, Self
from uuid import UUID, uuid4

from pydantic import AfterValidator, Field, field_validator, model_validator

from salesdomain.commands import Command
from salesdomain.people.values import (
    CareerPlanDetails,
    ChannelList,
    CriterionScoreList,
    EnrolmentException,
    HiringChannel,
    HiringDecision,
    InterviewKind,
    JobProfile,
    LeavingReason,
    Offer,
    Period,
    Salary,
    Screening,
    TargetFigures,
    TopicList,
    TrainingDetails,
    person_roles,
)
from salesdomain.sop import Role
from salesdomain.values import (
    Day,
    Items,
    Money,
    Name,
    NonEmptyStr,
    OptionalName,
    Text,
)

# ---- 3.1.1 / 3.1.2 Requisitions ------------------------------------------------------------


class OpenRequisition(Command):
    """Raise a hiring need: position, headcount, duties and requirements."""

    SOP_STEP = "3.1.1"
    requisition_id: UUID = Field(default_factory=uuid4)
    """The hiring need's id (made up if left out)."""
    profile: JobProfile
    """The position, team, roles, duties and requirements (3.1.1)."""
    headcount: int = Field(ge=1, le=1000)
    """How many people are needed."""
    justification: NonEmptyStr
    """Why they are needed."""


class AgreeRequisition(Command):
    """The sales head agrees the hiring need."""

    SOP_STEP = "3.1.1"
    requisition_id: UUID
    """The hiring need agreed by the sales head (3.1.1)."""
    comments: Text = ""
    """The sales head's comments."""


class ChooseHiringChannels(Command):
    """Choose where to advertise the position (job sites, campus, referrals, ...)."""

    SOP_STEP = "3.1.2"
    requisition_id: UUID
    """The hiring need (3.1.2)."""
    channels: ChannelList
    """The channels chosen: job sites, social media, campus, job fairs, forums, referrals."""


class CloseRequisition(Command):
    """Close a hiring need before it is filled (a filled one closes by itself)."""

    SOP_STEP = "3.1.1"
    requisition_id: UUID
    """The hiring need closed."""
    reason: NonEmptyStr
    """Why it is closed."""


# ---- 3.1.3 Candidates ------------------------------------------------------------------------


class RecordApplication(Command):
    """A candidate applied for a requisition through one of its channels."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID = Field(default_factory=uuid4)
    """The candidate's id (made up if left out)."""
    requisition_id: UUID
    """The hiring need applied to (3.1.3)."""
    name: Name
    """The candidate's name."""
    contact: Name
    """How to reach the candidate."""
    channel: HiringChannel
    """The channel the application came through."""
    cv_summary: Text = ""
    """A summary of the CV."""


class ScreenCandidate(Command):
    """Screen the CV against each of the position's requirements: pass or fail, why."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID
    """The candidate screened (3.1.3)."""
    screening: Screening
    """The CV checked against each requirement."""


class RecordInterview(Command):
    """A phone or on-site interview by an employee, scored 1-5 on each criterion."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID
    """The candidate interviewed (3.1.3)."""
    kind: InterviewKind
    """Phone or on-site interview."""
    held_on: Day
    interviewer_id: UUID
    """The interviewer."""
    scores: CriterionScoreList
    """Scores for product knowledge, selling skill, communication, teamwork, professionalism."""
    notes: Text = ""
    """The interviewer's notes."""


class ForgetCandidate(Command):
    """Forget a candidate's personal data on their request (HR, ADR 13): name, contact,
    CV summary and interview notes read as erased from then on.  Say who asked and
    why without repeating the candidate's details."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID
    """The candidate whose personal data is erased."""
    reason: NonEmptyStr
    """Why the data is erased."""
    requested_by: Name
    """Who asked for it."""


# ---- 3.1.4 Hiring decision -------------------------------------------------------------------


class DecideOnCandidate(Command):
    """Hire or reject, on the whole picture, with the reasons."""

    SOP_STEP = "3.1.4"
    candidate_id: UUID
    """The candidate (3.1.4)."""
    decision: HiringDecision
    """Hire or reject."""
    reasons: NonEmptyStr
    """The reasons, on the whole picture."""


class SendOffer(Command):
    """Send (or revise) the offer: position, salary, start date, manager."""

    SOP_STEP = "3.1.4"
    candidate_id: UUID
    """The candidate hired (3.1.4)."""
    offer: Offer
    """The agreed position, salary and manager."""


class AcceptOffer(Command):
    SOP_STEP = "3.1.4"
    candidate_id: UUID
    """The candidate who accepts the offer (3.1.4)."""


class DeclineOffer(Command):
    SOP_STEP = "3.1.4"
    candidate_id: UUID
    """The candidate who declines the offer."""
    reason: NonEmptyStr
    """Why they decline."""


class SignLabourContract(Command):
    """The hire signed the labour contract: the candidate becomes an employee."""

    SOP_STEP = "3.1.4"
    candidate_id: UUID
    """The hire who signs (3.1.4)."""
    employee_id: UUID = Field(default_factory=uuid4)
    """The new employee's id (made up if left out)."""
    signed_on: Day
    contract_number: OptionalName = ""
    """The labour contract's number."""


class EnrolEmployee(Command):
    """Register someone outside recruitment: the company's first HR person founding the
    staff register, then only under an approved ``exception`` (e.g. staff hired before
    the system existed), which says whether they were onboarded already (3.2.1)."""

    SOP_STEP = "3.1.4"
    ADDED_LATER = frozenset({"exception"})
    employee_id: UUID = Field(default_factory=uuid4)
    """The new employee's id (made up if left out)."""
    name: Name
    """The employee's full name."""
    position: Name
    """The employee's position."""
    team: Name
    """The employee's team."""
    manager_id: UUID | None = None
    """The employee's manager, if any."""
    roles: Annotated[Items[Role], AfterValidator(person_roles)] = Field(min_length=1)
    """The roles the employee holds (sales representative, sales manager, ...)."""
    salary: Salary
    """The monthly salary."""
    start_date: Day
    exception: EnrolmentException | None = None
    """An approved exception to enrolling without the hiring steps (3.1.4)."""


# ---- 3.2 Training and development ------------------------------------------------------------


class CompleteOnboardingTraining(Command):
    """Onboarding training done: every topic covered."""

    SOP_STEP = "3.2.1"
    employee_id: UUID
    """The new hire trained (3.2.1)."""
    topics: TopicList
    """Topics covered: company, culture, sales policy, products, selling, customer service."""
    completed_on: Day


class RecordTraining(Command, TrainingDetails):
    """One periodic training: topic, internal or external trainer, hours, date."""

    SOP_STEP = "3.2.2"
    employee_id: UUID
    """The employee trained (3.2.2)."""


class SetCareerPlan(Command, CareerPlanDetails):
    """Set (or replace) the individual career development plan."""

    SOP_STEP = "3.2.3"
    employee_id: UUID
    """The employee the plan is for (3.2.3)."""


class ReviewCareerPlan(Command):
    SOP_STEP = "3.2.3"
    employee_id: UUID
    """The employee whose career plan is reviewed (3.2.3)."""
    notes: NonEmptyStr
    """What the review found."""
    next_review: Day


class ChangePosition(Command):
    SOP_STEP = "3.2.3"
    employee_id: UUID
    """The employee whose position changes."""
    position: Name
    """The position the employee moves to."""
    effective: Day
    reason: NonEmptyStr
    """Why the position changes."""


class ChangeTeam(Command):
    SOP_STEP = "3.2.3"
    employee_id: UUID
    """The employee who moves team."""
    team: Name
    """The team the employee moves to."""
    effective: Day


class ChangeManager(Command):
    """Make another active employee the manager (or none, at the top of the company)."""

    SOP_STEP = "3.2.3"
    employee_id: UUID
    """The employee whose manager changes."""
    manager_id: UUID | None
    """The new manager (none: reports to no one)."""


class GrantRole(Command):
    SOP_STEP = "3.1.4"
    employee_id: UUID
    """The employee given the role."""
    role: Role
    """The role granted."""

    @field_validator("role")
    @classmethod
    def _person_role(cls, role: Role) -> Role:
        person_roles((role,))
        return role


class RevokeRole(Command):
    SOP_STEP = "3.1.4"
    employee_id: UUID
    """The employee losing the role."""
    role: Role
    """The role withdrawn."""


# ---- 3.3.4 Promotion and pay (approved by the sender) ----------------------------------------


class Promote(Command):
    """Approve a promotion: new position, and where they change, roles and salary."""

    SOP_STEP = "3.3.4"
    employee_id: UUID
    """The employee promoted (3.2.3)."""
    position: Name
    """The new position."""
    roles: Items[Role] | None = None
    """The roles held after the promotion, if they change."""
    salary: Money | None = None
    """The new monthly salary, if it changes."""
    effective: Day
    reason: NonEmptyStr
    """Why the employee is promoted."""

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.roles is not None:
            if not self.roles:
                raise ValueError("a promotion leaves the employee at least one role")
            person_roles(self.roles)
        return self


class ChangePay(Command):
    """Approve a pay change."""

    SOP_STEP = "3.3.4"
    employee_id: UUID
    """The employee whose pay changes."""
    salary: Salary
    """The new monthly salary."""
    effective: Day
    reason: NonEmptyStr
    """Why the pay changes."""


class RecordLeaving(Command):
    SOP_STEP = "3.1.4"
    employee_id: UUID
    """The employee who leaves."""
    reason: LeavingReason
    """Why they leave."""
    details: Text = ""
    """More about the leaving, for the staff record."""
    last_day: Day


# ---- 1 Goal-driven: sales targets (recorded under 3.3.1) -------------------------------------


class SetSalesTarget(Command):
    """Set or revise the sales target of a representative or a team for a period."""

    SOP_STEP = "3.3.1"
    employee_id: UUID | None = None
    """The representative the target is for (or a team's)."""
    team: OptionalName = ""
    """The team the target is for (or a representative's)."""
    period: Period
    """The target's period (a year, quarter or month)."""
    figures: TargetFigures
    """The target figures: revenue, profit, units, new customers, visits."""

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        if (self.employee_id is None) == (not self.team):
            raise ValueError("name either the employee_id or the team, not both")
        return self
