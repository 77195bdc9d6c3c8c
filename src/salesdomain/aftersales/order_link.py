"""What after-sales service needs of an order (SOP 2.5), and the rules for referring to one.

After-sales feedback and service concern an order only once it has been delivered
(the order is complete), and only the customer who placed it.  A case or visit that
refers to an order joins the order's business case, caused by its completion.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from salesdomain.errors import SopRuleViolation
from salesdomain.prospecting.customer import Customer
from salesdomain.rules.after_sales import SERVICE_FOR_CUSTOMERS_ORDER, SERVICE_FOR_DELIVERED_ORDER


class DeliveredOrder(Protocol):
    """The facts of an order an after-sales record refers to (``orders.order.Order``)."""

    @property
    def id(self) -> UUID: ...
    @property
    def customer_id(self) -> UUID: ...
    @property
    def owner_id(self) -> UUID: ...
    @property
    def is_complete(self) -> bool: ...
    @property
    def completed_event_id(self) -> UUID | None: ...
    @property
    def case_id(self) -> UUID: ...


def joining(
    code: str, order: DeliveredOrder | None, customer: Customer
) -> tuple[UUID | None, UUID | None]:
    """The business case a record referring to ``order`` joins and the event that caused
    it: the order's case and its completion (none without an order), once the order is
    checked to be the customer's and delivered."""
    if order is None:
        return None, None
    check_delivered(code, order, customer)
    return order.case_id, order.completed_event_id


def check_delivered(code: str, order: DeliveredOrder, customer: Customer) -> None:
    """Refuse an order of another customer, or one not yet complete."""
    if order.customer_id != customer.id:
        raise SopRuleViolation(
            SERVICE_FOR_CUSTOMERS_ORDER,
            f"order {order.id} is not an order of {customer.company_name}",
            at_step=code,
        )
    if not order.is_complete:
        raise SopRuleViolation(
            SERVICE_FOR_DELIVERED_ORDER, f"order {order.id} is not complete", at_step=code
        )
