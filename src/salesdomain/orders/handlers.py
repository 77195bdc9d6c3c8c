"""Handlers of order execution: load, call the aggregate, done."""

from __future__ import annotations

from uuid import UUID

from salesdomain.handling import UnitOfWork, delegate_to
from salesdomain.orders import commands as c
from salesdomain.orders.order import Order
from salesdomain.sop import Role
from salesdomain.values import Actor

passes_to_order = delegate_to(Order, by="order_id")
"""Registers a handler that only passes the command's fields to a method of the order."""


def _task_owner(uow: UnitOfWork, owner_id: UUID, department: Role, owner_name: str | None) -> Actor:
    """Who the task is given to: an employee of the department, as the staff register
    names them (a name the caller sent is not recorded)."""
    return uow.staff_member(owner_id, department, at_step="2.5.1", name=owner_name or "")


passes_to_order(c.AssignCoordinationTask, Order.assign_task, owner=_task_owner)
passes_to_order(c.CompleteCoordinationTask, Order.complete_task)
passes_to_order(c.RecordProductionPlan, Order.plan_production)
passes_to_order(c.RecordProcurement, Order.procure)
passes_to_order(c.AddSupplierFollowUp, Order.follow_up_supplier)
passes_to_order(c.RecordInspection, Order.inspect)
passes_to_order(c.RecordRework, Order.rework)
passes_to_order(c.NotifyCustomerOfDispatch, Order.notify_dispatch)
passes_to_order(c.DispatchShipment, Order.dispatch)
passes_to_order(c.ConfirmDelivery, Order.confirm_delivery)
passes_to_order(c.CancelOrder, Order.cancel)
