"""One line per order event, in the SOP's words."""

from __future__ import annotations

from typing import Any

from salesdomain.labels import words
from salesdomain.narrative import Describer, if_given, money


def _items(items: Any) -> str:
    return ", ".join(f"{item.quantity} x {item.product_code}" for item in items.items)


DESCRIPTIONS: dict[str, Describer] = {
    "Order.Entered": lambda e: (
        f"Sales order entered for {e.customer_name} from contract revision "
        f"{e.contract_revision} signed {e.signed_on}: {money(e.amount)}, "
        f"{len(e.lines.lines)} line(s), delivery by {e.delivery_date}"
    ),
    "Order.ContractAmended": lambda e: (
        f"Order follows amended contract revision {e.contract_revision} signed {e.signed_on}: "
        f"{money(e.amount)}, delivery by {e.delivery_date}"
    ),
    "Order.CoordinationTaskAssigned": lambda e: (
        f"Task {e.task_number} for {e.department.label}: {e.description}; owner "
        f"{e.owner_name}, due {e.due_on}"
    ),
    "Order.CoordinationTaskCompleted": lambda e: (
        f"Task {e.task_number} ({e.department.label}) completed on {e.completed_on}, "
        f"due {e.due_on}" + if_given(e.outcome)
    ),
    "Order.ProductionPlanned": lambda e: (
        f"Production plan v{e.plan_version}: {e.plan.planned_start} to {e.plan.planned_finish}"
        + (
            ""
            if e.meets_delivery_date
            else f", finishing after the delivery date {e.delivery_date}"
        )
        + (
            f"; {e.customer_told.contact} told by {e.customer_told.channel} on "
            f"{e.customer_told.told_on}"
            if e.customer_told
            else ""
        )
    ),
    "Order.MaterialsProcured": lambda e: (
        f"Purchase {e.purchase.reference} from {e.purchase.supplier}: "
        + ", ".join(f"{m.quantity} {m.unit} {m.name}" for m in e.purchase.materials)
        + f", expected {e.purchase.expected_on}"
    ),
    "Order.SupplierFollowedUp": lambda e: (
        f"Followed up {e.supplier} on {e.reference}: {e.note} (expected {e.expected_on})"
    ),
    "Order.LotInspected": lambda e: (
        f"Lot {e.lot_id} ({e.quantity} x {e.product_code}) "
        f"{'passed' if e.passed else 'failed'} "
        f"{'the final inspection' if e.kind.value == 'final' else 'in-process monitoring'} "
        f"on {e.inspected_on}" + if_given(e.findings)
    ),
    "Order.LotReworked": lambda e: f"Lot {e.lot_id} reworked: {e.description}",
    "Order.CustomerNotifiedOfDispatch": lambda e: (
        f"{e.notified_contact} told of dispatch by {e.carrier}, tracking {e.tracking_number}, "
        f"arriving {e.expected_arrival}"
    ),
    "Order.ShipmentDispatched": lambda e: (
        f"Shipment {e.shipment_number} dispatched by {e.carrier} ({e.transport.value}), "
        f"tracking {e.tracking_number}: {_items(e.items)}, arriving {e.expected_arrival}"
    ),
    "Order.DeliveryConfirmed": lambda e: (
        f"Shipment {e.shipment_number} received on {e.receipt.received_on}: "
        f"{words(e.receipt.kind)} {e.receipt.reference} signed by "
        f"{e.receipt.signed_by}"
    ),
    "Order.Completed": lambda e: (
        f"Order complete: {e.units} unit(s) in {e.shipments} shipment(s) delivered and "
        f"confirmed by {e.delivered_on} (due {e.delivery_date}), {money(e.amount)}"
    ),
    "Order.Cancelled": lambda e: f"Order cancelled ({money(e.amount)}): {e.reason}",
}
