"""Appraisal scores and actual figures (SOP 3.3.1, 3.3.3; ADR 45), re-run over the
history: a manager's judgement of an indicator's score and an actual figure corrected
from the KPI view's are listed as overrides, with their reasons; each judgement is
re-judged under the recorded policy version (allowed on that indicator, within its
bound), and each score re-computed from the recorded actual and target by that
version's formula."""

from __future__ import annotations

from salesdomain.projections.conformance.findings import Family, rule
from salesdomain.projections.conformance.review import Review, on

from salesdomain.performance.appraisal import Appraisal
from salesdomain.performance.values import ScoreCalculation
from salesdomain.policy import SalesPolicy
from salesdomain.rules.performance import JUDGEMENT_WITHIN_POLICY_BOUND, SCORE_FOLLOWS_FROM_ACTUALS

FORMULA = rule(SCORE_FOLLOWS_FROM_ACTUALS, Family.AUTHORITY)
JUDGEMENT = rule(JUDGEMENT_WITHIN_POLICY_BOUND, Family.AUTHORITY)
RULES = (FORMULA, JUDGEMENT)


@on(Appraisal.ActualsRecorded)
def actuals_recorded(review: Review, e: Appraisal.ActualsRecorded) -> None:
    for figure in e.actuals.figures:
        if figure.is_correction:
            review.override(
                "actual figure corrected from the KPI view's",
                e,
                review.person_of(e),
                f"{figure.indicator.label}: {figure.value} recorded, the KPI view had "
                f"{figure.kpi_figure}; {figure.correction}",
            )


@on(Appraisal.SupervisorScored)
def supervisor_scored(review: Review, e: Appraisal.SupervisorScored) -> None:
    if e.calculations is None:
        return  # version 1: scored freely, before the formula
    policy = review.policy(e.policy_version, FORMULA, e)
    for calculation in e.calculations.calculations:
        if policy is not None:
            _rejudged(review, e, calculation, policy)
        if calculation.judgement:
            review.override(
                "indicator score set by the manager's judgement",
                e,
                review.person_of(e),
                f"{calculation.indicator.label}: the formula gives "
                f"{calculation.formula_score}, judged {calculation.score} "
                f"({calculation.judgement:+}); {calculation.judgement_reason}",
                policy_version=e.policy_version,
            )


def _rejudged(
    review: Review, e: Appraisal.SupervisorScored, c: ScoreCalculation, policy: SalesPolicy
) -> None:
    performance = policy.performance
    higher = c.indicator.higher_is_better
    formula = performance.scoring.score(
        performance.scoring.attainment(c.actual, c.target, higher_is_better=higher)
    )
    label = c.indicator.label
    if formula != c.formula_score:
        review.breach(
            FORMULA,
            e,
            f"{label}: recorded {c.formula_score}, policy {e.policy_version}'s formula gives "
            f"{formula}",
            policy_version=e.policy_version,
        )
    if not c.judgement:
        return
    bound = performance.judgement_points.get(c.indicator)
    if bound is None or abs(c.judgement) > bound:
        allowed = "none" if bound is None else f"{bound} points at most"
        review.breach(
            JUDGEMENT,
            e,
            f"{label}: judged {c.judgement:+} points; policy {e.policy_version} allows {allowed}",
            policy_version=e.policy_version,
        )
