"""Value objects of performance and teamwork (SOP 3.3, 3.4).

The KPI system (3.3.1) names nine indicators in three groups; a KPI scheme gives each
indicator it uses a weight, a target and its calculation.  An appraisal (3.3.3) records
the actual figures, the supervisor's scores and the plans agreed, all as values here.
Periods are the people area's ``Period`` ("2026-02", "2026-Q1", "2026"); its kind is the
appraisal cycle (3.3.2).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from operator import attrgetter
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import Field, model_validator

from salesdomain.labels import Labelled
from salesdomain.people.values import Period
from salesdomain.sop import Role
from salesdomain.values import (
    Day,
    Figure,
    Items,
    Money,
    Name,
    NonEmptyStr,
    OptionalName,
    Text,
    ValueObject,
    each_once,
    stored_enum,
)

Score = Annotated[Decimal, Field(ge=0, le=100)]
CENT = Decimal("0.01")


# ---- 3.3.1 KPI system, 3.3.2 cycle ---------------------------------------------------------


@stored_enum
class IndicatorGroup(Enum):
    RESULTS = "results"
    CUSTOMERS = "customers"
    PROCESS = "process"


@stored_enum
class Indicator(Labelled):
    """The indicators of the KPI system (SOP 3.3.1), each in its group."""

    REVENUE = "revenue"
    UNITS = "units"
    PROFIT = "profit"
    NEW_CUSTOMERS = "new_customers"
    SATISFACTION = "satisfaction"
    LOYALTY = "loyalty"
    VISITS = "visits"
    CONVERSION_RATE = "conversion_rate"
    EXPENSE_CONTROL = "expense_control"

    @property
    def group(self) -> IndicatorGroup:
        return _GROUP[self]

    @property
    def higher_is_better(self) -> bool:
        """Expense control is the one indicator where less is better."""
        return self is not Indicator.EXPENSE_CONTROL


_GROUP = {
    Indicator.REVENUE: IndicatorGroup.RESULTS,
    Indicator.UNITS: IndicatorGroup.RESULTS,
    Indicator.PROFIT: IndicatorGroup.RESULTS,
    Indicator.NEW_CUSTOMERS: IndicatorGroup.CUSTOMERS,
    Indicator.SATISFACTION: IndicatorGroup.CUSTOMERS,
    Indicator.LOYALTY: IndicatorGroup.CUSTOMERS,
    Indicator.VISITS: IndicatorGroup.PROCESS,
    Indicator.CONVERSION_RATE: IndicatorGroup.PROCESS,
    Indicator.EXPENSE_CONTROL: IndicatorGroup.PROCESS,
}


@stored_enum
class Cycle(Enum):
    """How often appraisals are made (SOP 3.3.2)."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


_CYCLE_OF_KIND = {"month": Cycle.MONTHLY, "quarter": Cycle.QUARTERLY, "year": Cycle.ANNUAL}


def cycle_of(period: Period) -> Cycle:
    """A month is appraised monthly, a quarter quarterly, a year annually."""
    return _CYCLE_OF_KIND[period.kind]


class IndicatorSpec(ValueObject):
    """One indicator of a scheme: its weight (a fraction), target and calculation."""

    indicator: Indicator
    """The KPI indicator (3.3.1)."""
    weight: Annotated[Decimal, Field(gt=0, le=1)]
    """Its weight (0 to 1; the weights add up to 1)."""
    target: Annotated[Figure, Field(ge=0)]
    """Its target."""
    unit: OptionalName = ""
    """The unit of the target."""
    calculation: NonEmptyStr
    """How it is calculated."""
    higher_is_better: bool
    """Whether a higher figure is better."""

    @model_validator(mode="before")
    @classmethod
    def _direction_from_indicator(cls, data: Any) -> Any:
        if isinstance(data, dict) and "higher_is_better" not in data:
            indicator = data.get("indicator")
            if isinstance(indicator, str):
                indicator = Indicator(indicator)
            if isinstance(indicator, Indicator):
                data = {**data, "higher_is_better": indicator.higher_is_better}
        return data


_EACH_INDICATOR_ONCE = each_once("indicator", by=attrgetter("indicator"))

IndicatorSpecList = Annotated[Items[IndicatorSpec], Field(min_length=1), _EACH_INDICATOR_ONCE]


