"""Handlers of after-sales service: load, call the aggregate, done."""

from __future__ import annotations

from uuid import UUID

from salesdomain.aftersales import commands as c
from salesdomain.aftersales.order_link import DeliveredOrder
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.service_visit import ServiceVisit
from salesdomain.handling import UnitOfWork, delegate_to, handles
from salesdomain.orders.order import Order
from salesdomain.prospecting.customer import Customer

passes_to_service_case = delegate_to(ServiceCase, by="service_case_id")
"""Registers a handler that only passes the command's fields to a method of the service case."""

passes_to_survey = delegate_to(SatisfactionSurvey, by="survey_id")
"""Registers a handler that only passes the command's fields to a method of the survey."""


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


passes_to_service_case(c.ClassifyFeedback, ServiceCase.classify)
passes_to_service_case(c.AssignServiceCase, ServiceCase.assign)
passes_to_service_case(c.RespondToFeedback, ServiceCase.respond)
passes_to_service_case(c.RecordRootCause, ServiceCase.record_root_cause)
passes_to_service_case(c.ResolveServiceCase, ServiceCase.resolve)
passes_to_service_case(c.CloseServiceCase, ServiceCase.close)
passes_to_service_case(c.ReopenServiceCase, ServiceCase.reopen)


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


passes_to_survey(c.RecordSurveyResponse, SatisfactionSurvey.record_response)
passes_to_survey(c.AnalyseSurveyResults, SatisfactionSurvey.analyse)
passes_to_survey(c.AddImprovementAction, SatisfactionSurvey.add_improvement_action)
passes_to_survey(c.CloseSatisfactionSurvey, SatisfactionSurvey.close)
