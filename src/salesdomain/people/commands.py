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
    profile: JobProfile
    headcount: int = Field(ge=1, le=1000)
    justification: NonEmptyStr


class AgreeRequisition(Command):
    """The sales head agrees the hiring need."""

    SOP_STEP = "3.1.1"
    requisition_id: UUID
    comments: Text = ""


class ChooseHiringChannels(Command):
    """Choose where to advertise the position (job sites, campus, referrals, ...)."""

    SOP_STEP = "3.1.2"
    requisition_id: UUID
    channels: ChannelList


class CloseRequisition(Command):
    """Close a hiring need before it is filled (a filled one closes by itself)."""

    SOP_STEP = "3.1.1"
    requisition_id: UUID
    reason: NonEmptyStr


# ---- 3.1.3 Candidates ------------------------------------------------------------------------


class RecordApplication(Command):
    """A candidate applied for a requisition through one of its channels."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID = Field(default_factory=uuid4)
    requisition_id: UUID
    name: Name
    contact: Name
    channel: HiringChannel
    cv_summary: Text = ""


class ScreenCandidate(Command):
    """Screen the CV against each of the position's requirements: pass or fail, why."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID
    screening: Screening


class RecordInterview(Command):
    """A phone or on-site interview by an employee, scored 1-5 on each criterion."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID
    kind: InterviewKind
    held_on: Day
    interviewer_id: UUID
    scores: CriterionScoreList
    notes: Text = ""


class ForgetCandidate(Command):
    """Forget a candidate's personal data on their request (HR, ADR 13): name, contact,
    CV summary and interview notes read as erased from then on.  Say who asked and
    why without repeating the candidate's details."""

    SOP_STEP = "3.1.3"
    candidate_id: UUID
    reason: NonEmptyStr
    requested_by: Name


# ---- 3.1.4 Hiring decision -------------------------------------------------------------------


class DecideOnCandidate(Command):
    """Hire or reject, on the whole picture, with the reasons."""

    SOP_STEP = "3.1.4"
    candidate_id: UUID
    decision: HiringDecision
    reasons: NonEmptyStr


class SendOffer(Command):
    """Send (or revise) the offer: position, salary, start date, manager."""

    SOP_STEP = "3.1.4"
    candidate_id: UUID
    offer: Offer


class AcceptOffer(Command):
    SOP_STEP = "3.1.4"
    candidate_id: UUID


class DeclineOffer(Command):
    SOP_STEP = "3.1.4"
    candidate_id: UUID
    reason: NonEmptyStr


class SignLabourContract(Command):
    """The hire signed the labour contract: the candidate becomes an employee."""

    SOP_STEP = "3.1.4"
    candidate_id: UUID
    employee_id: UUID = Field(default_factory=uuid4)
    signed_on: Day
    contract_number: OptionalName = ""


class EnrolEmployee(Command):
    """Register someone outside recruitment: the company's first HR person founding the
    staff register, then only under an approved ``exception`` (e.g. staff hired before
    the system existed), which says whether they were onboarded already (3.2.1)."""

    SOP_STEP = "3.1.4"
    ADDED_LATER = frozenset({"exception"})
    employee_id: UUID = Field(default_factory=uuid4)
    name: Name
    position: Name
    team: Name
    manager_id: UUID | None = None
    roles: Annotated[Items[Role], AfterValidator(person_roles)] = Field(min_length=1)
    salary: Salary
    start_date: Day
    exception: EnrolmentException | None = None


# ---- 3.2 Training and development ------------------------------------------------------------


class CompleteOnboardingTraining(Command):
    """Onboarding training done: every topic covered."""

    SOP_STEP = "3.2.1"
    employee_id: UUID
    topics: TopicList
    completed_on: Day


class RecordTraining(Command, TrainingDetails):
    """One periodic training: topic, internal or external trainer, hours, date."""

    SOP_STEP = "3.2.2"
    employee_id: UUID


class SetCareerPlan(Command, CareerPlanDetails):
    """Set (or replace) the individual career development plan."""

    SOP_STEP = "3.2.3"
    employee_id: UUID


class ReviewCareerPlan(Command):
    SOP_STEP = "3.2.3"
    employee_id: UUID
    notes: NonEmptyStr
    next_review: Day


class ChangePosition(Command):
    SOP_STEP = "3.2.3"
    employee_id: UUID
    position: Name
    effective: Day
    reason: NonEmptyStr


class ChangeTeam(Command):
    SOP_STEP = "3.2.3"
    employee_id: UUID
    team: Name
    effective: Day


class ChangeManager(Command):
    """Make another active employee the manager (or none, at the top of the company)."""

    SOP_STEP = "3.2.3"
    employee_id: UUID
    manager_id: UUID | None


class GrantRole(Command):
    SOP_STEP = "3.1.4"
    employee_id: UUID
    role: Role

    @field_validator("role")
    @classmethod
    def _person_role(cls, role: Role) -> Role:
        person_roles((role,))
        return role


class RevokeRole(Command):
    SOP_STEP = "3.1.4"
    employee_id: UUID
    role: Role


# ---- 3.3.4 Promotion and pay (approved by the sender) ----------------------------------------


class Promote(Command):
    """Approve a promotion: new position, and where they change, roles and salary."""

    SOP_STEP = "3.3.4"
    employee_id: UUID
    position: Name
    roles: Items[Role] | None = None
    salary: Money | None = None
    effective: Day
    reason: NonEmptyStr

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
    salary: Salary
    effective: Day
    reason: NonEmptyStr


class RecordLeaving(Command):
    SOP_STEP = "3.1.4"
    employee_id: UUID
    reason: LeavingReason
    details: Text = ""
    last_day: Day


# ---- 1 Goal-driven: sales targets (recorded under 3.3.1) -------------------------------------


class SetSalesTarget(Command):
    """Set or revise the sales target of a representative or a team for a period."""

    SOP_STEP = "3.3.1"
    employee_id: UUID | None = None
    team: OptionalName = ""
    period: Period
    figures: TargetFigures

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        if (self.employee_id is None) == (not self.team):
            raise ValueError("name either the employee_id or the team, not both")
        return self
