"""Handlers of after-sales service: load, call the aggregate, done."""

from __future__ import annotations

from uuid import UUID

from salesdomain.aftersales import commands as c
from salesdomain.aftersales.order_link import DeliveredOrder
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.service_visit import ServiceVisit
from salesdomain.handling import UnitOfWork, handles
from salesdomain.orders.order import Order
from salesdomain.prospecting.customer import Customer


def _order(uow: UnitOfWork, order_id: UUID | None) -> DeliveredOrder | None:
    """The order an after-sales record refers to; ``RecordNotFound`` if there is none."""
    return uow.load(Order, order_id) if order_id is not None else None


# ---- 2.6.1 Handle feedback ------------------------------------------------------------


@handles(c.ReceiveFeedback)
def receive_feedback(cmd: c.ReceiveFeedback, uow: UnitOfWork) -> None:
    customer = uow.load(Customer, cmd.customer_id)
    uow.add(
        ServiceCase.receive(
            uow.evidence,
            case_id=cmd.service_case_id,
            customer=customer,
            order=_order(uow, cmd.order_id),
            channel=cmd.channel,
            description=cmd.description,
            now=uow.now(),
            policy=uow.policy,
        )
    )


@handles(c.ClassifyFeedback)
def classify_feedback(cmd: c.ClassifyFeedback, uow: UnitOfWork) -> None:
    uow.load(ServiceCase, cmd.service_case_id).classify(
        uow.evidence, kind=cmd.kind, severity=cmd.severity, policy=uow.policy
    )


@handles(c.AssignServiceCase)
def assign_service_case(cmd: c.AssignServiceCase, uow: UnitOfWork) -> None:
    uow.load(ServiceCase, cmd.service_case_id).assign(uow.evidence, cmd.assignee)


@handles(c.RespondToFeedback)
def respond_to_feedback(cmd: c.RespondToFeedback, uow: UnitOfWork) -> None:
    uow.load(ServiceCase, cmd.service_case_id).respond(uow.evidence, cmd.response, now=uow.now())


@handles(c.RecordRootCause)
def record_root_cause(cmd: c.RecordRootCause, uow: UnitOfWork) -> None:
    uow.load(ServiceCase, cmd.service_case_id).record_root_cause(uow.evidence, cmd.root_cause)


@handles(c.ResolveServiceCase)
def resolve_service_case(cmd: c.ResolveServiceCase, uow: UnitOfWork) -> None:
    uow.load(ServiceCase, cmd.service_case_id).resolve(uow.evidence, cmd.resolution)


@handles(c.CloseServiceCase)
def close_service_case(cmd: c.CloseServiceCase, uow: UnitOfWork) -> None:
    uow.load(ServiceCase, cmd.service_case_id).close(uow.evidence, cmd.remarks)


@handles(c.ReopenServiceCase)
def reopen_service_case(cmd: c.ReopenServiceCase, uow: UnitOfWork) -> None:
    uow.load(ServiceCase, cmd.service_case_id).reopen(
        uow.evidence, reason=cmd.reason, now=uow.now(), policy=uow.policy
    )


# ---- 2.6.2 Deliver service ------------------------------------------------------------


@handles(c.RecordServiceVisit)
def record_service_visit(cmd: c.RecordServiceVisit, uow: UnitOfWork) -> None:
    customer = uow.load(Customer, cmd.customer_id)
    case = None
    if cmd.service_case_id is not None:
        case = uow.load(ServiceCase, cmd.service_case_id)
    uow.add(
        ServiceVisit.record(
            uow.evidence,
            visit_id=cmd.visit_id,
            customer=customer,
            kind=cmd.kind,
            work=cmd.work,
            service_case=case,
            order=_order(uow, cmd.order_id if case is None else case.order_id),
            today=uow.now().date(),
        )
    )


# ---- 2.6.3 Satisfaction surveys -------------------------------------------------------


@handles(c.StartSatisfactionSurvey)
def start_satisfaction_survey(cmd: c.StartSatisfactionSurvey, uow: UnitOfWork) -> None:
    customer = uow.load(Customer, cmd.customer_id)
    existing = uow.find(SatisfactionSurvey, SatisfactionSurvey.id_for(customer.id, cmd.period))
    uow.add(
        SatisfactionSurvey.start(
            uow.evidence,
            customer=customer,
            period=cmd.period,
            method=cmd.method,
            existing=existing,
        )
    )


@handles(c.RecordSurveyResponse)
def record_survey_response(cmd: c.RecordSurveyResponse, uow: UnitOfWork) -> None:
    uow.load(SatisfactionSurvey, cmd.survey_id).record_response(uow.evidence, cmd.response)


@handles(c.AnalyseSurveyResults)
def analyse_survey_results(cmd: c.AnalyseSurveyResults, uow: UnitOfWork) -> None:
    uow.load(SatisfactionSurvey, cmd.survey_id).analyse(uow.evidence, cmd.analysis, uow.policy)


@handles(c.AddImprovementAction)
def add_improvement_action(cmd: c.AddImprovementAction, uow: UnitOfWork) -> None:
    uow.load(SatisfactionSurvey, cmd.survey_id).add_improvement_action(
        uow.evidence, cmd.action, today=uow.now().date()
    )


@handles(c.CloseSatisfactionSurvey)
def close_satisfaction_survey(cmd: c.CloseSatisfactionSurvey, uow: UnitOfWork) -> None:
    uow.load(SatisfactionSurvey, cmd.survey_id).close(uow.evidence, cmd.remarks)
