"""The won part of a generated case (``salesdomain.adapters.scale_cases``): contract approved by
the levels its amount needs and signed (SOP 2.4), the order the named policy opens,
coordinated, produced, inspected, shipped and confirmed (SOP 2.5)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from salesdomain import clock
from salesdomain.commands import Command
from salesdomain.contracts import commands as cc
from salesdomain.contracts.values import (
    ArchivedDocument,
    ContractClauses,
    OurSignatory,
    Signatory,
)
from salesdomain.orders import commands as odc
from salesdomain.orders import values as odv
from salesdomain.orders.order import Order
from salesdomain.sop import Role
from salesdomain.values import Actor

if TYPE_CHECKING:
    import random

    from salesdomain.adapters.scale_cases import Runner


def _hours(r: random.Random, low: int, high: int) -> timedelta:
    return timedelta(hours=r.randint(low, high))


def _days(r: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=r.randint(low, high), hours=r.randint(0, 6))


class Delivery:
    """Steps of a won case; mixed into ``Case``."""

    run: Runner
    r: random.Random
    rep: Actor
    number: int
    opportunity: UUID
    contract: UUID
    product: str
    quantity: Decimal

    def do(self, command_class: type[Command], actor: Actor, **data: Any) -> None:
        raise NotImplementedError

    def contract_signed(self) -> Iterator[timedelta]:
        staff = self.run.staff
        self.do(
            cc.DraftContract,
            staff.legal,
            contract_id=self.contract,
            opportunity_id=self.opportunity,
            clauses=ContractClauses(
                rights_and_duties="Seller delivers; buyer pays",
                after_sales_terms="12 months warranty",
                liability="",
                dispute_resolution="Arbitration",
            ),
        )
        yield _hours(self.r, 2, 20)
        self.do(cc.ReviewContract, self.rep, contract_id=self.contract)
        signer = staff.approvers[Role.SALES_MANAGER]
        while (level := self.run.writer.peek(self.contract).next_level) is not None:
            yield _hours(self.r, 1, 20)
            signer = staff.approvers[level]
            self.do(cc.ApproveContract, signer, contract_id=self.contract, comments="Approved")
        yield _hours(self.r, 2, 30)
        reference = f"archive://contracts/{self.contract}"
        self.do(
            cc.SignContract,
            signer,
            contract_id=self.contract,
            our_signatory=OurSignatory(
                employee_id=signer.employee_id, role=signer.role, name=signer.name
            ),
            customer_signatory=Signatory(
                name="General Manager", title="General Manager", authority="Legal representative"
            ),
            document=ArchivedDocument(
                reference=reference, sha256=hashlib.sha256(reference.encode()).hexdigest()
            ),
            signed_on=clock.now().date(),
        )

    def order_delivered(self) -> Iterator[timedelta]:
        staff, order = self.run.staff, Order.id_for(self.contract, 1)
        tasks = ((Role.PRODUCTION, staff.production), (Role.LOGISTICS, staff.logistics))
        for department, owner in tasks:
            self.do(
                odc.AssignCoordinationTask,
                self.rep,
                order_id=order,
                department=department,
                owner_id=owner.employee_id,
                owner_name=owner.name,
                description=f"{department.label.title()} for order {self.number}",
            )
        yield _hours(self.r, 2, 20)
        for number, (_department, owner) in enumerate(tasks, start=1):
            self.do(
                odc.CompleteCoordinationTask,
                owner,
                order_id=order,
                task_number=number,
                outcome="Done",
            )
        yield from self.production(order)
        tracking = f"SF-{self.number:09d}"
        arrival = clock.now().date() + timedelta(days=2)
        self.do(
            odc.NotifyCustomerOfDispatch,
            staff.logistics,
            order_id=order,
            carrier="SF Freight",
            tracking_number=tracking,
            expected_arrival=arrival,
            notified_contact="Purchasing lead",
            channel="e-mail",
        )
        self.do(
            odc.DispatchShipment,
            staff.logistics,
            order_id=order,
            carrier="SF Freight",
            transport=odv.TransportMode.ROAD,
            tracking_number=tracking,
            expected_arrival=arrival,
            items=(odv.ShipmentItem(product_code=self.product, quantity=self.quantity),),
        )
        yield _days(self.r, 1, 3)
        self.do(
            odc.ConfirmDelivery,
            staff.logistics,
            order_id=order,
            tracking_number=tracking,
            receipt=odv.DeliveryReceipt(
                kind=odv.ReceiptKind.SIGNED_DELIVERY_NOTE,
                reference=f"DN-{self.number:09d}",
                signed_by="Purchasing lead",
                received_on=clock.now().date(),
            ),
        )

    def production(self, order: UUID) -> Iterator[timedelta]:
        staff, today = self.run.staff, clock.now().date()
        finish = today + timedelta(days=20)
        told = None
        if finish > self.run.writer.peek(order).delivery_date:  # SOP 2.5.2: tell the customer
            told = odv.CustomerToldOfLateFinish(
                contact="Purchasing lead", told_on=today, channel="phone"
            )
        self.do(
            odc.RecordProductionPlan,
            staff.production,
            order_id=order,
            plan=odv.ProductionPlan(planned_start=today, planned_finish=finish),
            customer_told=told,
        )
        self.do(
            odc.RecordProcurement,
            staff.procurement,
            order_id=order,
            purchase=odv.Purchase(
                reference=f"PO-{self.number:09d}",
                supplier="Ningbo Castings",
                materials=(odv.Material(name="Housing", quantity=self.quantity, unit="pcs"),),
                expected_on=today + timedelta(days=10),
            ),
        )
        yield _days(self.r, 10, 25)
        self.do(
            odc.RecordInspection,
            staff.quality,
            order_id=order,
            lot_id=f"L{self.number}",
            product_code=self.product,
            quantity=self.quantity,
            passed=True,
        )
