"""Value objects of after-sales service (SOP 2.6): feedback, visits, surveys."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, ClassVar, Self
from uuid import UUID

from pydantic import Field, model_validator

from salesdomain.bounds import COUNT_LIMIT
from salesdomain.values import (
    Day,
    Departments,
    Items,
    Name,
    NonEmptyStr,
    OptionalName,
    Text,
    ValueObject,
    stored_enum,
)


@stored_enum
class Severity(Enum):
    """How serious a piece of customer feedback is; it sets the response deadline."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@stored_enum
class FeedbackKind(Enum):
    COMPLAINT = "complaint"
    QUESTION = "question"
    SUGGESTION = "suggestion"


@stored_enum
class FeedbackChannel(Enum):
    """How the customer's problem, opinion or suggestion reached us (SOP 2.6.1)."""

    PHONE = "phone"
    HOTLINE = "hotline"
    EMAIL = "email"
    ONLINE = "online"
    VISIT = "visit"


@stored_enum
class VisitKind(Enum):
    """A return visit to hear how things go, or service on the customer's site (2.6.2)."""

    RETURN_VISIT = "return_visit"
    ON_SITE = "on_site"


@stored_enum
class SurveyMethod(Enum):
    """How a satisfaction survey is taken (SOP 2.6.3)."""

    QUESTIONNAIRE = "questionnaire"
    PHONE = "phone"
    ONLINE = "online"


class _Score(ValueObject):
    """A whole-number score on a fixed scale; given as a bare number or ``{"value": n}``."""

    LOWEST: ClassVar[int]
    HIGHEST: ClassVar[int]
    value: Annotated[int, Field(ge=-COUNT_LIMIT, le=COUNT_LIMIT)]
    """The score, a whole number on the scale."""

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _on_the_scale(self) -> Self:
        if not self.LOWEST <= self.value <= self.HIGHEST:
            raise ValueError(f"a score from {self.LOWEST} to {self.HIGHEST}")
        return self

    def __str__(self) -> str:
        return f"{self.value}/{self.HIGHEST}"


class SatisfactionScore(_Score):
    """How satisfied the customer is: 1 (very dissatisfied) to 5 (very satisfied)."""

    LOWEST: ClassVar[int] = 1
    HIGHEST: ClassVar[int] = 5


class RecommendationScore(_Score):
    """How likely the customer is to recommend us: 0 (not at all) to 10 (certainly)."""

    LOWEST: ClassVar[int] = 0
    HIGHEST: ClassVar[int] = 10


class FeedbackResponse(ValueObject):
    """The clear answer and solution given to the customer, and who was coordinated."""

    answer: NonEmptyStr
    """The answer given to the customer."""
    solution: NonEmptyStr
    """The solution offered."""
    departments_involved: Departments = ()
    """The departments coordinated for the solution."""


class RootCause(ValueObject):
    """Why the problem happened and what it affected (SOP 2.6.1: cause and impact)."""

    cause: NonEmptyStr
    """The cause of the problem."""
    impact: NonEmptyStr
    """The problem's impact on the customer."""


class ServiceWork(ValueObject):
    """What a service visit did and how the customer rated it (SOP 2.6.2)."""

    visited_on: Day
    work_done: NonEmptyStr
    """What was done on the visit."""
    satisfaction: SatisfactionScore
    """The customer's satisfaction with the service (1 to 5)."""
    customer_comments: Text = ""
    """The customer's comments."""
    met_with: OptionalName = ""
    """Who was met at the customer."""


class SurveyPeriod(ValueObject):
    """The period a satisfaction survey covers, both days included."""

    starts_on: Day
    ends_on: Day

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is on or after starts_on")
        return self

    def __str__(self) -> str:
        return f"{self.starts_on} to {self.ends_on}"


class SurveyResponse(ValueObject):
    """One respondent's answers: satisfaction 1-5, likelihood to recommend 0-10, comments."""

    respondent: Name
    """Who answered at the customer."""
    satisfaction: SatisfactionScore
    """Overall satisfaction (1 to 5)."""
    recommendation: RecommendationScore
    """How likely they are to recommend us (0 to 10)."""
    comments: Text = ""
    """The respondent's comments."""


class SurveyAnalysis(ValueObject):
    """What the results say, and the problems found in them (SOP 2.6.3)."""

    summary: NonEmptyStr
    """What the results show."""
    problems: Items[NonEmptyStr] = ()
    """The problems the results reveal."""


class ImprovementAction(ValueObject):
    """An action to fix a problem a survey found, with its owner and due date."""

    action: NonEmptyStr
    """What will be improved."""
    owner_id: UUID
    """The employee responsible for the action."""
    owner_name: OptionalName = ""
    """The responsible employee's name."""
    due: Day


def average(values: list[int]) -> Decimal:
    """The mean of whole-number scores, to two decimals."""
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"))
