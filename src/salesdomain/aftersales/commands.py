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
    """The new service case's id (made up if left out)."""
    customer_id: UUID
    """The customer giving the feedback."""
    order_id: UUID | None = None
    """The order the feedback is about, if any."""
    channel: FeedbackChannel
    """How the feedback came in (2.6.1 feedback channel)."""
    description: NonEmptyStr
    """The problem, opinion or suggestion in the customer's words."""


class ClassifyFeedback(Command):
    """Classify feedback (complaint, question, suggestion) and set its severity."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    """The service case (2.6.1)."""
    kind: FeedbackKind
    """The feedback's class: problem, opinion or suggestion."""
    severity: Severity
    """How severe the problem is; it sets the time limit for the answer."""


class AssignServiceCase(Command):
    """Give the case to the after-sales or sales employee who handles it."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    """The service case (2.6.1)."""
    assignee: Actor
    """The qualified employee who handles the case."""


class RespondToFeedback(Command):
    """Give the customer the first clear answer and solution."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    """The service case answered (2.6.1)."""
    response: FeedbackResponse
    """The clear answer and solution given to the customer."""


class RecordRootCause(Command):
    SOP_STEP = "2.6.1"
    service_case_id: UUID
    """The service case (2.6.1)."""
    root_cause: RootCause
    """The analysed cause and impact of the problem."""


class ResolveServiceCase(Command):
    SOP_STEP = "2.6.1"
    service_case_id: UUID
    """The service case resolved."""
    resolution: NonEmptyStr
    """How the problem was solved."""


class CloseServiceCase(Command):
    SOP_STEP = "2.6.1"
    service_case_id: UUID
    """The service case closed."""
    remarks: Text = ""
    """Closing remarks."""


class ReopenServiceCase(Command):
    """Reopen a closed case, e.g. when the problem comes back; a new deadline runs."""

    SOP_STEP = "2.6.1"
    service_case_id: UUID
    """The service case reopened."""
    reason: NonEmptyStr
    """Why the case is reopened."""


# ---- 2.6.2 Deliver service ------------------------------------------------------------


class RecordServiceVisit(Command):
    """Record a return visit or on-site service that took place, and the customer's
    satisfaction; for a service case or after a delivered order, not both."""

    SOP_STEP = "2.6.2"
    visit_id: UUID = Field(default_factory=uuid4)
    """The visit's id (made up if left out)."""
    customer_id: UUID
    """The customer visited (2.6.2)."""
    kind: VisitKind
    """Return visit or on-site service."""
    service_case_id: UUID | None = None
    """The service case the visit serves, if any."""
    order_id: UUID | None = None
    """The order the visit concerns, if any."""
    work: ServiceWork
    """What was done and the customer's satisfaction."""

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
    """The customer surveyed (2.6.3)."""
    period: SurveyPeriod
    """The period the survey covers."""
    method: SurveyMethod
    """How the survey is taken: questionnaire, phone or online."""


class RecordSurveyResponse(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    """The satisfaction survey answered (2.6.3)."""
    response: SurveyResponse
    """The customer's answers."""


class AnalyseSurveyResults(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    """The satisfaction survey analysed (2.6.3)."""
    analysis: SurveyAnalysis
    """What the results show and the problems found."""


class AddImprovementAction(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    """The satisfaction survey the action answers (2.6.3)."""
    action: ImprovementAction
    """The improvement action defined from the survey's results."""


class CloseSatisfactionSurvey(Command):
    SOP_STEP = "2.6.3"
    survey_id: UUID
    """The satisfaction survey closed (2.6.3)."""
    remarks: Text = ""
    """Closing remarks."""