class KpiSpecs(ValueObject):
    """The indicators of a KPI scheme, each once."""

    specs: IndicatorSpecList

    @property
    def indicators(self) -> frozenset[Indicator]:
        return frozenset(s.indicator for s in self.specs)

    @property
    def total_weight(self) -> Decimal:
        return sum((s.weight for s in self.specs), Decimal(0))

    def weight_of(self, groups: frozenset[IndicatorGroup]) -> Decimal:
        return sum((s.weight for s in self.specs if s.indicator.group in groups), Decimal(0))

    def final_score(self, scores: Scores) -> Decimal:
        """The sum of weight * supervisor score over the scheme's indicators, to the cent
        (rounded half up)."""
        by_indicator = scores.by_indicator
        exact = sum((s.weight * by_indicator[s.indicator] for s in self.specs), Decimal(0))
        return exact.quantize(CENT, rounding=ROUND_HALF_UP)

    def formula(self, scores: Scores) -> str:
        """The final score's calculation written out with the figures used."""
        by_indicator = scores.by_indicator
        terms = " + ".join(
            f"{s.weight} * {by_indicator[s.indicator]} ({s.indicator.label})" for s in self.specs
        )
        return (
            f"final score = sum of weight * supervisor score = {terms} = {self.final_score(scores)}"
        )


# ---- 3.3.3 Appraisal ---------------------------------------------------------------------


class Actual(ValueObject):
    """The actual figure of one indicator for the period, and where it comes from.

    ``kpi_figure`` is the KPI view's figure for the employee and period as of the
    period's end (``projections.appraisal_actuals`` gives both); a ``value`` other than
    it is a correction, recorded with its reason in ``correction``.  Both are ``None``
    and empty in figures recorded before ADR 45.  An application given the KPI view
    (``KpiFigures``) refuses a ``kpi_figure`` that is not the view's."""

    indicator: Indicator
    """The KPI indicator."""
    value: Figure
    """The actual figure."""
    source: Name
    """Where the figure comes from (sales data, customer feedback, ...)."""
    kpi_figure: Figure | None = None
    """The figure the KPI view computed, when the actual corrects it."""
    correction: Text = ""
    """Why the actual differs from the computed figure."""

    @property
    def is_correction(self) -> bool:
        return self.kpi_figure is not None and self.value != self.kpi_figure


ActualList = Annotated[Items[Actual], Field(min_length=1), _EACH_INDICATOR_ONCE]


class Actuals(ValueObject):
    figures: ActualList

    @property
    def indicators(self) -> frozenset[Indicator]:
        return frozenset(f.indicator for f in self.figures)


class SelfAssessment(ValueObject):
    """The employee's own view of the period (SOP 3.3.3)."""

    summary: NonEmptyStr
    """The employee's summary of the period."""
    strengths: Text = ""
    """Strengths shown."""
    difficulties: Text = ""
    """Difficulties met."""


class IndicatorScore(ValueObject):
    """The supervisor's score (0-100) of one indicator, with the reason."""

    indicator: Indicator
    score: Score
    comment: NonEmptyStr


IndicatorScoreList = Annotated[Items[IndicatorScore], Field(min_length=1), _EACH_INDICATOR_ONCE]


class IndicatorScoring(ValueObject):
    """The manager's scoring of one indicator (SOP 3.3.3): a comment and, only where
    the policy allows a judgement on the indicator, the score they judge it at (within
    the policy's bound) and why.  Without ``score`` the indicator scores what the
    scoring formula gives from its actual and target."""

    indicator: Indicator
    """The KPI indicator scored."""
    comment: NonEmptyStr
    """The supervisor's comment."""
    score: Score | None = None
    """The score, when the indicator is scored by judgement."""
    judgement_reason: Text = ""
    """Why the score departs from the formula, if it does."""


IndicatorScoringList = Annotated[Items[IndicatorScoring], Field(min_length=1), _EACH_INDICATOR_ONCE]


class ScoreCalculation(ValueObject):
    """How one indicator's score follows from its actual and target (SOP 3.3.1): the
    attainment (a fraction, to four places), the formula's score, and the points a
    manager's judgement moved it by (0: none), with the reason."""

    indicator: Indicator
    actual: Decimal
    target: Decimal
    attainment: Decimal
    formula_score: Decimal
    judgement: Decimal
    judgement_reason: str = ""

    @property
    def score(self) -> Decimal:
        return self.formula_score + self.judgement


class ScoreCalculations(ValueObject):
    calculations: tuple[ScoreCalculation, ...]

    @property
    def judged(self) -> tuple[ScoreCalculation, ...]:
        return tuple(c for c in self.calculations if c.judgement)


class Scores(ValueObject):
    scores: IndicatorScoreList

    @property
    def indicators(self) -> frozenset[Indicator]:
        return frozenset(s.indicator for s in self.scores)

    @property
    def by_indicator(self) -> dict[Indicator, Decimal]:
        return {s.indicator: s.score for s in self.scores}


class FeedbackInterview(ValueObject):
    """The feedback interview between the supervisor and the employee (SOP 3.3.3)."""

    held_on: Day
    summary: NonEmptyStr
    """What was discussed."""
    employee_response: Text = ""
    """The employee's response."""


class ImprovementGoal(ValueObject):
    description: NonEmptyStr
    """What the employee will improve."""
    measure: NonEmptyStr
    """How it is measured."""
    due_on: Day


