"""People and canned commands of order execution (SOP 2.5) for the tests.

    spec.given(*entered_order(opp, contract))       # won, signed: order_of(contract) entered
    spec.given(*completed_order(opp, contract))     # ... and delivered and confirmed

The order is ``builders.won_deal``'s: 100 x RK-3 at 1,000 CNY (cost 600), delivery date
``TODAY`` + 60 days, owner ALICE; ``two_product_order`` adds 10 x SN-1 at 1,000 CNY.
The clock is frozen at ``builders.TODAY`` (or later).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from salesdomain.opportunities import commands as oc
from salesdomain.orders import commands as orders
from salesdomain.orders import values as order_values
from salesdomain.sop import Role
from salesdomain.values import Actor
from tests import builders as b
from tests.builders import ALICE, PAT, TODAY, person
from tests.contract_builders import signed_contract
from tests.spec import Step

QIN = person("Qin Quality", Role.QUALITY_CONTROL)
LOU = person("Lou Logistics", Role.LOGISTICS)

DELIVERY_DATE = TODAY + timedelta(days=60)
ARRIVAL = TODAY + timedelta(days=3)


def order_of(contract_id: UUID, revision: int = 1) -> UUID:
    return order_values.order_id_for(contract_id, revision)


def entered_order(opp_id: UUID, contract_id: UUID) -> list[Step]:
    """A won deal whose contract is signed: the order ``order_of(contract_id)`` exists."""
    return [*b.won_deal(opp_id), *signed_contract(opp_id, contract_id)]


def two_product_order(opp_id: UUID, contract_id: UUID) -> list[Step]:
    """As ``entered_order``, with a second line: 10 x SN-1 (110,000 CNY in all)."""
    reg = b.register()
    return [
        *b.qualified_customer(reg),
        *b.through_acknowledged(opp_id, b.customer_id(reg)),
        (b.quote(opp_id, lines=(*b.lines(), b.SENSORS)), ALICE),
        (oc.AcceptQuote(opportunity_id=opp_id, quote_version=1, accepted_by="Li Na"), ALICE),
        *signed_contract(opp_id, contract_id),
    ]


def task(
    order_id: UUID, department: Role = Role.PRODUCTION, owner: Actor = PAT, **kw: object
) -> orders.AssignCoordinationTask:
    data: dict[str, object] = {
        "order_id": order_id,
        "department": department,
        "owner_id": owner.employee_id,
        "owner_name": owner.name,
        "description": "Confirm capacity for 100 RK-3 kits",
        **kw,
    }
    return orders.AssignCoordinationTask.model_validate(data)


def complete_task(order_id: UUID, number: int = 1) -> orders.CompleteCoordinationTask:
    return orders.CompleteCoordinationTask(order_id=order_id, task_number=number, outcome="Booked")


def plan(
    order_id: UUID, finish: date = TODAY + timedelta(days=40), told_on: date | None = None
) -> orders.RecordProductionPlan:
    """Production's plan finishing on ``finish``; with ``told_on``, the customer's
    purchasing lead was told of it by phone that day."""
    told = (
        order_values.CustomerToldOfLateFinish(
            contact="Chen Wei", told_on=told_on, channel="phone", notes="Accepted two weeks"
        )
        if told_on
        else None
    )
    return orders.RecordProductionPlan(
        order_id=order_id,
        plan=order_values.ProductionPlan(
            planned_start=TODAY, planned_finish=finish, reference="MPS-12"
        ),
        customer_told=told,
    )


def purchase(order_id: UUID, reference: str = "PO-1") -> orders.RecordProcurement:
    return orders.RecordProcurement(
        order_id=order_id,
        purchase=order_values.Purchase(
            reference=reference,
            supplier="Ningbo Castings",
            materials=(
                order_values.Material(name="Housing casting", quantity=Decimal(100), unit="pcs"),
            ),
            expected_on=TODAY + timedelta(days=14),
        ),
    )


def follow_up(order_id: UUID, reference: str = "PO-1", **kw: object) -> orders.AddSupplierFollowUp:
    return orders.AddSupplierFollowUp.model_validate(
        {"order_id": order_id, "reference": reference, "note": "Castings poured", **kw}
    )


def inspect(
    order_id: UUID,
    qty: str = "100",
    lot: str = "L1",
    passed: bool = True,
    product: str = "RK-3",
    **kw: object,
) -> orders.RecordInspection:
    data: dict[str, object] = {
        "order_id": order_id,
        "lot_id": lot,
        "product_code": product,
        "quantity": Decimal(qty),
        "kind": order_values.InspectionKind.FINAL,
        "passed": passed,
        "findings": "" if passed else "Weld seam porosity",
        **kw,
    }
    return orders.RecordInspection.model_validate(data)


def rework(order_id: UUID, lot: str = "L1") -> orders.RecordRework:
    return orders.RecordRework(order_id=order_id, lot_id=lot, description="Seams re-welded")


def _carried(order_id: UUID, tracking: str, arrival: date) -> dict[str, object]:
    """The facts of a shipment that the dispatch and the customer's notice both give."""
    return {
        "order_id": order_id,
        "carrier": "SF Freight",
        "tracking_number": tracking,
        "expected_arrival": arrival,
    }


def notify(
    order_id: UUID, tracking: str = "TRK-1", arrival: date = ARRIVAL
) -> orders.NotifyCustomerOfDispatch:
    notice = {"notified_contact": "Chen Wei", "channel": "e-mail"}
    return orders.NotifyCustomerOfDispatch.model_validate(
        {**_carried(order_id, tracking, arrival), **notice}
    )


def dispatch(
    order_id: UUID,
    qty: str = "100",
    tracking: str = "TRK-1",
    arrival: date = ARRIVAL,
    product: str = "RK-3",
) -> orders.DispatchShipment:
    items = (order_values.ShipmentItem(product_code=product, quantity=Decimal(qty)),)
    return orders.DispatchShipment.model_validate(
        {
            **_carried(order_id, tracking, arrival),
            "transport": order_values.TransportMode.ROAD,
            "items": items,
        }
    )


def confirm(
    order_id: UUID,
    tracking: str = "TRK-1",
    on: date = TODAY,
    reference: str = "DN-1",
    kind: order_values.ReceiptKind = order_values.ReceiptKind.SIGNED_DELIVERY_NOTE,
) -> orders.ConfirmDelivery:
    return orders.ConfirmDelivery(
        order_id=order_id,
        tracking_number=tracking,
        receipt=order_values.DeliveryReceipt(
            kind=kind,
            reference=reference,
            signed_by="Chen Wei",
            received_on=on,
        ),
    )


def cancel(order_id: UUID) -> orders.CancelOrder:
    return orders.CancelOrder(order_id=order_id, reason="Customer withdrew before production")


def shipped(order_id: UUID, qty: str = "100", tracking: str = "TRK-1") -> list[Step]:
    """``qty`` units pass the final inspection (lot = tracking) and are shipped."""
    return [
        (inspect(order_id, qty, lot=tracking), QIN),
        (notify(order_id, tracking), LOU),
        (dispatch(order_id, qty, tracking), LOU),
    ]


def completed_order(opp_id: UUID, contract_id: UUID) -> list[Step]:
    """An order delivered in full and confirmed: ``Order.Completed`` is its last event."""
    order_id = order_of(contract_id)
    return [
        *entered_order(opp_id, contract_id),
        *shipped(order_id),
        (confirm(order_id), LOU),
    ]
