"""Handlers of after-sales service: load, call the aggregate, done."""

from __future__ import annotations

from uuid import UUID

from salesdomain.aftersales import commands as c
from salesdomain.aftersales.order_link import DeliveredOrder
from salesdomain.aftersales.satisfaction_survey import SatisfactionSurvey
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.service_visit import ServiceVisit
from salesdomain.aftersales.values import SurveyPeriod
from salesdomain.handling import UnitOfWork, creates, delegate_to, handles
from salesdomain.orders.order import Order
from salesdomain.prospecting.customer import Customer
from salesdomain.values import Actor

passes_to_service_case = delegate_to(ServiceCase, by="service_case_id")
"""Registers a handler that only passes the command's fields to a method of the service case."""

passes_to_survey = delegate_to(SatisfactionSurvey, by="survey_id")
"""Registers a handler that only passes the command's fields to a method of the survey."""


def _customer(uow: UnitOfWork, customer_id: UUID) -> Customer:
    return uow.load(Customer, customer_id)


def _order(uow: UnitOfWork, order_id: UUID | None) -> DeliveredOrder | None:
    """The order an after-sales record refers to; ``RecordNotFound`` if there is none."""
    return uow.load(Order, order_id) if order_id is not None else None


def _survey_already(
    uow: UnitOfWork, customer_id: UUID, period: SurveyPeriod
) -> SatisfactionSurvey | None:
    """The customer's survey for the period, if one was started already."""
    return uow.find(SatisfactionSurvey, SatisfactionSurvey.id_for(customer_id, period))


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


def _assignee(uow: UnitOfWork, assignee: Actor) -> Actor:
    """The employee the case is given to, as the staff register names them."""
    return uow.staff_member(
        assignee.employee_id, assignee.role, at_step="2.6.1", name=assignee.name
    )


passes_to_service_case(c.AssignServiceCase, ServiceCase.assign, assignee=_assignee)
passes_to_service_case(c.RespondToFeedback, ServiceCase.respond)
passes_to_service_case(c.RecordRootCause, ServiceCase.record_root_cause)
passes_to_service_case(c.ResolveServiceCase, ServiceCase.resolve)
passes_to_service_case(c.CloseServiceCase, ServiceCase.close)
passes_to_service_case(c.ReopenServiceCase, ServiceCase.reopen)


# ---- 2.6.2 Deliver service ------------------------------------------------------------


def _service_case(uow: UnitOfWork, service_case_id: UUID | None) -> ServiceCase | None:
    return uow.load(ServiceCase, service_case_id) if service_case_id is not None else None


def _order_visited(
    uow: UnitOfWork, order_id: UUID | None, service_case_id: UUID | None
) -> DeliveredOrder | None:
    """The order a visit follows: the command's, or that of the visit's service case."""
    case = _service_case(uow, service_case_id)
    return _order(uow, order_id if case is None else case.order_id)


creates(ServiceVisit)(
    c.RecordServiceVisit,
    ServiceVisit.record,
    customer=_customer,
    service_case=_service_case,
    order=_order_visited,
)


# ---- 2.6.3 Satisfaction surveys -------------------------------------------------------


creates(SatisfactionSurvey)(
    c.StartSatisfactionSurvey,
    SatisfactionSurvey.start,
    customer=_customer,
    existing=_survey_already,
)
passes_to_survey(c.RecordSurveyResponse, SatisfactionSurvey.record_response)
passes_to_survey(c.AnalyseSurveyResults, SatisfactionSurvey.analyse)
passes_to_survey(c.AddImprovementAction, SatisfactionSurvey.add_improvement_action)
passes_to_survey(c.CloseSatisfactionSurvey, SatisfactionSurvey.close)
