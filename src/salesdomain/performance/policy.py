"""Performance policy (SOP 3.3): cycle weightings, rating bands, escalation; data, not code."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from salesdomain.performance.values import CENT, Cycle, Indicator, IndicatorGroup, RatingBand
from salesdomain.sop import Role
from salesdomain.values import every_member

Fraction = Annotated[Decimal, Field(ge=0, le=1)]


class CycleWeighting(BaseModel):
    """A cycle's emphasis (SOP 3.3.2): ``groups`` together weigh at least ``at_least``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    groups: frozenset[IndicatorGroup] = Field(min_length=1)
    at_least: Fraction

    def describe(self) -> str:
        names = " and ".join(sorted(g.value for g in self.groups))
        return f"{names} indicators weigh at least {self.at_least * 100:.0f}%"


class ScoringFormula(BaseModel):
    """How an indicator's score follows from its actual figure and target (SOP 3.3.1).

    Attainment is actual / target (target / actual where less is better, as for
    expenses).  The score is 0 at or below ``zero_at`` attainment, 100 at or above
    ``full_at``, and linear between, to the cent (rounded half up).  The defaults give
    the familiar "attainment, capped at 100%": 80% of target scores 80."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    zero_at: Annotated[Decimal, Field(ge=0, lt=1)] = Decimal(0)
    full_at: Annotated[Decimal, Field(gt=0, le=2)] = Decimal(1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.zero_at >= self.full_at:
            raise ValueError("zero_at is below full_at")
        return self

    def describe(self) -> str:
        return (
            f"score = 100 * (attainment - {self.zero_at}) / ({self.full_at} - {self.zero_at}), "
            "between 0 and 100"
        )

    @staticmethod
    def attainment(actual: Decimal, target: Decimal, *, higher_is_better: bool) -> Decimal:
        """Actual against target: 1 is on target.  A zero target is met by any figure
        (higher is better) or only by zero (less is better); a figure of zero or less
        where less is better meets any target."""
        if higher_is_better:
            return Decimal(1) if target == 0 else actual / target
        if actual <= 0:
            return Decimal(1)
        return target / actual

    def score(self, attainment: Decimal) -> Decimal:
        share = (attainment - self.zero_at) / (self.full_at - self.zero_at)
        bounded = min(max(share, Decimal(0)), Decimal(1))
        return (bounded * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _default_judgement() -> dict[Indicator, Decimal]:
    """A manager may judge the indicators a figure tells only part of: the process
    indicators and customer satisfaction and loyalty, by up to 10 points."""
    judged = (
        Indicator.VISITS,
        Indicator.CONVERSION_RATE,
        Indicator.EXPENSE_CONTROL,
        Indicator.SATISFACTION,
        Indicator.LOYALTY,
    )
    return {indicator: Decimal(10) for indicator in judged}


def _default_weightings() -> dict[Cycle, CycleWeighting]:
    outcomes = frozenset({IndicatorGroup.RESULTS, IndicatorGroup.CUSTOMERS})
    return {
        Cycle.MONTHLY: CycleWeighting(
            groups=frozenset({IndicatorGroup.PROCESS}), at_least=Decimal("0.5")
        ),
        Cycle.QUARTERLY: CycleWeighting(groups=outcomes, at_least=Decimal("0.6")),
        Cycle.ANNUAL: CycleWeighting(groups=outcomes, at_least=Decimal("0.6")),
    }


def _default_bands() -> dict[RatingBand, Decimal]:
    return {
        RatingBand.EXCELLENT: Decimal(90),
        RatingBand.GOOD: Decimal(75),
        RatingBand.MEETS_STANDARD: Decimal(60),
        RatingBand.BELOW_STANDARD: Decimal(0),
    }


class PerformancePolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cycle_weighting: dict[Cycle, CycleWeighting] = Field(default_factory=_default_weightings)
    """What each cycle weighs most: monthly process, quarterly and annual results and
    customers (SOP 3.3.2)."""
    rating_bands: dict[RatingBand, Annotated[Decimal, Field(ge=0, le=100)]] = Field(
        default_factory=_default_bands
    )
    """The lowest final score of each band; below "meets standard" is below standard."""
    escalate_after: int = Field(default=2, ge=1)
    """Below standard in this many consecutive appraisals of a cycle raises an escalation."""
    appraisal_completion_days: int = Field(default=15, gt=0)
    """Days after the cycle ends within which the appraisal is completed (3.3.3)."""
    incentive_approvers: frozenset[Role] = frozenset(
        {Role.SALES_MANAGER, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER}
    )
    escalation_handlers: frozenset[Role] = frozenset(
        {Role.HR, Role.SALES_DIRECTOR, Role.GENERAL_MANAGER}
    )
    scoring: ScoringFormula = ScoringFormula()
    """How each indicator's score follows from its actual and target (SOP 3.3.1)."""
    judgement_points: dict[Indicator, Annotated[Decimal, Field(gt=0, le=100)]] = Field(
        default_factory=_default_judgement
    )
    """The indicators a manager's judgement may move from the formula's score, and by
    how many points at most; any other indicator scores what the formula gives."""

    @field_validator("cycle_weighting")
    @classmethod
    def _every_cycle(cls, value: dict[Cycle, CycleWeighting]) -> dict[Cycle, CycleWeighting]:
        every_member(Cycle, value, "no weighting for cycle(s)")
        return value

    @model_validator(mode="after")
    def _bands_in_order(self) -> Self:
        bands = self.rating_bands
        every_member(RatingBand, bands, "no lower bound for band(s)")
        bounds = [bands[b] for b in RatingBand]
        if bounds != sorted(bounds, reverse=True) or len(set(bounds)) != len(bounds):
            raise ValueError("each band starts above the next lower one")
        if bands[RatingBand.BELOW_STANDARD] != 0:
            raise ValueError("the lowest band starts at 0")
        return self

    @property
    def standard(self) -> Decimal:
        """The lowest final score that meets the standard."""
        return self.rating_bands[RatingBand.MEETS_STANDARD]

    def band_for(self, score: Decimal) -> RatingBand:
        for band in RatingBand:
            if score >= self.rating_bands[band]:
                return band
        return RatingBand.BELOW_STANDARD
