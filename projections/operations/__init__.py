"""Operations (SOP 2.5, 2.6.1, 4.2 monitoring): what is waiting for someone, and what is late.

Tables: ``orders`` (each order's status, delivery date and inspection deadline),
``order_products`` (per order and product: ordered, passed the final inspection,
shipped and delivered quantities), ``lots`` (each inspected lot's state), ``tasks`` (the
coordination tasks of 2.5.1), ``service_cases`` (each case's deadline and first answer)
and ``responses`` (every first answer, also of earlier rounds of a reopened case).

Queries take ``now`` (an aware datetime; "today" is its UTC date, as for the rules):

* ``open_tasks``: coordination tasks not completed on orders in execution, with their
  owner and due date; overdue once the due date has passed;
* ``awaiting_inspection``: per order in execution and product, the quantity that has
  not passed the final inspection, with failed and reworked lots and the inspection
  deadline (overdue once passed);
* ``awaiting_shipment``: per order in execution and product, the quantity that passed
  inspection and has not shipped, late once the delivery date has passed;
* ``service_cases``: each case with its deadline and first answer; breached when it was
  answered late, or is still unanswered after the deadline.

Both lists of goods flag an order whose production plan finishes after its delivery
date (``plan_finishes_late``, with ``planned_finish`` and ``customer_told_on``, 2.5.2).
"""

from salesdomain.projections.operations.cases import ServiceCaseRow, service_cases
from salesdomain.projections.operations.projection import Operations
from salesdomain.projections.operations.queries import (
    InspectionRow,
    ShipmentRow,
    awaiting_inspection,
    awaiting_shipment,
)
from salesdomain.projections.operations.statuses import (
    CANCELLED,
    CASE_ANSWERED,
    CASE_CLOSED,
    CASE_RECEIVED,
    CASE_REOPENED,
    CASE_RESOLVED,
    COMPLETED,
    IN_EXECUTION,
    LOT_FAILED,
    LOT_IN_PROCESS_PASSED,
    LOT_PASSED,
    LOT_REWORKED,
)
from salesdomain.projections.operations.tasks import TaskRow, open_tasks

__all__ = [
    "CANCELLED",
    "CASE_ANSWERED",
    "CASE_CLOSED",
    "CASE_RECEIVED",
    "CASE_REOPENED",
    "CASE_RESOLVED",
    "COMPLETED",
    "IN_EXECUTION",
    "LOT_FAILED",
    "LOT_IN_PROCESS_PASSED",
    "LOT_PASSED",
    "LOT_REWORKED",
    "InspectionRow",
    "Operations",
    "ServiceCaseRow",
    "ShipmentRow",
    "TaskRow",
    "awaiting_inspection",
    "awaiting_shipment",
    "open_tasks",
    "service_cases",
]
