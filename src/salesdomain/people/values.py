"""Value objects of sales team management: hiring, training, careers, targets (SOP 1, 3.1, 3.2)."""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Annotated, ClassVar, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from salesdomain.bounds import FIRST_DAY, LAST_DAY, QUANTITY_LIMIT, QUANTITY_PLACES
from salesdomain.labels import Labelled
from salesdomain.personal import PersonalData, PersonalNote
from salesdomain.sop import Role
from salesdomain.values import (
    Count,
    Day,
    Items,
    Money,
    Name,
    NonEmptyStr,
    OptionalName,
    Text,
    ValueObject,
    each_once,
    named_once,
    stored_enum,
)

# ---- 3.1 Recruitment ----------------------------------------------------------------------


@stored_enum
class HiringChannel(Enum):
    """Where candidates are sought (SOP 3.1.2)."""

    JOB_SITE = "job_site"
    SOCIAL_MEDIA = "social_media"
    CAMPUS = "campus"
    JOB_FAIR = "job_fair"
    FORUM = "forum"
    REFERRAL = "referral"


@stored_enum
class InterviewKind(Enum):
    PHONE = "phone"
    ON_SITE = "on_site"


@stored_enum
class InterviewCriterion(Labelled):
    """What every interview assesses (SOP 3.1.3)."""

    PRODUCT_KNOWLEDGE = "product_knowledge"
    SELLING_SKILL = "selling_skill"
    COMMUNICATION = "communication"
    TEAMWORK = "teamwork"
    PROFESSIONALISM = "professionalism"


@stored_enum
class HiringDecision(Enum):
    HIRE = "hire"
    REJECT = "reject"


def person_roles(roles: tuple[Role, ...]) -> tuple[Role, ...]:
    """Roles a person may hold: each once, never the role of named policies."""
    named_once(roles, "role")
    if Role.AUTOMATED_POLICY in roles:
        raise ValueError("automated policy is the role of named policies, not of a person")
    return roles


def _positive_salary(salary: Money) -> Money:
    if salary.amount <= 0:
        raise ValueError("the salary must be more than zero")
    return salary


Salary = Annotated[Money, AfterValidator(_positive_salary)]
"""A salary: more than zero."""


