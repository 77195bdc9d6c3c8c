"""Commands of after-sales service (SOP 2.6.1 feedback, 2.6.2 visits, 2.6.3 surveys)."""

from __future__ import annotations

from typing import Self
from uuid import UUID, uuid4

from pydantic import Field, model_validator

from salesdomain.aftersales.values import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackResponse,
    ImprovementAction,
    RootCause,
    ServiceWork,
    Severity,
    SurveyAnalysis,
    SurveyMethod,
    SurveyPeriod,
    SurveyResponse,
    VisitKind,
)
from salesdomain.commands import Command
from salesdomain.values import Actor, NonEmptyStr, Text

# ---- 2.6.1 Handle feedback ------------------------------------------------------------


class ReceiveFeedback(Command):
    """Record a problem, opinion or suggestion received through a channel."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID = Field(default_factory=uuid4)
    customer_id: UUID
    order_id: UUID | None = None
    channel: FeedbackChannel
    description: NonEmptyStr


class ClassifyFeedback(Command):
    """Classify feedback (complaint, question, suggestion) and set its severity."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    kind: FeedbackKind
    severity: Severity


class AssignServiceCase(Command):
    """Give the case to the after-sales or sales employee who handles it."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    assignee: Actor


class RespondToFeedback(Command):
    """Give the customer the first clear answer and solution."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    response: FeedbackResponse


class RecordRootCause(Command):
    SOP_STEP = "2.6.1"
    service_case_id: UUID
    root_cause: RootCause


class ResolveServiceCase(Command):
    SOP_STEP = "2.6.1"
    service_case_id: UUID
    resolution: NonEmptyStr


class CloseServiceCase(Command):
    SOP_STEP = "2.6.1"
    service_case_id: UUID
    remarks: Text = ""


class ReopenServiceCase(Command):
    """Reopen a closed case, e.g. when the problem comes back; a new deadline runs."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    reason: NonEmptyStr


# ---- 2.6.2 Deliver service ------------------------------------------------------------


class RecordServiceVisit(Command):
    """Record a return visit or on-site service that took place, and the customer's
    satisfaction; for a service case or after a delivered order, not both."""

    SOP_STEP = "2.6.2"
    visit_id: UUID = Field(default_factory=uuid4)
    customer_id: UUID
    kind: VisitKind
    service_case_id: UUID | None = None
    order_id: UUID | None = None
    work: ServiceWork

    @model_validator(mode="after")
    def _one_reference(self) -> Self:
        if self.service_case_id is not None and self.order_id is not None:
            raise ValueError("give the service case or the order, not both")
        return self


# ---- 2.6.3 Satisfaction surveys -------------------------------------------------------


class StartSatisfactionSurvey(Command):
    """Survey one customer for one period (once per customer and period)."""

    SOP_STEP = "2.6.3"
    customer_id: UUID
    period: SurveyPeriod
    method: SurveyMethod


class RecordSurveyResponse(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    response: SurveyResponse


class AnalyseSurveyResults(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    analysis: SurveyAnalysis


class AddImprovementAction(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    action: ImprovementAction


class CloseSatisfactionSurvey(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    remarks: Text = ""
