"""Handlers of order execution: load, call the aggregate, done."""

from __future__ import annotations

from salesdomain.handling import delegate_to
from salesdomain.orders import commands as c
from salesdomain.orders.order import Order

passes_to_order = delegate_to(Order, by="order_id")
"""Registers a handler that only passes the command's fields to a method of the order."""


passes_to_order(c.AssignCoordinationTask, Order.assign_task)
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
