"""Service visit: a return visit or on-site service by after-sales staff (SOP 2.6.2).

A visit is recorded once it has taken place, by the after-sales employee who made it
(the catalogue lets only after-sales staff perform 2.6.2): what was done and how
satisfied the customer is (1-5).  It may be made for a service case (it joins the
case's business case) or after a delivered order (it joins the order's); otherwise it
starts a case of its own.  On-site service for a case needs the case open.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aftersales.order_link import DeliveredOrder, joining
from salesdomain.aftersales.service_case import ServiceCase
from salesdomain.aftersales.values import ServiceWork, VisitKind
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.errors import SopRuleViolation
from salesdomain.prospecting.customer import Customer
from salesdomain.rules.after_sales import (
    ON_SITE_SERVICE_FOR_OPEN_CASE,
    VISIT_RECORDED_ONCE_MADE,
    VISIT_TO_CUSTOMER_OF_CASE,
)

STEP = "2.6.2"


class ServiceVisit(SopAggregate):
    # bounded by construction: one event, the visit recorded once made
    SNAPSHOT_INTERVAL: ClassVar[int | None] = None

    class Event(SopAggregate.Event):
        SOP_STEP = STEP

    class Recorded(Event, SopAggregate.Created):
        class_version: ClassVar[int] = 2
        customer_id: UUID
        customer_name: str
        kind: VisitKind
        service_case_id: UUID | None
        order_id: UUID | None
        work: ServiceWork
        order_owner_id: UUID | None
        """The owner of the order the visit is about (``None`` without an order, and in
        version 1: unknown)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the order's owner: unknown (``None``)."""
            state.update(order_owner_id=None)

        def apply(self, visit: ServiceVisit) -> None:
            visit.customer_id = self.customer_id
            visit.kind = self.kind
            visit.service_case_id = self.service_case_id
            visit.order_id = self.order_id
            visit.work = self.work
            visit.visitor_id = self.actor.employee_id

    if TYPE_CHECKING:
        customer_id: UUID
        kind: VisitKind
        service_case_id: UUID | None
        order_id: UUID | None
        work: ServiceWork
        visitor_id: UUID

    @classmethod
    def record(
        cls,
        evidence: Evidence,
        *,
        visit_id: UUID,
        customer: Customer,
        kind: VisitKind,
        work: ServiceWork,
        service_case: ServiceCase | None,
        order: DeliveredOrder | None,
        today: date,
    ) -> ServiceVisit:
        if work.visited_on > today:
            raise SopRuleViolation(
                VISIT_RECORDED_ONCE_MADE, f"visited on {work.visited_on}, today is {today}"
            )
        business_case = None
        cause = None
        order_id = None
        order_owner_id = order.owner_id if order is not None else None
        if service_case is not None:
            if service_case.customer_id != customer.id:
                raise SopRuleViolation(
                    VISIT_TO_CUSTOMER_OF_CASE,
                    f"service case {service_case.id} is {service_case.customer_name}'s",
                )
            if kind is VisitKind.ON_SITE and service_case.closed:
                raise SopRuleViolation(ON_SITE_SERVICE_FOR_OPEN_CASE)
            business_case = service_case.case_id
            order_id = service_case.order_id
            cause = service_case.received_event_id
        elif order is not None:
            business_case, cause = joining(STEP, order, customer)
            order_id = order.id
        return cls._start(
            cls.Recorded,
            evidence,
            id=visit_id,
            case_id=business_case,
            caused_by=cause,
            customer_id=customer.id,
            customer_name=customer.company_name,
            kind=kind,
            service_case_id=service_case.id if service_case is not None else None,
            order_id=order_id,
            work=work,
            order_owner_id=order_owner_id,
        )