class ImprovementPlan(ValueObject):
    """The improvement plan and goals agreed in the feedback interview (SOP 3.3.3)."""

    goals: Items[ImprovementGoal] = Field(min_length=1)
    """The agreed goals."""
    support: Text = ""
    """The support given."""


@stored_enum
class RatingBand(Labelled):
    """Where a final score falls; the bands' lower bounds are policy data."""

    EXCELLENT = "excellent"
    GOOD = "good"
    MEETS_STANDARD = "meets_standard"
    BELOW_STANDARD = "below_standard"

    @property
    def is_below_standard(self) -> bool:
        return self is RatingBand.BELOW_STANDARD


# ---- 3.3.4 Incentives ---------------------------------------------------------------------


@stored_enum
class IncentiveKind(Enum):
    BONUS = "bonus"
    PAY_CHANGE = "pay_change"
    PROMOTION = "promotion"
    RECOGNITION = "recognition"


class Incentive(ValueObject):
    """A bonus, a performance-pay change, a promotion or a recognition (SOP 3.3.4)."""

    kind: IncentiveKind
    """Bonus, pay change, promotion or recognition (3.3.4)."""
    bonus: Money | None = None
    """The bonus amount, for a bonus."""
    pay_change: Annotated[Decimal, Field(ge=-1, le=1)] | None = None
    """The pay change as a share (-1 to 1), for a pay change."""
    new_position: OptionalName = ""
    """The new position, for a promotion."""
    reason: NonEmptyStr
    """Why the incentive is given."""

    @model_validator(mode="after")
    def _what_the_kind_needs(self) -> Self:
        kind = self.kind
        if (self.bonus is not None) != (kind is IncentiveKind.BONUS):
            raise ValueError("a bonus, and only a bonus, names its amount")
        if self.bonus is not None and self.bonus.amount <= 0:
            raise ValueError("a bonus is more than zero")
        if (self.pay_change is not None) != (kind is IncentiveKind.PAY_CHANGE):
            raise ValueError("a pay change, and only a pay change, names the change")
        if self.pay_change is not None and self.pay_change == 0:
            raise ValueError("a pay change is not zero")
        if bool(self.new_position) != (kind is IncentiveKind.PROMOTION):
            raise ValueError("a promotion, and only a promotion, names the new position")
        return self

    @property
    def is_reward(self) -> bool:
        """Everything but a pay cut rewards the result."""
        return self.kind is not IncentiveKind.PAY_CHANGE or (self.pay_change or 0) > 0


class CoachingPlan(ValueObject):
    """Coaching and training for a result below standard (SOP 3.3.4)."""

    coach_id: UUID
    """The employee who coaches."""
    actions: Items[NonEmptyStr] = Field(min_length=1)
    """The coaching actions."""
    trainings: Items[NonEmptyStr] = ()
    """The trainings planned."""
    review_on: Day


class AppraisalIds(ValueObject):
    ids: Items[UUID] = Field(min_length=1)


# ---- 3.3.1 Sales expenses ----------------------------------------------------------------


@stored_enum
class ExpenseCategory(Enum):
    TRAVEL = "travel"
    ENTERTAINMENT = "entertainment"
    SAMPLES = "samples"
    EVENTS = "events"
    COMMUNICATION = "communication"
    OTHER = "other"


# ---- 3.4 Teamwork and communication ------------------------------------------------------


@stored_enum
class MeetingKind(Enum):
    """Team meetings are held weekly, monthly and quarterly (SOP 3.4.2)."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


AttendeeList = Annotated[Items[UUID], Field(min_length=1), each_once("attendee")]


class Attendees(ValueObject):
    employee_ids: AttendeeList


class Minutes(ValueObject):
    """What a team meeting covered: progress, problems and the decisions taken."""

    progress: NonEmptyStr
    problems: Text = ""
    decisions: Items[NonEmptyStr] = ()


class HandOff(ValueObject):
    """Work handed from one department to another (SOP 3.4.3)."""

    from_department: Role
    """The department handing off."""
    to_department: Role
    """The department taking over."""

    @model_validator(mode="after")
    def _two_departments(self) -> Self:
        if self.from_department is self.to_department:
            raise ValueError("a hand-off goes from one department to another")
        if Role.AUTOMATED_POLICY in (self.from_department, self.to_department):
            raise ValueError("a hand-off is between departments of people")
        return self


class ActionItem(ValueObject):
    """Something to do, with its owner and due date; a hand-off names the departments."""

    description: NonEmptyStr
    """What must be done."""
    owner_id: UUID
    """The employee responsible."""
    due_on: Day
    handoff: HandOff | None = None
    """The departments, when it is a hand-off (3.4.3)."""


class ActionItems(ValueObject):
    items: Items[ActionItem] = ()
