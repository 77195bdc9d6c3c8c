"""Canned steps for performance and teamwork (SOP 3.3, 3.4).

The team (``team()``): Dan Director; Mia Manager reporting to him; Alice Rep and Bob
Rep reporting to Mia; Hanna HR.  Appraisals run against the schemes below; the canned
history of one appraisal is replayed up to a named point with ``appraise``:

    spec.given(*team(), define("2026-02"), *appraise(ALICE, MIA, "2026-02", score="80"))
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

from pydantic import BaseModel

from salesdomain.people.values import Period
from salesdomain.performance import commands as pc
from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.values import (
    Actual,
    CoachingPlan,
    FeedbackInterview,
    ImprovementGoal,
    ImprovementPlan,
    Indicator,
    IndicatorScoring,
    IndicatorSpec,
    SelfAssessment,
)
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests.builders import ALICE, BOB, DAN, MIA, TODAY
from tests.people_builders import HANNA, enrol, staff
from tests.spec import Step

I = Indicator  # noqa: E741

OPENED, ACTUALS, SELF_ASSESSED, SCORED, INTERVIEWED, PLANNED, FINALISED, CLOSED = range(1, 9)


def spec_of(indicator: Indicator, weight: str, target: str, calculation: str) -> IndicatorSpec:
    return IndicatorSpec.model_validate(
        {"indicator": indicator, "weight": weight, "target": target, "calculation": calculation}
    )


MONTHLY = (
    spec_of(I.VISITS, "0.30", "40", "visits and online meetings logged (2.1.3)"),
    spec_of(I.CONVERSION_RATE, "0.20", "0.25", "opportunities won / opportunities closed"),
    spec_of(I.EXPENSE_CONTROL, "0.10", "15000", "approved sales expenses, CNY"),
    spec_of(I.REVENUE, "0.25", "800000", "accepted quote amounts, CNY"),
    spec_of(I.NEW_CUSTOMERS, "0.15", "3", "customers whose first deal was won"),
)
"""A monthly scheme: process indicators weigh 60%."""

QUARTERLY = (
    spec_of(I.REVENUE, "0.30", "2400000", "accepted quote amounts, CNY"),
    spec_of(I.PROFIT, "0.20", "600000", "quoted amount minus cost, CNY"),
    spec_of(I.SATISFACTION, "0.10", "4.5", "average survey score (2.6.3)"),
    spec_of(I.LOYALTY, "0.10", "0.8", "share of customers buying again"),
    spec_of(I.VISITS, "0.15", "120", "visits and online meetings logged (2.1.3)"),
    spec_of(I.CONVERSION_RATE, "0.15", "0.25", "opportunities won / opportunities closed"),
)
"""A quarterly scheme: results and customers weigh 70%."""


def team() -> list[Step]:
    """Hanna HR (enrolled first: she founds the staff register) and the sales team."""
    return [enrol("Hanna HR", Role.HR, founder=True), *staff("Mia Manager", "Alice Rep", "Bob Rep")]


def define(
    period: str = "2026-02", specs: tuple[IndicatorSpec, ...] | None = None
) -> tuple[pc.DefineKpiScheme, Actor]:
    chosen = specs or (QUARTERLY if "Q" in period else MONTHLY)
    return (
        pc.DefineKpiScheme(period=Period.parse(period), title=f"Sales KPIs {period}", specs=chosen),
        MIA,
    )


def appraisal_id(who: Actor, period: str = "2026-02") -> UUID:
    return Appraisal.id_for(who.employee_id, Period.parse(period))


def open_appraisal(who: Actor, period: str = "2026-02") -> pc.OpenAppraisal:
    return pc.OpenAppraisal(employee_id=who.employee_id, period=Period.parse(period))


Model = TypeVar("Model", bound=BaseModel)


def changed(model: Model, field: str, indicator: Indicator, **changes: object) -> Model:
    """``model`` (a command, an event or a value) with the item about ``indicator`` in
    its ``field`` (figures, scores, calculations) changed."""
    items = tuple(
        item.model_copy(update=changes) if item.indicator is indicator else item
        for item in getattr(model, field)
    )
    return model.model_copy(update={field: items})


def figure_scoring(spec: IndicatorSpec, score: str) -> Decimal:
    """The actual figure that scores ``score`` (0-100, above 0) under the default
    formula (attainment, capped at 100%): ``score`` percent of the target, or where less
    is better the figure the target is ``score`` percent of."""
    share = Decimal(score) / 100
    exact = spec.target * share if spec.higher_is_better else spec.target / share
    return exact.quantize(Decimal("0.0001"))


def actuals(
    aid: UUID, specs: tuple[IndicatorSpec, ...] = MONTHLY, score: str = "100"
) -> pc.RecordActuals:
    """Figures that score ``score`` on every indicator, each as the KPI view has it."""
    figures = []
    for s in specs:
        value = figure_scoring(s, score)
        figures.append(
            Actual(
                indicator=s.indicator,
                value=value,
                source="KPI view, month end",
                kpi_figure=value,
            )
        )
    return pc.RecordActuals(appraisal_id=aid, figures=tuple(figures))


def self_assess(aid: UUID) -> pc.SubmitSelfAssessment:
    return pc.SubmitSelfAssessment(
        appraisal_id=aid,
        assessment=SelfAssessment(summary="Good month; two new customers", difficulties="Travel"),
    )


def scores(aid: UUID, specs: tuple[IndicatorSpec, ...] = MONTHLY) -> pc.ScoreAppraisal:
    """The manager's comments; every indicator scores what the formula gives."""
    return pc.ScoreAppraisal(
        appraisal_id=aid,
        scores=tuple(
            IndicatorScoring(indicator=s.indicator, comment="per sales data") for s in specs
        ),
    )


