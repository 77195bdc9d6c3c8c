"""Appraisal: one employee's appraisal for one period (SOP 3.3.3) and its incentives (3.3.4).

The steps, strictly in this order:

1. **Opened** at cycle end, by HR or the employee's own manager, against the KPI scheme
   of the period; the scheme's indicators (weights, targets, calculations) are copied
   into the event, so later changes elsewhere never change this appraisal.
2. **ActualsRecorded**: the period's actual figure of every indicator, with its source,
   recorded as facts (a replay years later sees the same figures); each states the KPI
   view's figure as of the period's end and equals it, or is a correction with a reason.
3. **SelfAssessed** by the employee themself, and nobody else.
4. **SupervisorScored**: a score from 0 to 100 and a comment per indicator, by the
   employee's own manager only.  Nobody appraises themselves.  Each score follows from
   the actual, the target and the policy's scoring formula (3.3.1); a manager's
   judgement moves it only on the indicators the policy names, within its bound, with
   the reason (ADR 45).
5. **FeedbackInterviewHeld** by the manager with the employee.
6. **ImprovementPlanAgreed**: goals agreed between the manager and the employee.
7. **Finalised**: the final score by the formula below, and its rating band (policy).
8. Incentives (**IncentiveDecided**, 3.3.4) and, for a result below standard, a
   **CoachingPlanned** (required before closing); then **Closed**, recording whether
   it was completed within the time limit after the cycle end (3.3.3, policy data).

The final score is the sum, over the scheme's indicators, of weight * supervisor score,
weights being fractions that sum to 1 and scores 0-100, so the final score is 0-100;
it is rounded half up to two decimals.  It is computed from the snapshot of the
scheme and the recorded scores only, and stored on ``Finalised`` with the formula
written out and the policy version whose bands rated it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import among, not_their_own
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.people.employee import PAY_APPROVERS, Employee
from salesdomain.people.values import Period
from salesdomain.performance.kpi_figures import as_recorded
from salesdomain.performance.kpi_scheme import KpiScheme
from salesdomain.performance.policy import PerformancePolicy
from salesdomain.performance.values import (
    Actual,
    Actuals,
    CoachingPlan,
    Cycle,
    FeedbackInterview,
    ImprovementPlan,
    Incentive,
    Indicator,
    IndicatorScore,
    IndicatorScoring,
    IndicatorSpec,
    KpiSpecs,
    RatingBand,
    ScoreCalculation,
    ScoreCalculations,
    Scores,
    SelfAssessment,
)
from salesdomain.rules.performance import (
    ACTUAL_AS_KPI_VIEW_OR_CORRECTED,
    ACTUALS_FOR_EVERY_INDICATOR,
    APPRAISAL_AT_CYCLE_END,
    APPRAISAL_FOLLOW_UP_AFTER_FINAL_SCORE,
    APPRAISAL_STEPS_IN_ORDER,
    APPRAISAL_USES_PERIOD_SCHEME,
    APPRAISEE_HAS_MANAGER,
    APPRAISEE_IS_CURRENT_EMPLOYEE,
    BELOW_STANDARD_CLOSED_WITH_COACHING,
    COACHING_REVIEW_AHEAD,
    FEEDBACK_INTERVIEW_RECORDED_ONCE_HELD,
    IMPROVEMENT_GOALS_AHEAD,
    JUDGEMENT_WITHIN_POLICY_BOUND,
    NO_REWARD_BELOW_STANDARD,
    SCORE_FOLLOWS_FROM_ACTUALS,
    SCORES_FOR_EVERY_INDICATOR,
)
from salesdomain.rules.rule import SopRule
from salesdomain.sop import Role

APPRAISAL_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:appraisal")


class AppraisalStage(Enum):
    OPENED = "opened"
    ACTUALS_RECORDED = "actuals recorded"
    SELF_ASSESSED = "self-assessed"
    SCORED = "scored"
    INTERVIEWED = "interviewed"
    PLAN_AGREED = "improvement plan agreed"
    FINALISED = "finalised"
    CLOSED = "closed"


_NEXT = {
    AppraisalStage.OPENED: "record the actual figures",
    AppraisalStage.ACTUALS_RECORDED: "the employee's self-assessment",
    AppraisalStage.SELF_ASSESSED: "the supervisor's scores",
    AppraisalStage.SCORED: "the feedback interview",
    AppraisalStage.INTERVIEWED: "agree the improvement plan",
    AppraisalStage.PLAN_AGREED: "finalise the score",
    AppraisalStage.FINALISED: "incentives, coaching, close",
    AppraisalStage.CLOSED: "nothing: the appraisal is closed",
}


class Appraisal(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = "3.3.3"

    class Opened(Event, SopAggregate.Created):
        employee_id: UUID
        employee_name: str
        manager_id: UUID
        period: Period
        cycle: Cycle
        scheme_id: UUID
        specs: KpiSpecs
        complete_by: date
        policy_version: str

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.employee_id = self.employee_id
            appraisal.employee_name = self.employee_name
            appraisal.period = self.period
            appraisal.cycle = self.cycle
            appraisal.specs = self.specs
            appraisal.complete_by = self.complete_by
            appraisal.stage = AppraisalStage.OPENED
            appraisal.actuals = None
            appraisal.scores = None
            appraisal.final_score = None
            appraisal.rating_band = None
            appraisal.incentives = []
            appraisal.coaching = None

    class ActualsRecorded(Event):
        actuals: Actuals

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.actuals = self.actuals
            appraisal.stage = AppraisalStage.ACTUALS_RECORDED

    class SelfAssessed(Event):
        assessment: SelfAssessment

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.stage = AppraisalStage.SELF_ASSESSED

    class SupervisorScored(Event):
        class_version: ClassVar[int] = 2
        scores: Scores
        """The score of each indicator: the formula's, or the manager's judgement."""
        calculations: ScoreCalculations | None
        """How each score follows from the actual and target, and any judgement
        (``None`` only in version 1, when the manager scored freely)."""
        policy_version: str | None
        """The policy whose formula and judgement bounds applied (``None`` in version 1)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 recorded the manager's scores without a formula or a policy."""
            state.update(calculations=None, policy_version=None)

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.scores = self.scores
            appraisal.stage = AppraisalStage.SCORED

    class FeedbackInterviewHeld(Event):
        interview: FeedbackInterview

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.stage = AppraisalStage.INTERVIEWED

    class ImprovementPlanAgreed(Event):
        plan: ImprovementPlan

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.stage = AppraisalStage.PLAN_AGREED

    class Finalised(Event):
        final_score: Decimal
        rating_band: RatingBand
        standard: Decimal
        formula: str
        policy_version: str

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.final_score = self.final_score
            appraisal.rating_band = self.rating_band
            appraisal.stage = AppraisalStage.FINALISED

    class IncentiveDecided(Event):
        SOP_STEP = "3.3.4"
        employee_id: UUID
        incentive: Incentive
        final_score: Decimal
        rating_band: RatingBand
        policy_version: str

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.incentives.append(self.incentive)

    class CoachingPlanned(Event):
        SOP_STEP = "3.3.4"
        employee_id: UUID
        plan: CoachingPlan

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.coaching = self.plan

    class Closed(Event):
        employee_id: UUID
        employee_name: str
        period: Period
        cycle: Cycle
        final_score: Decimal
        rating_band: RatingBand
        complete_by: date
        within_time_limit: bool

        def apply(self, appraisal: Appraisal) -> None:
            appraisal.stage = AppraisalStage.CLOSED

    if TYPE_CHECKING:
        employee_id: UUID
        employee_name: str
        period: Period
        cycle: Cycle
        specs: KpiSpecs
        complete_by: date
        stage: AppraisalStage
        actuals: Actuals | None
        scores: Scores | None
        final_score: Decimal | None
        rating_band: RatingBand | None
        incentives: list[Incentive]
        coaching: CoachingPlan | None

    @staticmethod
    def id_for(employee_id: UUID, period: Period) -> UUID:
        """One appraisal per employee and period."""
        return uuid5(APPRAISAL_NAMESPACE, f"{employee_id}/{period.code}")

    # ---- 3.3.3 Appraisal ------------------------------------------------------------

    @classmethod
    def open(
        cls,
        evidence: Evidence,
        *,
        employee: Employee,
        period: Period,
        scheme: KpiScheme | None,
        policy: PerformancePolicy,
        policy_version: str,
        today: date,
    ) -> Appraisal:
        actor = evidence.actor
        if actor.employee_id == employee.id:
            raise NotAuthorised("3.3.3", str(actor), "cannot appraise themselves")
        if actor.employee_id != employee.manager_id and actor.role is not Role.HR:
            raise NotAuthorised(
                "3.3.3", str(actor), "opens appraisals only as HR or as the employee's manager"
            )
        if not employee.is_active:
            raise SopRuleViolation(APPRAISEE_IS_CURRENT_EMPLOYEE, employee.name)
        if employee.manager_id is None:
            raise SopRuleViolation(APPRAISEE_HAS_MANAGER, employee.name)
        if today <= period.end:
            raise SopRuleViolation(APPRAISAL_AT_CYCLE_END, f"{period} ends on {period.end}")
        if scheme is None:
            raise SopRuleViolation(APPRAISAL_USES_PERIOD_SCHEME, f"there is no scheme for {period}")
        return cls._start(
            cls.Opened,
            evidence,
            id=cls.id_for(employee.id, period),
            employee_id=employee.id,
            employee_name=employee.name,
            manager_id=employee.manager_id,
            period=period,
            cycle=scheme.cycle,
            scheme_id=scheme.id,
            specs=scheme.specs,
            complete_by=period.end + timedelta(days=policy.appraisal_completion_days),
            policy_version=policy_version,
        )

    def record_actuals(
        self,
        evidence: Evidence,
        figures: tuple[Actual, ...],
        kpi_view: Mapping[Indicator, Decimal | None] | None = None,
    ) -> None:
        """Each figure states the KPI view's figure as of the period's end and equals
        it, or is a correction that says why.  ``kpi_view``: the view's figures (from
        the application's ``KpiFigures``); a stated figure that is not the view's is
        refused.  Without it (an application given no ``KpiFigures``, as a library
        used without views) the stated figures are taken as stated."""
        actuals = Actuals(figures=figures)
        self._not_the_appraisee(evidence, "3.3.3")
        self._expect(AppraisalStage.OPENED, "record the actual figures")
        self._every_indicator(actuals.indicators, ACTUALS_FOR_EVERY_INDICATOR)
        for figure in figures:
            problem = self._actual_problem(figure, kpi_view)
            if problem:
                raise SopRuleViolation(ACTUAL_AS_KPI_VIEW_OR_CORRECTED, problem)
        self._record(self.ActualsRecorded, evidence, actuals=actuals)

    def _actual_problem(
        self, figure: Actual, kpi_view: Mapping[Indicator, Decimal | None] | None
    ) -> str:
        """Why ``figure`` may not be recorded as it is ("" if it may)."""
        label = figure.indicator.label
        if figure.kpi_figure is None:
            return f"{label}: the KPI view's figure as of {self.period.end} is not stated"
        if kpi_view is not None:
            viewed = as_recorded(kpi_view.get(figure.indicator))
            if figure.kpi_figure != viewed:
                return (
                    f"{label}: the KPI figure stated is {figure.kpi_figure}, the KPI view "
                    f"has {viewed} for {self.period} as of {self.period.end}"
                )
        if figure.is_correction and not figure.correction:
            return (
                f"{label}: {figure.value} recorded, the KPI view has {figure.kpi_figure}; "
                "a correction says why"
            )
        return ""

    def self_assess(self, evidence: Evidence, assessment: SelfAssessment) -> None:
        if evidence.actor.employee_id != self.employee_id:
            raise NotAuthorised(
                "3.3.3", str(evidence.actor), "cannot write another employee's self-assessment"
            )
        self._expect(AppraisalStage.ACTUALS_RECORDED, "self-assess")
        self._record(self.SelfAssessed, evidence, assessment=assessment)

    def score(
        self,
        evidence: Evidence,
        scores: tuple[IndicatorScoring, ...],
        *,
        manager_id: UUID | None,
        policy: PerformancePolicy,
        policy_version: str,
    ) -> None:
        """Each indicator scores what the policy's formula gives from its actual and
        target; the manager's judgement moves it only where and as far as the policy
        allows, with the reason."""
        self._by_the_manager(evidence, manager_id, "scores")
        self._expect(AppraisalStage.SELF_ASSESSED, "score")
        self._every_indicator(frozenset(s.indicator for s in scores), SCORES_FOR_EVERY_INDICATOR)
        assert self.actuals is not None
        actual_of = {f.indicator: f.value for f in self.actuals.figures}
        given = {s.indicator: s for s in scores}
        calculations = tuple(
            _calculated(spec, actual_of[spec.indicator], given[spec.indicator], policy)
            for spec in self.specs.specs
        )
        self._record(
            self.SupervisorScored,
            evidence,
            scores=Scores(
                scores=tuple(
                    IndicatorScore(
                        indicator=c.indicator, score=c.score, comment=given[c.indicator].comment
                    )
                    for c in calculations
                )
            ),
            calculations=ScoreCalculations(calculations=calculations),
            policy_version=policy_version,
        )

    def hold_interview(
        self,
        evidence: Evidence,
        interview: FeedbackInterview,
        *,
        manager_id: UUID | None,
        today: date,
    ) -> None:
        self._by_the_manager(evidence, manager_id, "holds the feedback interview")
        self._expect(AppraisalStage.SCORED, "hold the feedback interview")
        if interview.held_on > today:
            raise SopRuleViolation(
                FEEDBACK_INTERVIEW_RECORDED_ONCE_HELD,
                f"held on {interview.held_on}, today is {today}",
            )
        self._record(self.FeedbackInterviewHeld, evidence, interview=interview)

    def agree_plan(
        self, evidence: Evidence, plan: ImprovementPlan, *, manager_id: UUID | None, today: date
    ) -> None:
        actor = evidence.actor
        if actor.employee_id not in (self.employee_id, manager_id):
            raise NotAuthorised(
                "3.3.3",
                str(actor),
                "is not a party to the plan: the employee and their manager agree it",
            )
        self._expect(AppraisalStage.INTERVIEWED, "agree the improvement plan")
        past = [goal.description for goal in plan.goals if goal.due_on < today]
        if past:
            raise SopRuleViolation(IMPROVEMENT_GOALS_AHEAD, "; ".join(past))
        self._record(self.ImprovementPlanAgreed, evidence, plan=plan)

    def finalise(
        self,
        evidence: Evidence,
        *,
        manager_id: UUID | None,
        policy: PerformancePolicy,
        policy_version: str,
    ) -> None:
        self._manager_or_hr(evidence, manager_id, "3.3.3", "finalises")
        self._expect(AppraisalStage.PLAN_AGREED, "finalise")
        assert self.scores is not None
        score = self.specs.final_score(self.scores)
        self._record(
            self.Finalised,
            evidence,
            final_score=score,
            rating_band=policy.band_for(score),
            standard=policy.standard,
            formula=self.specs.formula(self.scores),
            policy_version=policy_version,
        )

    def recompute_final_score(self) -> Decimal:
        """The final score from the recorded snapshot and scores (what ``finalise`` stored)."""
        if self.scores is None:
            raise ValueError("the appraisal has not been scored")
        return self.specs.final_score(self.scores)

    # ---- 3.3.4 Incentives -----------------------------------------------------------

    def decide_incentive(
        self,
        evidence: Evidence,
        incentive: Incentive,
        *,
        employee_roles: Collection[Role],
        policy: PerformancePolicy,
        policy_version: str,
    ) -> None:
        actor = evidence.actor
        not_their_own(actor, self.employee_id, "3.3.4", "cannot decide their own incentive")
        among(
            actor,
            policy.incentive_approvers,
            "3.3.4",
            "may not approve incentives; approvers are ",
        )
        if _seniority((actor.role,)) <= _seniority(employee_roles):
            raise NotAuthorised(
                "3.3.4",
                str(actor),
                f"is not senior to {self.employee_name}: an incentive is approved by someone "
                "senior to the employee",
            )
        band = self._finalised("3.3.4", "decide an incentive")
        if band.is_below_standard and incentive.is_reward:
            raise SopRuleViolation(NO_REWARD_BELOW_STANDARD, f"final score {self.final_score}")
        assert self.final_score is not None
        self._record(
            self.IncentiveDecided,
            evidence,
            employee_id=self.employee_id,
            incentive=incentive,
            final_score=self.final_score,
            rating_band=band,
            policy_version=policy_version,
        )

    def plan_coaching(self, evidence: Evidence, plan: CoachingPlan, *, today: date) -> None:
        self._not_the_appraisee(evidence, "3.3.4")
        self._finalised("3.3.4", "plan coaching")
        if plan.review_on < today:
            raise SopRuleViolation(COACHING_REVIEW_AHEAD, f"review on {plan.review_on}")
        self._record(self.CoachingPlanned, evidence, employee_id=self.employee_id, plan=plan)

    def close(self, evidence: Evidence, *, manager_id: UUID | None, today: date) -> None:
        self._manager_or_hr(evidence, manager_id, "3.3.3", "closes")
        band = self._finalised("3.3.3", "close")
        if band.is_below_standard and self.coaching is None:
            raise SopRuleViolation(
                BELOW_STANDARD_CLOSED_WITH_COACHING, f"final score {self.final_score}"
            )
        assert self.final_score is not None
        self._record(
            self.Closed,
            evidence,
            employee_id=self.employee_id,
            employee_name=self.employee_name,
            period=self.period,
            cycle=self.cycle,
            final_score=self.final_score,
            rating_band=band,
            complete_by=self.complete_by,
            within_time_limit=today <= self.complete_by,
        )

    # ---- rules shared by the steps --------------------------------------------------

    def _expect(self, stage: AppraisalStage, doing: str) -> None:
        if self.stage is not stage:
            raise SopRuleViolation(
                APPRAISAL_STEPS_IN_ORDER,
                f"cannot {doing} when {self.stage.value}; next: {_NEXT[self.stage]}",
            )

    def _finalised(self, code: str, doing: str) -> RatingBand:
        if self.stage is not AppraisalStage.FINALISED or self.rating_band is None:
            raise SopRuleViolation(
                APPRAISAL_FOLLOW_UP_AFTER_FINAL_SCORE,
                f"cannot {doing} when {self.stage.value}",
                at_step=code,
            )
        return self.rating_band

    def _every_indicator(self, given: frozenset[Indicator], rule: SopRule) -> None:
        expected = self.specs.indicators
        if given != expected:
            missing = ", ".join(sorted(i.label for i in expected - given)) or "none"
            extra = ", ".join(sorted(i.label for i in given - expected)) or "none"
            raise SopRuleViolation(rule, f"missing: {missing}; not in the scheme: {extra}")

    def _not_the_appraisee(self, evidence: Evidence, code: str) -> None:
        if evidence.actor.employee_id == self.employee_id:
            raise NotAuthorised(code, str(evidence.actor), "cannot appraise themselves")

    def _by_the_manager(self, evidence: Evidence, manager_id: UUID | None, doing: str) -> None:
        self._not_the_appraisee(evidence, "3.3.3")
        if evidence.actor.employee_id != manager_id:
            raise NotAuthorised(
                "3.3.3",
                str(evidence.actor),
                f"is not {self.employee_name}'s manager; only the employee's own manager {doing}",
            )

    def _manager_or_hr(
        self, evidence: Evidence, manager_id: UUID | None, code: str, doing: str
    ) -> None:
        self._not_the_appraisee(evidence, code)
        actor = evidence.actor
        if actor.employee_id != manager_id and actor.role is not Role.HR:
            raise NotAuthorised(
                code, str(actor), f"is neither HR nor the employee's manager, who {doing}"
            )


