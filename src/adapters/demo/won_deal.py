"""A won deal taken on through contract (SOP 2.4) and order (2.5)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from salesdomain.adapters.demo.deal import _Deal

from salesdomain.contracts import commands as cc
from salesdomain.contracts.contract import Contract
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


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---- 2.4 contract, 2.5 order, 2.6 after-sales of a won deal -------------------------------


def _clauses(liability: str = "") -> ContractClauses:
    return ContractClauses(
        rights_and_duties="Seller delivers and installs; buyer provides site access and pays",
        after_sales_terms="12 months warranty; on-site service within 48h",
        liability=liability,
        dispute_resolution="Hangzhou arbitration commission",
    )


class _Won:
    """A won deal taken on through contract, order and after-sales."""

    def __init__(self, deal: _Deal) -> None:
        self.deal = deal
        self.co = deal.co
        self.contract_id = self.co.id(f"contract {deal.company}")
        self.order_id: UUID | None = None
        self.tasks = 0

    # 2.4 ---------------------------------------------------------------------------

    def draft(self) -> None:
        self.co.do(
            cc.DraftContract,
            self.co.leo,
            contract_id=self.contract_id,
            opportunity_id=self.deal.opp_id,
            clauses=_clauses(),
        )
        self.deal.records.append(self.contract_id)

    def review(self, **explanations: str) -> None:
        self.co.do(
            cc.ReviewContract,
            self.deal.rep,
            contract_id=self.contract_id,
            explanations=explanations,
        )

    def approve(self, approver: Actor, comments: str) -> None:
        self.co.do(cc.ApproveContract, approver, contract_id=self.contract_id, comments=comments)

    def reject(self, approver: Actor, comments: str) -> None:
        self.co.do(cc.RejectContract, approver, contract_id=self.contract_id, comments=comments)

    def revise(self, liability: str, delivery_date: date) -> None:
        self.co.do(
            cc.ReviseContract,
            self.co.leo,
            contract_id=self.contract_id,
            clauses=_clauses(liability),
            delivery_date=delivery_date,
        )

    def signing(self, ours: Actor) -> dict[str, Any]:
        reference = f"archive://contracts/{self.contract_id}"
        return {
            "contract_id": self.contract_id,
            "our_signatory": OurSignatory(
                employee_id=ours.employee_id, role=ours.role, name=ours.name
            ),
            "customer_signatory": Signatory(
                name=self.deal.decider, title="General Manager", authority="Legal representative"
            ),
            "document": ArchivedDocument(reference=reference, sha256=_sha256(reference)),
            "signed_on": self.co.today,
        }

    def sign(self, ours: Actor) -> None:
        """Both parties sign; the named policy opens the sales order."""
        self.co.do(cc.SignContract, ours, **self.signing(ours))
        contract = self.co.app.load(Contract, self.contract_id)
        self.order_id = Order.id_for(self.contract_id, contract.revision)
        self.deal.records.append(self.order_id)

    # 2.5 ---------------------------------------------------------------------------

    @property
    def order(self) -> UUID:
        assert self.order_id is not None, "the contract is not signed"
        return self.order_id

    def coordinate(self, *tasks: tuple[Role, Actor, str]) -> None:
        for department, owner, description in tasks:
            self.co.do(
                odc.AssignCoordinationTask,
                self.deal.rep,
                order_id=self.order,
                department=department,
                owner_id=owner.employee_id,
                owner_name=owner.name,
                description=description,
            )
        first = self.tasks
        self.tasks += len(tasks)
        self.co.later(hours=5)
        for number, (_department, owner, _description) in enumerate(tasks, start=first + 1):
            self.co.do(
                odc.CompleteCoordinationTask,
                owner,
                order_id=self.order,
                task_number=number,
                outcome="Done; confirmed in the coordination meeting",
            )

    def plan(self, finish: date) -> None:
        self.co.do(
            odc.RecordProductionPlan,
            self.co.pat,
            order_id=self.order,
            plan=odv.ProductionPlan(
                planned_start=self.co.today,
                planned_finish=finish,
                reference=f"MPS-{self.deal.company.split()[0].upper()}",
            ),
        )

    def procure(self, reference: str, supplier: str, material: str, qty: int, days: int) -> None:
        self.co.do(
            odc.RecordProcurement,
            self.co.quinn,
            order_id=self.order,
            purchase=odv.Purchase(
                reference=reference,
                supplier=supplier,
                materials=(odv.Material(name=material, quantity=Decimal(qty), unit="pcs"),),
                expected_on=self.co.today + timedelta(days=days),
            ),
        )

    def follow_up(self, reference: str, note: str, delay_days: int) -> None:
        order = self.co.app.load(Order, self.order)
        self.co.do(
            odc.AddSupplierFollowUp,
            self.co.quinn,
            order_id=self.order,
            reference=reference,
            note=note,
            expected_on=order.purchases[reference].expected_on + timedelta(days=delay_days),
        )

    def inspect(self, lot: str, qty: int, passed: bool = True, findings: str = "") -> None:
        self.co.do(
            odc.RecordInspection,
            self.co.qin,
            order_id=self.order,
            lot_id=lot,
            product_code="RK-3",
            quantity=Decimal(qty),
            kind=odv.InspectionKind.FINAL,
            passed=passed,
            findings=findings,
        )

    def rework(self, lot: str, description: str) -> None:
        self.co.do(
            odc.RecordRework, self.co.pat, order_id=self.order, lot_id=lot, description=description
        )

    def shipment(self, tracking: str, qty: int, arrival: date) -> dict[str, Any]:
        return {
            "order_id": self.order,
            "carrier": "SF Freight",
            "transport": odv.TransportMode.ROAD,
            "tracking_number": tracking,
            "expected_arrival": arrival,
            "items": (odv.ShipmentItem(product_code="RK-3", quantity=Decimal(qty)),),
        }

    def notify(self, tracking: str) -> date:
        """Tell the customer the tracking number and the expected arrival."""
        arrival = self.co.today + timedelta(days=2)
        self.co.do(
            odc.NotifyCustomerOfDispatch,
            self.co.lou,
            order_id=self.order,
            carrier="SF Freight",
            tracking_number=tracking,
            expected_arrival=arrival,
            notified_contact="Purchasing lead",
            channel="e-mail",
        )
        return arrival

    def ship(self, tracking: str, qty: int) -> None:
        """Tell the customer, then dispatch."""
        arrival = self.notify(tracking)
        self.co.do(odc.DispatchShipment, self.co.lou, **self.shipment(tracking, qty, arrival))

    def confirm(self, tracking: str, note: str) -> None:
        self.co.do(
            odc.ConfirmDelivery,
            self.co.lou,
            order_id=self.order,
            tracking_number=tracking,
            receipt=odv.DeliveryReceipt(
                kind=odv.ReceiptKind.SIGNED_DELIVERY_NOTE,
                reference=note,
                signed_by="Purchasing lead",
                received_on=self.co.today,
            ),
        )