def interview(aid: UUID, held_on: object = TODAY) -> pc.RecordFeedbackInterview:
    return pc.RecordFeedbackInterview(
        appraisal_id=aid,
        interview=FeedbackInterview.model_validate(
            {"held_on": held_on, "summary": "Went through every indicator"}
        ),
    )


def plan(aid: UUID, due_days: int = 60) -> pc.AgreeImprovementPlan:
    return pc.AgreeImprovementPlan(
        appraisal_id=aid,
        plan=ImprovementPlan(
            goals=(
                ImprovementGoal(
                    description="Raise conversion",
                    measure="conversion rate at 25%",
                    due_on=TODAY + timedelta(days=due_days),
                ),
            )
        ),
    )


def finalise(aid: UUID) -> pc.FinaliseAppraisal:
    return pc.FinaliseAppraisal(appraisal_id=aid)


def coaching(aid: UUID, coach: Actor = MIA, review_days: int = 30) -> pc.PlanCoaching:
    return pc.PlanCoaching(
        appraisal_id=aid,
        plan=CoachingPlan(
            coach_id=coach.employee_id,
            actions=("Weekly deal review", "Joint customer visits"),
            trainings=("Negotiation skills",),
            review_on=TODAY + timedelta(days=review_days),
        ),
    )


def close(aid: UUID) -> pc.CloseAppraisal:
    return pc.CloseAppraisal(appraisal_id=aid)


def appraise(
    who: Actor = ALICE,
    manager: Actor = MIA,
    period: str = "2026-02",
    *,
    score: str = "80",
    upto: int = CLOSED,
) -> list[Step]:
    """One appraisal's steps up to ``upto``, with actual figures at ``score`` percent of
    every target, so that every indicator scores ``score``; a result below 60 gets
    coaching before closing."""
    aid = appraisal_id(who, period)
    specs = QUARTERLY if "Q" in period else MONTHLY
    steps: list[Step] = [
        (open_appraisal(who, period), manager),
        (actuals(aid, specs, score), HANNA),
        (self_assess(aid), who),
        (scores(aid, specs), manager),
        (interview(aid), manager),
        (plan(aid), who),
        (finalise(aid), manager),
    ][:upto]
    if upto >= CLOSED:
        if Decimal(score) < 60:
            steps.append((coaching(aid, manager), manager))
        steps.append((close(aid), manager))
    return steps


__all__ = ["ALICE", "BOB", "DAN", "HANNA", "MIA"]