def _calculated(
    spec: IndicatorSpec, actual: Decimal, scoring: IndicatorScoring, policy: PerformancePolicy
) -> ScoreCalculation:
    """The indicator's score by the policy's formula, and the manager's judgement of it
    where they gave a different score (refused where the policy allows none, beyond its
    bound, or without a reason)."""
    formula = policy.scoring
    attainment = formula.attainment(actual, spec.target, higher_is_better=spec.higher_is_better)
    computed = formula.score(attainment)
    judged = computed if scoring.score is None else scoring.score
    judgement = judged - computed
    label = spec.indicator.label
    shown = f"{label}: {judged} given; {attainment * 100:.1f}% of target scores {computed}"
    if judgement:
        bound = policy.judgement_points.get(spec.indicator)
        if bound is None:
            raise SopRuleViolation(
                SCORE_FOLLOWS_FROM_ACTUALS, f"{shown}, and the policy allows no judgement on it"
            )
        if abs(judgement) > bound:
            raise SopRuleViolation(
                JUDGEMENT_WITHIN_POLICY_BOUND, f"{shown}; a judgement moves it {bound} at most"
            )
        if not scoring.judgement_reason:
            raise SopRuleViolation(JUDGEMENT_WITHIN_POLICY_BOUND, f"{shown}; say why")
    return ScoreCalculation(
        indicator=spec.indicator,
        actual=actual,
        target=spec.target,
        attainment=attainment.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        formula_score=computed,
        judgement=judgement,
        judgement_reason=scoring.judgement_reason if judgement else "",
    )


def _seniority(roles: Collection[Role]) -> int:
    """The highest approval level among ``roles`` (as the people area ranks them), else -1."""
    return max((PAY_APPROVERS.index(r) for r in roles if r in PAY_APPROVERS), default=-1)