class RoleSet(ValueObject):
    """The roles a person holds: each once, in a fixed order, never the policy role."""

    roles: Items[Role] = Field(min_length=1)
    """The roles the hire will hold."""

    @field_validator("roles")
    @classmethod
    def _valid(cls, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        person_roles(roles)
        order = list(Role)
        return tuple(sorted(roles, key=order.index))

    @classmethod
    def of(cls, *roles: Role) -> RoleSet:
        return cls(roles=roles)

    def __str__(self) -> str:
        return ", ".join(role.label for role in self.roles)


class EnrolmentException(ValueObject):
    """Enrolling someone outside recruitment once the staff register is founded (SOP
    3.1.4), e.g. staff hired before the system existed: who approved it, under which
    role, and why.  ``onboarded`` says the exception also covers onboarding (3.2.1): the
    employee was onboarded before the system, so it is recorded done; otherwise it is
    completed by its own step.  ``approver_name`` is the staff register's name for the
    approver, filled in when the enrolment is recorded."""

    approved_by: UUID
    """The employee who approved the exception."""
    approver_role: Role
    """The role under which they approved it."""
    approver_name: OptionalName = ""
    """The approver's name."""
    reason: NonEmptyStr
    """Why the hiring steps were skipped."""
    onboarded: bool = False
    """Whether the onboarding formalities are done."""


class JobProfile(ValueObject):
    """A position to fill: what it is, the roles it carries, duties and requirements."""

    position: Name
    """The position to fill."""
    team: Name
    """The team the hire joins."""
    roles: RoleSet
    """The roles the hire will hold."""
    duties: Items[NonEmptyStr] = Field(min_length=1)
    """What the hire will do."""
    requirements: Annotated[Items[NonEmptyStr], each_once("requirement", by=str.casefold)] = Field(
        min_length=1
    )
    """The requirements CVs are screened against."""


ChannelList = Annotated[Items[HiringChannel], Field(min_length=1), each_once("channel")]


class HiringChannels(ValueObject):
    """The channels a requisition is advertised through (SOP 3.1.2)."""

    channels: ChannelList


class CandidateDetails(PersonalData):
    """Who the candidate is: personal data of the candidate as a data subject (ADR 13).

    The subject is the candidate (``subject_id`` is the candidate's id)."""

    name: Name
    contact: str = ""
    cv_summary: str = ""


class RequirementCheck(ValueObject):
    """One requirement of the position, checked against the CV."""

    requirement: NonEmptyStr
    """The job profile's requirement checked."""
    met: bool
    """Whether the CV meets it."""
    note: Text = ""
    """What in the CV shows it."""


class Screening(ValueObject):
    """The CV screened against the position's requirements (SOP 3.1.3)."""

    checks: Annotated[
        Items[RequirementCheck],
        Field(min_length=1),
        each_once("requirement", by=lambda check: check.requirement.casefold()),
    ]
    """Each requirement checked."""
    passed: bool
    """Whether the candidate passes to interviews."""
    reasons: NonEmptyStr
    """Why the candidate passes or not."""

    @property
    def unmet(self) -> tuple[str, ...]:
        return tuple(c.requirement for c in self.checks if not c.met)


class CriterionScore(ValueObject):
    criterion: InterviewCriterion
    """What is scored."""
    score: Annotated[int, Field(ge=1, le=5)]
    """The score, 1 to 5."""
    comment: Text = ""
    """What the score rests on."""


CriterionScoreList = Annotated[
    Items[CriterionScore], Field(min_length=1), each_once("criterion", by=attrgetter("criterion"))
]


class Interview(ValueObject):
    """One interview, by a named interviewer, scored per criterion from 1 to 5 (SOP 3.1.3)."""

    kind: InterviewKind
    held_on: Day
    interviewer_id: UUID
    interviewer_name: Name
    scores: CriterionScoreList
    notes: PersonalNote = PersonalNote()
    """The interviewer's notes: personal data of the candidate (ADR 13)."""

    @field_validator("notes", mode="before")
    @classmethod
    def _notes_from_text(cls, value: object) -> object:
        return PersonalNote(text=value) if isinstance(value, str) else value

    @property
    def average(self) -> Decimal:
        total = sum((Decimal(s.score) for s in self.scores), Decimal(0))
        return (total / len(self.scores)).quantize(Decimal("0.01"))


class Offer(ValueObject):
    """What the company offers: position, salary and start date (SOP 3.1.4)."""

    position: Name
    """The position offered."""
    salary: Salary
    """The monthly salary offered."""
    start_date: Day
    manager_id: UUID | None = None
    """The manager the hire will report to."""


# ---- 3.2 Training and development ---------------------------------------------------------


@stored_enum
class OnboardingTopic(Labelled):
    """What onboarding training covers (SOP 3.2.1); every topic is required."""

    COMPANY = "company"
    CULTURE = "culture"
    SALES_POLICY = "sales_policy"
    PRODUCTS = "products"
    SELLING_SKILLS = "selling_skills"
    CUSTOMER_SERVICE = "customer_service"


TopicList = Annotated[Items[OnboardingTopic], Field(min_length=1), each_once("topic")]


class OnboardingTopics(ValueObject):
    topics: TopicList


@stored_enum
class TrainerKind(Enum):
    INTERNAL = "internal"
    EXTERNAL = "external"


class TrainingDetails(BaseModel):
    """What one periodic training was: topic, trainer, hours and date; the fields of a
    ``Training`` and of the command that records one (a mixin)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    topic: Name
    """The training's topic."""
    trainer_kind: TrainerKind
    """Internal or external trainer, or an external course."""
    trainer: Name
    """Who gave the training."""
    hours: Annotated[Decimal, Field(gt=0, le=1000)]
    """How many hours."""
    held_on: Day
    course: OptionalName = ""
    """The external course's name."""


class Training(TrainingDetails, ValueObject):
    """One periodic training (SOP 3.2.2): topic, trainer, hours and date."""


class CareerGoal(ValueObject):
    description: NonEmptyStr
    """What the employee aims for."""
    due: Day | None = None
    """When it should be reached."""


class CareerPlanDetails(BaseModel):
    """Goals, promotion path and next review: the fields of a ``CareerPlan`` and of the
    command that sets one (a mixin)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    goals: Items[CareerGoal] = Field(min_length=1)
    """The plan's goals."""
    promotion_path: Items[Name] = ()
    """The positions on the promotion path."""
    next_review: Day


class CareerPlan(CareerPlanDetails, ValueObject):
    """An individual development plan with its promotion path (SOP 3.2.3)."""


@stored_enum
class LeavingReason(Enum):
    RESIGNED = "resigned"
    DISMISSED = "dismissed"
    CONTRACT_ENDED = "contract_ended"
    RETIRED = "retired"
    OTHER = "other"


# ---- 1 Goal-driven: sales targets per period -----------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")


class Period(ValueObject):
    """A sales period: a year ("2026"), a quarter ("2026-Q1") or a month ("2026-03")."""

    stored_as: ClassVar[str] = "SalesPeriod"
    code: Annotated[str, Field(max_length=7, examples=["2026", "2026-Q1", "2026-03"])]
    """The period: a year (2026), quarter (2026-Q1) or month (2026-03)."""

    @model_validator(mode="before")
    @classmethod
    def _from_code(cls, data: object) -> object:
        return {"code": data} if isinstance(data, str) else data

    @field_validator("code", mode="before")
    @classmethod
    def _normalised(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper()
            found = _PERIOD.match(value)
            if not found:
                raise ValueError(
                    "a period is a year (2026), a quarter (2026-Q1) or a month (2026-03)"
                )
            if not FIRST_DAY.year <= int(found.group(1)) <= LAST_DAY.year:
                raise ValueError(f"a period lies in the years {FIRST_DAY.year} to {LAST_DAY.year}")
        return value

    @classmethod
    def parse(cls, code: str) -> Period:
        return cls(code=code)

    @property
    def kind(self) -> str:
        """ "year", "quarter" or "month"."""
        found = _PERIOD.match(self.code)
        assert found is not None
        if found.group(2):
            return "quarter"
        return "month" if found.group(3) else "year"

    def _months(self) -> tuple[int, int, int]:
        found = _PERIOD.match(self.code)
        assert found is not None
        year = int(found.group(1))
        if found.group(2):
            first = 3 * (int(found.group(2)) - 1) + 1
            return year, first, first + 2
        if found.group(3):
            month = int(found.group(3))
            return year, month, month
        return year, 1, 12

    @property
    def start(self) -> date:
        year, first, _last = self._months()
        return date(year, first, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        year, _first, last = self._months()
        return date(year, last, calendar.monthrange(year, last)[1])

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.code


@stored_enum
class TargetSubjectKind(Enum):
    EMPLOYEE = "employee"
    TEAM = "team"


class TargetSubject(ValueObject):
    """Whose target it is: one employee, or a team."""

    kind: TargetSubjectKind
    employee_id: UUID | None = None
    team: OptionalName = ""

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        if self.kind is TargetSubjectKind.EMPLOYEE and (self.employee_id is None or self.team):
            raise ValueError("an employee's target names the employee_id and no team")
        if self.kind is TargetSubjectKind.TEAM and (not self.team or self.employee_id):
            raise ValueError("a team's target names the team and no employee_id")
        return self

    @classmethod
    def employee(cls, employee_id: UUID) -> TargetSubject:
        return cls(kind=TargetSubjectKind.EMPLOYEE, employee_id=employee_id)

    @classmethod
    def of_team(cls, team: str) -> TargetSubject:
        return cls(kind=TargetSubjectKind.TEAM, team=team)

    @property
    def key(self) -> str:
        if self.kind is TargetSubjectKind.EMPLOYEE:
            return f"employee/{self.employee_id}"
        return f"team/{self.team.casefold()}"

    def __str__(self) -> str:
        if self.kind is TargetSubjectKind.EMPLOYEE:
            return f"employee {str(self.employee_id)[:8]}"
        return f"team {self.team}"


class TargetFigures(ValueObject):
    """What is to be achieved in the period: amounts as money, the rest as numbers."""

    revenue: Money
    """The revenue target."""
    profit: Money | None = None
    """The profit target, if any."""
    units: Annotated[Decimal, Field(ge=0, lt=QUANTITY_LIMIT, decimal_places=QUANTITY_PLACES)] = (
        Decimal(0)
    )
    """The units target."""
    new_customers: Count = 0
    """The new customers target."""
    visits: Count = 0
    """The customer visits target."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.revenue.amount < 0:
            raise ValueError("the revenue target cannot be negative")
        if self.profit is not None and self.profit.currency != self.revenue.currency:
            raise ValueError("revenue and profit targets are in one currency")
        if not (self.revenue.amount or self.units or self.new_customers or self.visits):
            raise ValueError("a target sets at least one figure above zero")
        return self
