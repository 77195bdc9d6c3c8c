"""What each event changes, orders (SOP 2.5): entry and amendments, coordination tasks,
production plans, inspected and reworked lots, goods shipped and delivered, orders
completed or cancelled."""

from __future__ import annotations

from collections.abc import Callable

from salesdomain.projections.changes import Add, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.operations import statuses

from salesdomain.orders.order import Order

HANDLERS = Handlers[RowChange]()


def _order(event: Order.Event) -> dict[str, str]:
    return {"order_id": str(event.originator_id)}


def _lines(event: Order.Entered | Order.ContractAmended) -> list[RowChange]:
    return [
        Upsert(
            "order_products",
            {"order_id": str(event.originator_id), "product_code": line.product_code},
            {
                "product_name": line.product_name,
                "revision": event.contract_revision,
                "ordered": line.quantity,
            },
        )
        for line in event.lines.lines
    ]


@HANDLERS.on(Order.Entered)
def _order_entered(event: Order.Entered, position: int) -> list[RowChange]:
    return [
        Upsert(
            "orders",
            _order(event),
            {
                "customer_id": str(event.customer_id),
                "customer_name": event.customer_name,
                "owner_id": str(event.owner_id),
                "revision": event.contract_revision,
                "status": statuses.IN_EXECUTION,
                "delivery_date": event.delivery_date,
                "entered_at": event.timestamp,
            },
        ),
        *_lines(event),
    ]


@HANDLERS.on(Order.ContractAmended)
def _contract_amended(event: Order.ContractAmended, position: int) -> list[RowChange]:
    return [
        Update(
            "orders",
            _order(event),
            {"revision": event.contract_revision, "delivery_date": event.delivery_date},
        ),
        *_lines(event),
    ]


@HANDLERS.on(Order.CoordinationTaskAssigned)
def _task_assigned(event: Order.CoordinationTaskAssigned, position: int) -> list[RowChange]:
    return [
        Upsert(
            "tasks",
            {**_order(event), "task_number": event.task_number},
            {
                "department": event.department.value,
                "owner_id": str(event.owner_id),
                "owner_name": event.owner_name,
                "description": event.description,
                "due_on": event.due_on,
                "assigned_at": event.timestamp,
            },
        )
    ]


@HANDLERS.on(Order.CoordinationTaskCompleted)
def _task_completed(event: Order.CoordinationTaskCompleted, position: int) -> list[RowChange]:
    return [
        Update(
            "tasks",
            {**_order(event), "task_number": event.task_number},
            {"completed_on": event.completed_on, "outcome": event.outcome},
        )
    ]


@HANDLERS.on(Order.ProductionPlanned)
def _production_planned(event: Order.ProductionPlanned, position: int) -> list[RowChange]:
    told = event.customer_told
    return [
        Update(
            "orders",
            _order(event),
            {
                "planned_finish": event.plan.planned_finish,
                "customer_told_on": told.told_on if told else None,
            },
        )
    ]


@HANDLERS.on(Order.LotInspected)
def _lot_inspected(event: Order.LotInspected, position: int) -> list[RowChange]:
    if not event.passed:
        status = statuses.LOT_FAILED
    elif event.kind.value == "final":
        status = statuses.LOT_PASSED
    else:
        status = statuses.LOT_IN_PROCESS_PASSED
    changes: list[RowChange] = [
        Upsert(
            "lots",
            {**_order(event), "lot_id": event.lot_id},
            {
                "product_code": event.product_code,
                "quantity": event.quantity,
                "status": status,
                "inspections": event.inspection_number,
                "last_inspected_on": event.inspected_on,
                "findings": event.findings,
            },
        ),
        Update("orders", _order(event), {"inspect_by": event.due_by}),
    ]
    if status == statuses.LOT_PASSED:
        changes.append(
            Add(
                "order_products",
                {**_order(event), "product_code": event.product_code},
                {"passed": event.quantity},
            )
        )
    return changes


@HANDLERS.on(Order.LotReworked)
def _lot_reworked(event: Order.LotReworked, position: int) -> list[RowChange]:
    return [
        Update(
            "lots",
            {**_order(event), "lot_id": event.lot_id},
            {"status": statuses.LOT_REWORKED, "reworks": event.rework_number},
        )
    ]


def _moved(
    column: str,
) -> Callable[[Order.ShipmentDispatched | Order.DeliveryConfirmed, int], list[RowChange]]:
    def changes(
        event: Order.ShipmentDispatched | Order.DeliveryConfirmed, position: int
    ) -> list[RowChange]:
        return [
            Add(
                "order_products",
                {**_order(event), "product_code": item.product_code},
                {column: item.quantity},
            )
            for item in event.items.items
        ]

    return changes


def _order_closed(status: str) -> Callable[[Order.Event, int], list[RowChange]]:
    def changes(event: Order.Event, position: int) -> list[RowChange]:
        return [Update("orders", _order(event), {"status": status, "closed_at": event.timestamp})]

    return changes


HANDLERS.on(Order.ShipmentDispatched)(_moved("shipped"))
HANDLERS.on(Order.DeliveryConfirmed)(_moved("delivered"))
HANDLERS.on(Order.Completed)(_order_closed(statuses.COMPLETED))
HANDLERS.on(Order.Cancelled)(_order_closed(statuses.CANCELLED))
