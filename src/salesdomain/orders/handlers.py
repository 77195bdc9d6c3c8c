"""Handlers of order execution: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.handling import UnitOfWork, handles
from salesdomain.orders import commands as c
from salesdomain.orders.order import Order
from salesdomain.orders.values import ShipmentItems


@handles(c.AssignCoordinationTask)
def assign_coordination_task(cmd: c.AssignCoordinationTask, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).assign_task(
        uow.evidence,
        department=cmd.department,
        owner_id=cmd.owner_id,
        owner_name=cmd.owner_name,
        description=cmd.description,
        due_on=cmd.due_on,
        policy=uow.policy,
        today=uow.now().date(),
    )


@handles(c.CompleteCoordinationTask)
def complete_coordination_task(cmd: c.CompleteCoordinationTask, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).complete_task(
        uow.evidence, task_number=cmd.task_number, outcome=cmd.outcome, today=uow.now().date()
    )


@handles(c.RecordProductionPlan)
def record_production_plan(cmd: c.RecordProductionPlan, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).plan_production(uow.evidence, cmd.plan)


@handles(c.RecordProcurement)
def record_procurement(cmd: c.RecordProcurement, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).procure(uow.evidence, cmd.purchase)


@handles(c.AddSupplierFollowUp)
def add_supplier_follow_up(cmd: c.AddSupplierFollowUp, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).follow_up_supplier(
        uow.evidence,
        reference=cmd.reference,
        note=cmd.note,
        expected_on=cmd.expected_on,
        today=uow.now().date(),
    )


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


@handles(c.RecordRework)
def record_rework(cmd: c.RecordRework, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).rework(
        uow.evidence, lot_id=cmd.lot_id, description=cmd.description, today=uow.now().date()
    )


@handles(c.NotifyCustomerOfDispatch)
def notify_customer_of_dispatch(cmd: c.NotifyCustomerOfDispatch, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).notify_dispatch(
        uow.evidence,
        carrier=cmd.carrier,
        tracking_number=cmd.tracking_number,
        expected_arrival=cmd.expected_arrival,
        notified_contact=cmd.notified_contact,
        channel=cmd.channel,
        today=uow.now().date(),
    )


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


@handles(c.ConfirmDelivery)
def confirm_delivery(cmd: c.ConfirmDelivery, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).confirm_delivery(
        uow.evidence,
        tracking_number=cmd.tracking_number,
        receipt=cmd.receipt,
        today=uow.now().date(),
    )


@handles(c.CancelOrder)
def cancel_order(cmd: c.CancelOrder, uow: UnitOfWork) -> None:
    uow.load(Order, cmd.order_id).cancel(uow.evidence, reason=cmd.reason, policy=uow.policy)
