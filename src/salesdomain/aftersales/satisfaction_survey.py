"""Satisfaction survey: one customer's periodic survey (SOP 2.6.3).

A survey is taken (questionnaire, phone, online) for one customer and period, at most
once: its id is derived from both.  Respondents give satisfaction (1-5), likelihood to
recommend (0-10) and comments.  The results are then analysed: averages are computed
and, when satisfaction falls below the policy's target, the problems found are named.
Improvement actions, each with an owner and a due date, address the problems; a survey
that found problems is closed only once improvement actions are defined.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aftersales.values import (
    ImprovementAction,
    SurveyAnalysis,
    SurveyMethod,
    SurveyPeriod,
    SurveyResponse,
    average,
)
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.errors import SopRuleViolation
from salesdomain.policy import SalesPolicy
from salesdomain.prospecting.customer import Customer
from salesdomain.rules.after_sales import (
    ACTION_DUE_AFTER_DEFINED,
    ACTIONS_FROM_ANALYSED_RESULTS,
    LOW_RESULTS_ANALYSED_FOR_PROBLEMS,
    RESPONDENT_ANSWERS_ONCE,
    RESPONSES_BEFORE_ANALYSIS,
    RESULTS_ANALYSED_ONCE,
    RESULTS_ANALYSED_WITH_RESPONSES,
    SURVEY_CLOSED,
    SURVEY_CLOSED_AFTER_ANALYSIS,
    SURVEY_PROBLEMS_CLOSED_WITH_ACTIONS,
    SURVEYED_ONCE_PER_PERIOD,
)

STEP = "2.6.3"
SURVEY_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:satisfaction-survey")


class SatisfactionSurvey(SopAggregate):
    class Event(SopAggregate.Event):
        SOP_STEP = STEP

    class Started(Event, SopAggregate.Created):
        customer_id: UUID
        customer_name: str
        period: SurveyPeriod
        method: SurveyMethod

        def apply(self, survey: SatisfactionSurvey) -> None:
            survey.customer_id = self.customer_id
            survey.customer_name = self.customer_name
            survey.period = self.period
            survey.responses = []
            survey.analysis = None
            survey.actions = []
            survey.closed = False

    class ResponseRecorded(Event):
        class_version: ClassVar[int] = 2
        response: SurveyResponse
        customer_id: UUID | None
        """The surveyed customer (``None`` only in version 1: unknown)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the customer: unknown (``None``)."""
            state.update(customer_id=None)

        def apply(self, survey: SatisfactionSurvey) -> None:
            survey.responses.append(self.response)

    class Analysed(Event):
        analysis: SurveyAnalysis
        responses: int
        average_satisfaction: Decimal
        average_recommendation: Decimal
        satisfaction_target: Decimal
        policy_version: str

        def apply(self, survey: SatisfactionSurvey) -> None:
            survey.analysis = self.analysis

    class ImprovementActionAdded(Event):
        action: ImprovementAction

        def apply(self, survey: SatisfactionSurvey) -> None:
            survey.actions.append(self.action)

    class Closed(Event):
        improvement_actions: int
        remarks: str

        def apply(self, survey: SatisfactionSurvey) -> None:
            survey.closed = True

    if TYPE_CHECKING:
        customer_id: UUID
        customer_name: str
        period: SurveyPeriod
        responses: list[SurveyResponse]
        analysis: SurveyAnalysis | None
        actions: list[ImprovementAction]
        closed: bool

    @staticmethod
    def id_for(customer_id: UUID, period: SurveyPeriod) -> UUID:
        """The one id a customer's survey of ``period`` can have."""
        return uuid5(SURVEY_NAMESPACE, f"{customer_id}/{period.starts_on}/{period.ends_on}")

    @classmethod
    def start(
        cls,
        evidence: Evidence,
        *,
        customer: Customer,
        period: SurveyPeriod,
        method: SurveyMethod,
        existing: SatisfactionSurvey | None,
    ) -> SatisfactionSurvey:
        if existing is not None:
            raise SopRuleViolation(
                SURVEYED_ONCE_PER_PERIOD,
                f"{customer.company_name} already has the survey {existing.id} for {period}",
            )
        return cls._start(
            cls.Started,
            evidence,
            id=cls.id_for(customer.id, period),
            customer_id=customer.id,
            customer_name=customer.company_name,
            period=period,
            method=method,
        )

    def record_response(self, evidence: Evidence, response: SurveyResponse) -> None:
        self._ensure_open()
        if self.analysis is not None:
            raise SopRuleViolation(RESPONSES_BEFORE_ANALYSIS)
        answered = {r.respondent.casefold() for r in self.responses}
        if response.respondent.casefold() in answered:
            raise SopRuleViolation(RESPONDENT_ANSWERS_ONCE, f"{response.respondent} has answered")
        self._record(
            self.ResponseRecorded, evidence, response=response, customer_id=self.customer_id
        )

    def analyse(self, evidence: Evidence, analysis: SurveyAnalysis, policy: SalesPolicy) -> None:
        self._ensure_open()
        if self.analysis is not None:
            raise SopRuleViolation(RESULTS_ANALYSED_ONCE)
        if not self.responses:
            raise SopRuleViolation(RESULTS_ANALYSED_WITH_RESPONSES)
        satisfaction = average([r.satisfaction.value for r in self.responses])
        target = policy.service.satisfaction_target
        if satisfaction < target and not analysis.problems:
            raise SopRuleViolation(
                LOW_RESULTS_ANALYSED_FOR_PROBLEMS,
                f"average satisfaction {satisfaction}, target {target}: name the problems found",
            )
        self._record(
            self.Analysed,
            evidence,
            analysis=analysis,
            responses=len(self.responses),
            average_satisfaction=satisfaction,
            average_recommendation=average([r.recommendation.value for r in self.responses]),
            satisfaction_target=target,
            policy_version=policy.version,
        )

    def add_improvement_action(
        self, evidence: Evidence, action: ImprovementAction, *, today: date
    ) -> None:
        self._ensure_open()
        if self.analysis is None:
            raise SopRuleViolation(ACTIONS_FROM_ANALYSED_RESULTS)
        if action.due < today:
            raise SopRuleViolation(ACTION_DUE_AFTER_DEFINED, f"due {action.due}, today is {today}")
        self._record(self.ImprovementActionAdded, evidence, action=action)

    def close(self, evidence: Evidence, remarks: str) -> None:
        self._ensure_open()
        if self.analysis is None:
            raise SopRuleViolation(SURVEY_CLOSED_AFTER_ANALYSIS)
        if self.analysis.problems and not self.actions:
            raise SopRuleViolation(
                SURVEY_PROBLEMS_CLOSED_WITH_ACTIONS,
                f"problems: {'; '.join(self.analysis.problems)}",
            )
        self._record(self.Closed, evidence, improvement_actions=len(self.actions), remarks=remarks)

    def _ensure_open(self) -> None:
        if self.closed:
            raise SopRuleViolation(SURVEY_CLOSED)
