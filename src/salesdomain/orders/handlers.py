"""Handlers of order execution: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.handling import UnitOfWork, delegate_to, handles
from salesdomain.orders import commands as c
from salesdomain.orders.order import Order
from salesdomain.orders.values import ShipmentItems

passes_to_order = delegate_to(Order, by="order_id")
"""Registers a handler that only passes the command's fields to a method of the order."""


passes_to_order(c.AssignCoordinationTask, Order.assign_task)
passes_to_order(c.CompleteCoordinationTask, Order.complete_task)
passes_to_order(c.RecordProductionPlan, Order.plan_production)
passes_to_order(c.RecordProcurement, Order.procure)
passes_to_order(c.AddSupplierFollowUp, Order.follow_up_supplier)


@handles(c.RecordInspection)
def record_inspection(cmd: c.RecordInspection, uow: UnitOfWork) -> None:
    today = uow.now().date()
    uow.load(Order, cmd.order_id).inspect(
        uow.evidence,
        lot_id=cmd.lot_id,
        product_code=cmd.product_code,
        quantity=cmd.quantity,
        kind=cmd.kind,
        passed=cmd.passed,
        findings=cmd.findings,
        inspected_on=cmd.inspected_on or today,
        policy=uow.policy,
        today=today,
    )


passes_to_order(c.RecordRework, Order.rework)
passes_to_order(c.NotifyCustomerOfDispatch, Order.notify_dispatch)


@handles(c.DispatchShipment)
def dispatch_shipment(cmd: c.DispatchShipment, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).dispatch(
        uow.evidence,
        carrier=cmd.carrier,
        transport=cmd.transport,
        tracking_number=cmd.tracking_number,
        expected_arrival=cmd.expected_arrival,
        items=ShipmentItems(items=cmd.items),
        today=uow.now().date(),
    )


passes_to_order(c.ConfirmDelivery, Order.confirm_delivery)
passes_to_order(c.CancelOrder, Order.cancel)
