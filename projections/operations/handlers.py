"""What each event changes: the per-event function of each event the operations read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesdomain.projections.changes import RowChange
from salesdomain.projections.operations.aftersales import (
    _assigned,
    _case_status,
    _classified,
    _feedback_received,
    _reopened,
    _responded,
)
from salesdomain.projections.operations.orders import (
    _contract_amended,
    _lot_inspected,
    _lot_reworked,
    _moved,
    _order_closed,
    _order_entered,
    _task_assigned,
    _task_completed,
)
from salesdomain.projections.operations.statuses import (
    CANCELLED,
    CASE_CLOSED,
    CASE_RESOLVED,
    COMPLETED,
)

_HANDLERS: dict[str, Callable[[Any, int], list[RowChange]]] = {
    "Order.Entered": _order_entered,
    "Order.ContractAmended": _contract_amended,
    "Order.CoordinationTaskAssigned": _task_assigned,
    "Order.CoordinationTaskCompleted": _task_completed,
    "Order.LotInspected": _lot_inspected,
    "Order.LotReworked": _lot_reworked,
    "Order.ShipmentDispatched": _moved("shipped"),
    "Order.DeliveryConfirmed": _moved("delivered"),
    "Order.Completed": _order_closed(COMPLETED),
    "Order.Cancelled": _order_closed(CANCELLED),
    "ServiceCase.FeedbackReceived": _feedback_received,
    "ServiceCase.Classified": _classified,
    "ServiceCase.Assigned": _assigned,
    "ServiceCase.Responded": _responded,
    "ServiceCase.Resolved": _case_status(CASE_RESOLVED),
    "ServiceCase.Closed": _case_status(CASE_CLOSED),
    "ServiceCase.Reopened": _reopened,
}
