"""Order: a signed contract executed, from order entry to confirmed delivery (SOP 2.5).

The signed contract becomes a sales order (2.5.1) and the departments get coordination
tasks with owners and due dates; production plans and procurement buys against the
plan (2.5.2); quality control inspects lots, failed lots are reworked and inspected
again (2.5.3); logistics ships, after the customer was told the tracking number and
expected arrival, only what passed inspection and never more than was ordered; the
customer's receipt confirmation of the last units marks the order complete (2.5.4).
An order is cancelled only before anything has shipped, by the roles policy names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.authority import SALES_LEADS, among, responsible_or_lead
from salesdomain.errors import NotAuthorised, SopRuleViolation
from salesdomain.facts import happened_by
from salesdomain.opportunities.values import QuoteTerms
from salesdomain.orders.values import (
    CustomerToldOfLateFinish,
    DeliveryReceipt,
    InspectionKind,
    OrderLines,
    ProductionPlan,
    Purchase,
    ShipmentItem,
    ShipmentItems,
    TransportMode,
    order_id_for,
)
from salesdomain.policy import SalesPolicy
from salesdomain.rules.order_execution import (
    AMENDMENT_NOT_BELOW_SHIPPED,
    COORDINATION_DEADLINE_NOT_IN_PAST,
    COORDINATION_TASK_ASSIGNED,
    COORDINATION_TASK_COMPLETED_ONCE,
    CUSTOMER_TOLD_BEFORE_DISPATCH,
    DELIVERY_OF_DISPATCHED_SHIPMENT,
    DISPATCH_AS_NOTIFIED,
    EXPECTED_ARRIVAL_NOT_IN_PAST,
    FAILED_LOT_REWORKED_FIRST,
    INSPECTED_GOODS_ON_ORDER,
    INSPECTION_RECORDED_ONCE_DONE,
    LOT_REINSPECTED_AS_SAME_PRODUCT,
    ORDER_CANCELLED_BEFORE_SHIPPING,
    ORDER_CLOSED,
    PASSED_LOT_NOT_REINSPECTED,
    PRODUCTION_PLAN_MEETS_DELIVERY_DATE,
    PURCHASE_AGAINST_PLAN,
    PURCHASE_RECORDED_ONCE,
    RECEIPT_AFTER_DISPATCH,
    RECEIPT_CONFIRMED_ONCE,
    REWORK_AFTER_FAILED_INSPECTION,
    SHIPMENT_AFTER_PASSED_INSPECTION,
    SHIPMENTS_WITHIN_ORDERED_QUANTITY,
    SHIPPED_GOODS_ON_ORDER,
    SUPPLIER_FOLLOWED_UP_ON_PURCHASE,
    TRACKING_NUMBER_ONE_SHIPMENT,
)
from salesdomain.sop import Role
from salesdomain.values import Actor, Money


class OrderStatus(Enum):
    IN_EXECUTION = "in execution"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class LotStatus(Enum):
    IN_PROCESS_PASSED = "passed in-process monitoring"
    PASSED = "passed the final inspection"
    FAILED = "failed inspection"
    REWORKED = "reworked, awaiting inspection"


@dataclass(frozen=True)
class Task:
    department: Role
    owner_id: UUID
    due_on: date
    completed_on: date | None = None


@dataclass(frozen=True)
class Lot:
    product_code: str
    quantity: Decimal
    status: LotStatus
    inspections: int
    reworks: int


@dataclass(frozen=True)
class Notice:
    """What the customer was told before dispatch."""

    expected_arrival: date
    notified_on: date


@dataclass(frozen=True)
class Shipment:
    number: int
    items: ShipmentItems
    dispatched_on: date
    receipt: DeliveryReceipt | None = None


class Order(SopAggregate):
    class Event(SopAggregate.Event):
        pass

    class Entered(Event, SopAggregate.Created):
        SOP_STEP = "2.5.1"
        contract_id: UUID
        contract_revision: int
        opportunity_id: UUID
        customer_id: UUID
        customer_name: str
        owner_id: UUID
        lines: OrderLines
        amount: Money
        cost: Money
        payment_terms: str
        delivery_date: date
        signed_on: date

        def apply(self, order: Order) -> None:
            order.contract_id = self.contract_id
            order.contract_revision = self.contract_revision
            order.opportunity_id = self.opportunity_id
            order.customer_id = self.customer_id
            order.customer_name = self.customer_name
            order.owner_id = self.owner_id
            order.lines = self.lines
            order.payment_terms = self.payment_terms
            order.delivery_date = self.delivery_date
            order.entered_on = self.timestamp.date()
            order.status = OrderStatus.IN_EXECUTION
            order.tasks = {}
            order.plan = None
            order.plan_version = 0
            order.purchases = {}
            order.lots = {}
            order.notices = {}
            order.shipments = {}
            order.completed_event_id = None

    class ContractAmended(Event):
        """A new revision of the contract was signed while the order is in execution."""

        SOP_STEP = "2.5.1"
        contract_revision: int
        lines: OrderLines
        amount: Money
        cost: Money
        payment_terms: str
        delivery_date: date
        signed_on: date

        def apply(self, order: Order) -> None:
            order.contract_revision = self.contract_revision
            order.lines = self.lines
            order.payment_terms = self.payment_terms
            order.delivery_date = self.delivery_date

    class CoordinationTaskAssigned(Event):
        SOP_STEP = "2.5.1"
        task_number: int
        department: Role
        owner_id: UUID
        owner_name: str
        description: str
        due_on: date
        policy_version: str

        def apply(self, order: Order) -> None:
            task = Task(self.department, self.owner_id, self.due_on)
            order.tasks[self.task_number] = task

    class CoordinationTaskCompleted(Event):
        SOP_STEP = "2.5.1"
        task_number: int
        department: Role
        due_on: date
        completed_on: date
        outcome: str

        def apply(self, order: Order) -> None:
            task = order.tasks[self.task_number]
            done = Task(task.department, task.owner_id, task.due_on, self.completed_on)
            order.tasks[self.task_number] = done

    class ProductionPlanned(Event):
        SOP_STEP = "2.5.2"
        class_version: ClassVar[int] = 2
        plan_version: int
        plan: ProductionPlan
        delivery_date: date
        meets_delivery_date: bool
        customer_told: CustomerToldOfLateFinish | None
        """Whom at the customer production's late finish was told, when and how."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 accepted a late plan silently: nobody is recorded as told."""
            state["customer_told"] = None

        def apply(self, order: Order) -> None:
            order.plan = self.plan
            order.plan_version = self.plan_version

    class MaterialsProcured(Event):
        SOP_STEP = "2.5.2"
        purchase: Purchase
        plan_version: int

        def apply(self, order: Order) -> None:
            order.purchases[self.purchase.reference] = self.purchase

    class SupplierFollowedUp(Event):
        SOP_STEP = "2.5.2"
        reference: str
        supplier: str
        followed_up_on: date
        note: str
        expected_on: date

        def apply(self, order: Order) -> None:
            purchase = order.purchases[self.reference]
            updated = purchase.model_copy(update={"expected_on": self.expected_on})
            order.purchases[self.reference] = updated

    class LotInspected(Event):
        SOP_STEP = "2.5.3"
        lot_id: str
        inspection_number: int
        product_code: str
        quantity: Decimal
        kind: InspectionKind
        passed: bool
        findings: str
        inspected_on: date
        delivery_date: date
        due_by: date
        policy_version: str

        def apply(self, order: Order) -> None:
            if not self.passed:
                status = LotStatus.FAILED
            elif self.kind is InspectionKind.FINAL:
                status = LotStatus.PASSED
            else:
                status = LotStatus.IN_PROCESS_PASSED
            earlier = order.lots.get(self.lot_id)
            reworks = earlier.reworks if earlier else 0
            lot = Lot(self.product_code, self.quantity, status, self.inspection_number, reworks)
            order.lots[self.lot_id] = lot

    class LotReworked(Event):
        SOP_STEP = "2.5.3"
        lot_id: str
        rework_number: int
        product_code: str
        description: str
        reworked_on: date

        def apply(self, order: Order) -> None:
            lot = order.lots[self.lot_id]
            reworked = Lot(
                lot.product_code,
                lot.quantity,
                LotStatus.REWORKED,
                lot.inspections,
                self.rework_number,
            )
            order.lots[self.lot_id] = reworked

    class CustomerNotifiedOfDispatch(Event):
        SOP_STEP = "2.5.4"
        carrier: str
        tracking_number: str
        expected_arrival: date
        notified_contact: str
        channel: str
        notified_on: date

        def apply(self, order: Order) -> None:
            notice = Notice(self.expected_arrival, self.notified_on)
            order.notices[self.tracking_number] = notice

    class ShipmentDispatched(Event):
        SOP_STEP = "2.5.4"
        shipment_number: int
        carrier: str
        transport: TransportMode
        tracking_number: str
        expected_arrival: date
        items: ShipmentItems
        dispatched_on: date
        customer_notified_on: date

        def apply(self, order: Order) -> None:
            shipment = Shipment(self.shipment_number, self.items, self.dispatched_on)
            order.shipments[self.tracking_number] = shipment

    class DeliveryConfirmed(Event):
        SOP_STEP = "2.5.4"
        shipment_number: int
        tracking_number: str
        items: ShipmentItems
        receipt: DeliveryReceipt

        def apply(self, order: Order) -> None:
            shipment = order.shipments[self.tracking_number]
            confirmed = Shipment(
                shipment.number, shipment.items, shipment.dispatched_on, self.receipt
            )
            order.shipments[self.tracking_number] = confirmed

    class Completed(Event):
        """Everything ordered was delivered and its receipt confirmed (revenue is earned)."""

        SOP_STEP = "2.5.4"
        contract_id: UUID
        customer_id: UUID
        owner_id: UUID
        amount: Money
        cost: Money
        units: Decimal
        shipments: int
        delivery_date: date
        delivered_on: date

        def apply(self, order: Order) -> None:
            order.status = OrderStatus.COMPLETED
            order.completed_event_id = self.event_id

    class Cancelled(Event):
        SOP_STEP = "2.5.1"
        class_version: ClassVar[int] = 2
        reason: str
        amount: Money
        cost: Money
        policy_version: str
        owner_id: UUID | None
        """The order's owner and customer (``None`` only in version 1: unknown)."""
        customer_id: UUID | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 did not name the owner and customer: unknown (``None``)."""
            state.update(owner_id=None, customer_id=None)

        def apply(self, order: Order) -> None:
            order.status = OrderStatus.CANCELLED

    if TYPE_CHECKING:
        contract_id: UUID
        contract_revision: int
        opportunity_id: UUID
        customer_id: UUID
        customer_name: str
        owner_id: UUID
        lines: OrderLines
        payment_terms: str
        delivery_date: date
        entered_on: date
        status: OrderStatus
        tasks: dict[int, Task]
        plan: ProductionPlan | None
        plan_version: int
        purchases: dict[str, Purchase]
        lots: dict[str, Lot]
        notices: dict[str, Notice]
        shipments: dict[str, Shipment]
        completed_event_id: UUID | None

    # ---- 2.5.1 Enter the order and coordinate ----------------------------------------

    @staticmethod
    def id_for(contract_id: UUID, revision: int) -> UUID:
        return order_id_for(contract_id, revision)

    @classmethod
    def enter(
        cls,
        evidence: Evidence,
        *,
        case_id: UUID,
        contract_id: UUID,
        contract_revision: int,
        opportunity_id: UUID,
        customer_id: UUID,
        customer_name: str,
        owner_id: UUID,
        terms: QuoteTerms,
        signed_on: date,
    ) -> Order:
        """The signed contract becomes a sales order (recorded by a named policy)."""
        lines = OrderLines.of(terms)
        return cls._start(
            cls.Entered,
            evidence,
            id=order_id_for(contract_id, contract_revision),
            case_id=case_id,
            contract_id=contract_id,
            contract_revision=contract_revision,
            opportunity_id=opportunity_id,
            customer_id=customer_id,
            customer_name=customer_name,
            owner_id=owner_id,
            lines=lines,
            amount=lines.amount,
            cost=lines.cost,
            payment_terms=terms.payment_terms,
            delivery_date=terms.delivery_date,
            signed_on=signed_on,
        )

    def amend_contract(
        self, evidence: Evidence, *, contract_revision: int, terms: QuoteTerms, signed_on: date
    ) -> None:
        """A re-signed, amended contract: the order in execution follows its terms."""
        lines = OrderLines.of(terms)
        unchanged = (
            lines == self.lines
            and terms.delivery_date == self.delivery_date
            and terms.payment_terms == self.payment_terms
        )
        if self.status is OrderStatus.COMPLETED and unchanged:
            return  # nothing the completed order has to do differently
        self._ensure_in_execution("2.5.1")
        ordered = lines.quantities()
        below = [
            f"{code}: {shipped} shipped"
            for code, shipped in self._shipped().items()
            if ordered.get(code, Decimal(0)) < shipped
        ]
        if below:
            raise SopRuleViolation(AMENDMENT_NOT_BELOW_SHIPPED, "; ".join(below))
        self._record(
            self.ContractAmended,
            evidence,
            contract_revision=contract_revision,
            lines=lines,
            amount=lines.amount,
            cost=lines.cost,
            payment_terms=terms.payment_terms,
            delivery_date=terms.delivery_date,
            signed_on=signed_on,
        )
        self._complete_if_everything_delivered(evidence)

    def assign_task(
        self,
        evidence: Evidence,
        *,
        owner: Actor,
        description: str,
        due_on: date | None,
        policy: SalesPolicy,
        today: date,
    ) -> None:
        """Give ``owner`` (acting for their department) a task."""
        self._sales_may_work_on(evidence, "2.5.1")
        due = due_on or self.entered_on + policy.orders.coordination_period
        if due < today:
            raise SopRuleViolation(COORDINATION_DEADLINE_NOT_IN_PAST, f"due {due}")
        self._record(
            self.CoordinationTaskAssigned,
            evidence,
            task_number=len(self.tasks) + 1,
            department=owner.role,
            owner_id=owner.employee_id,
            owner_name=owner.name,
            description=description,
            due_on=due,
            policy_version=policy.version,
        )

    def complete_task(
        self, evidence: Evidence, *, task_number: int, outcome: str, today: date
    ) -> None:
        self._ensure_in_execution("2.5.1")
        task = self.tasks.get(task_number)
        if task is None:
            raise SopRuleViolation(COORDINATION_TASK_ASSIGNED, f"there is no task {task_number}")
        responsible_or_lead(
            evidence.actor,
            task.owner_id,
            SALES_LEADS,
            "2.5.1",
            "is not the task's owner and is not a sales lead",
        )
        if task.completed_on is not None:
            raise SopRuleViolation(
                COORDINATION_TASK_COMPLETED_ONCE,
                f"task {task_number} was completed on {task.completed_on}",
            )
        self._record(
            self.CoordinationTaskCompleted,
            evidence,
            task_number=task_number,
            department=task.department,
            due_on=task.due_on,
            completed_on=today,
            outcome=outcome,
        )

    # ---- 2.5.2 Production and procurement --------------------------------------------

    def plan_production(
        self,
        evidence: Evidence,
        plan: ProductionPlan,
        *,
        customer_told: CustomerToldOfLateFinish | None = None,
        today: date,
    ) -> None:
        """Production's plan; one finishing after the delivery date needs the customer
        told (``customer_told``, a fact dated today or earlier), else the delivery date
        amended with the contract first."""
        self._ensure_in_execution("2.5.2")
        self._department_only(evidence, "2.5.2", Role.PRODUCTION, "plans the work")
        meets = plan.planned_finish <= self.delivery_date
        if meets:
            customer_told = None  # nothing to tell
        elif customer_told is None:
            raise SopRuleViolation(
                PRODUCTION_PLAN_MEETS_DELIVERY_DATE,
                f"the plan finishes {plan.planned_finish}, after the delivery date "
                f"{self.delivery_date}; record whom at {self.customer_name} was told, when "
                "and how, or amend the contract's delivery date first",
            )
        else:
            happened_by(today, "2.5.2", told_on=customer_told.told_on)
        self._record(
            self.ProductionPlanned,
            evidence,
            plan_version=self.plan_version + 1,
            plan=plan,
            delivery_date=self.delivery_date,
            meets_delivery_date=meets,
            customer_told=customer_told,
        )

    def procure(self, evidence: Evidence, purchase: Purchase) -> None:
        self._ensure_in_execution("2.5.2")
        self._department_only(evidence, "2.5.2", Role.PROCUREMENT, "buys materials")
        if self.plan is None:
            raise SopRuleViolation(PURCHASE_AGAINST_PLAN)
        if purchase.reference in self.purchases:
            raise SopRuleViolation(PURCHASE_RECORDED_ONCE, f"{purchase.reference} already is")
        self._record(
            self.MaterialsProcured, evidence, purchase=purchase, plan_version=self.plan_version
        )

    def follow_up_supplier(
        self,
        evidence: Evidence,
        *,
        reference: str,
        note: str,
        expected_on: date | None,
        today: date,
    ) -> None:
        self._ensure_in_execution("2.5.2")
        self._department_only(evidence, "2.5.2", Role.PROCUREMENT, "follows suppliers")
        purchase = self.purchases.get(reference)
        if purchase is None:
            raise SopRuleViolation(SUPPLIER_FOLLOWED_UP_ON_PURCHASE, f"no purchase {reference}")
        self._record(
            self.SupplierFollowedUp,
            evidence,
            reference=reference,
            supplier=purchase.supplier,
            followed_up_on=today,
            note=note,
            expected_on=expected_on or purchase.expected_on,
        )

    # ---- 2.5.3 Quality control -------------------------------------------------------

    def inspect(
        self,
        evidence: Evidence,
        *,
        lot_id: str,
        product_code: str,
        quantity: Decimal,
        kind: InspectionKind,
        passed: bool,
        findings: str,
        inspected_on: date | None,
        policy: SalesPolicy,
        today: date,
    ) -> None:
        """A lot inspected on ``inspected_on``, by default today."""
        inspected_on = inspected_on or today
        self._ensure_in_execution("2.5.3")
        self._department_only(evidence, "2.5.3", Role.QUALITY_CONTROL, "inspects goods")
        if product_code not in self.lines.quantities():
            raise SopRuleViolation(INSPECTED_GOODS_ON_ORDER, f"{product_code} is not on the order")
        if inspected_on > today:
            raise SopRuleViolation(INSPECTION_RECORDED_ONCE_DONE, f"inspected on {inspected_on}")
        lot = self.lots.get(lot_id)
        if lot is not None:
            if lot.product_code != product_code:
                raise SopRuleViolation(
                    LOT_REINSPECTED_AS_SAME_PRODUCT, f"lot {lot_id} is {lot.product_code}"
                )
            if lot.status is LotStatus.FAILED:
                raise SopRuleViolation(FAILED_LOT_REWORKED_FIRST, f"lot {lot_id}")
            if lot.status is LotStatus.PASSED:
                raise SopRuleViolation(PASSED_LOT_NOT_REINSPECTED, f"lot {lot_id}")
        self._record(
            self.LotInspected,
            evidence,
            lot_id=lot_id,
            inspection_number=(lot.inspections if lot else 0) + 1,
            product_code=product_code,
            quantity=quantity,
            kind=kind,
            passed=passed,
            findings=findings,
            inspected_on=inspected_on,
            delivery_date=self.delivery_date,
            due_by=self.delivery_date - policy.orders.inspection_before_delivery,
            policy_version=policy.version,
        )

    def rework(self, evidence: Evidence, *, lot_id: str, description: str, today: date) -> None:
        self._ensure_in_execution("2.5.3")
        self._department_only(evidence, "2.5.3", Role.PRODUCTION, "reworks failed goods")
        lot = self.lots.get(lot_id)
        if lot is None or lot.status is not LotStatus.FAILED:
            raise SopRuleViolation(
                REWORK_AFTER_FAILED_INSPECTION,
                f"lot {lot_id} is {lot.status.value if lot else 'not inspected'}",
            )
        self._record(
            self.LotReworked,
            evidence,
            lot_id=lot_id,
            rework_number=lot.reworks + 1,
            product_code=lot.product_code,
            description=description,
            reworked_on=today,
        )

    # ---- 2.5.4 Logistics and delivery ------------------------------------------------

    def notify_dispatch(
        self,
        evidence: Evidence,
        *,
        carrier: str,
        tracking_number: str,
        expected_arrival: date,
        notified_contact: str,
        channel: str,
        today: date,
    ) -> None:
        self._sales_or_logistics(evidence)
        if tracking_number in self.shipments:
            raise SopRuleViolation(
                CUSTOMER_TOLD_BEFORE_DISPATCH, f"{tracking_number} has already been dispatched"
            )
        if expected_arrival < today:
            raise SopRuleViolation(EXPECTED_ARRIVAL_NOT_IN_PAST, str(expected_arrival))
        self._record(
            self.CustomerNotifiedOfDispatch,
            evidence,
            carrier=carrier,
            tracking_number=tracking_number,
            expected_arrival=expected_arrival,
            notified_contact=notified_contact,
            channel=channel,
            notified_on=today,
        )

    def dispatch(
        self,
        evidence: Evidence,
        *,
        carrier: str,
        transport: TransportMode,
        tracking_number: str,
        expected_arrival: date,
        items: tuple[ShipmentItem, ...],
        today: date,
    ) -> None:
        shipped_now = ShipmentItems(items=items)
        self._ensure_in_execution("2.5.4")
        self._department_only(evidence, "2.5.4", Role.LOGISTICS, "dispatches shipments")
        if tracking_number in self.shipments:
            raise SopRuleViolation(
                TRACKING_NUMBER_ONE_SHIPMENT,
                f"{tracking_number} was dispatched as shipment "
                f"{self.shipments[tracking_number].number}",
            )
        notice = self.notices.get(tracking_number)
        if notice is None or notice.expected_arrival != expected_arrival:
            raise SopRuleViolation(
                DISPATCH_AS_NOTIFIED, f"not told: {tracking_number}, arriving {expected_arrival}"
            )
        ordered = self.lines.quantities()
        shipped = self._shipped()
        passed = self._passed()
        for item in items:
            code = item.product_code
            if code not in ordered:
                raise SopRuleViolation(SHIPPED_GOODS_ON_ORDER, f"{code} is not on the order")
            already = shipped.get(code, Decimal(0))
            if already + item.quantity > ordered[code]:
                raise SopRuleViolation(
                    SHIPMENTS_WITHIN_ORDERED_QUANTITY,
                    f"{code}: ordered {ordered[code]}, shipped {already}, "
                    f"this shipment {item.quantity}",
                )
            if already + item.quantity > passed.get(code, Decimal(0)):
                raise SopRuleViolation(
                    SHIPMENT_AFTER_PASSED_INSPECTION,
                    f"{code}: passed {passed.get(code, Decimal(0))}, shipped {already}, "
                    f"this shipment {item.quantity}",
                )
        self._record(
            self.ShipmentDispatched,
            evidence,
            shipment_number=len(self.shipments) + 1,
            carrier=carrier,
            transport=transport,
            tracking_number=tracking_number,
            expected_arrival=expected_arrival,
            items=shipped_now,
            dispatched_on=today,
            customer_notified_on=notice.notified_on,
        )

    def confirm_delivery(
        self, evidence: Evidence, *, tracking_number: str, receipt: DeliveryReceipt, today: date
    ) -> None:
        self._sales_or_logistics(evidence)
        shipment = self.shipments.get(tracking_number)
        if shipment is None:
            raise SopRuleViolation(
                DELIVERY_OF_DISPATCHED_SHIPMENT, f"nothing was dispatched as {tracking_number}"
            )
        if shipment.receipt is not None:
            raise SopRuleViolation(
                RECEIPT_CONFIRMED_ONCE,
                f"{tracking_number} was confirmed by {shipment.receipt.reference}",
            )
        if not shipment.dispatched_on <= receipt.received_on <= today:
            raise SopRuleViolation(
                RECEIPT_AFTER_DISPATCH,
                f"dispatched {shipment.dispatched_on}, received {receipt.received_on}",
            )
        self._record(
            self.DeliveryConfirmed,
            evidence,
            shipment_number=shipment.number,
            tracking_number=tracking_number,
            items=shipment.items,
            receipt=receipt,
        )
        self._complete_if_everything_delivered(evidence)

    def cancel(self, evidence: Evidence, *, reason: str, policy: SalesPolicy) -> None:
        self._ensure_in_execution("2.5.1")
        among(
            evidence.actor,
            policy.orders.cancellation_roles,
            "2.5.1",
            "may not cancel an order; it may be cancelled by ",
        )
        if self.shipments:
            raise SopRuleViolation(
                ORDER_CANCELLED_BEFORE_SHIPPING, f"{len(self.shipments)} shipment(s) dispatched"
            )
        self._record(
            self.Cancelled,
            evidence,
            reason=reason,
            amount=self.lines.amount,
            cost=self.lines.cost,
            policy_version=policy.version,
            owner_id=self.owner_id,
            customer_id=self.customer_id,
        )

    # ---- reading ---------------------------------------------------------------------

    @property
    def is_complete(self) -> bool:
        return self.status is OrderStatus.COMPLETED

    @property
    def is_cancelled(self) -> bool:
        return self.status is OrderStatus.CANCELLED

    @property
    def amount(self) -> Money:
        return self.lines.amount

    def passed_quantity(self, product_code: str) -> Decimal:
        return self._passed().get(product_code, Decimal(0))

    def shipped_quantity(self, product_code: str) -> Decimal:
        return self._shipped().get(product_code, Decimal(0))

    def delivered_quantity(self, product_code: str) -> Decimal:
        return self._shipped(confirmed_only=True).get(product_code, Decimal(0))

    def _passed(self) -> dict[str, Decimal]:
        passed: dict[str, Decimal] = {}
        for lot in self.lots.values():
            if lot.status is LotStatus.PASSED:
                passed[lot.product_code] = passed.get(lot.product_code, Decimal(0)) + lot.quantity
        return passed

    def _shipped(self, *, confirmed_only: bool = False) -> dict[str, Decimal]:
        shipped: dict[str, Decimal] = {}
        for shipment in self.shipments.values():
            if confirmed_only and shipment.receipt is None:
                continue
            for item in shipment.items.items:
                code = item.product_code
                shipped[code] = shipped.get(code, Decimal(0)) + item.quantity
        return shipped

    # ---- rules shared by the steps ---------------------------------------------------

    def _complete_if_everything_delivered(self, evidence: Evidence) -> None:
        delivered = self._shipped(confirmed_only=True)
        if any(delivered.get(code, 0) < qty for code, qty in self.lines.quantities().items()):
            return
        receipts = [s.receipt for s in self.shipments.values() if s.receipt is not None]
        self._record(
            self.Completed,
            evidence,
            contract_id=self.contract_id,
            customer_id=self.customer_id,
            owner_id=self.owner_id,
            amount=self.lines.amount,
            cost=self.lines.cost,
            units=self.lines.units,
            shipments=len(self.shipments),
            delivery_date=self.delivery_date,
            delivered_on=max(r.received_on for r in receipts),
        )

    def _ensure_in_execution(self, code: str) -> None:
        if self.status is not OrderStatus.IN_EXECUTION:
            raise SopRuleViolation(ORDER_CLOSED, f"it is {self.status.value}", at_step=code)

    def _sales_may_work_on(self, evidence: Evidence, code: str, also: str = "") -> None:
        self._ensure_in_execution(code)
        responsible_or_lead(
            evidence.actor,
            self.owner_id,
            SALES_LEADS,
            code,
            f"does not own this order and is not a sales lead{also}",
        )

    def _sales_or_logistics(self, evidence: Evidence) -> None:
        if evidence.actor.role is Role.LOGISTICS:
            self._ensure_in_execution("2.5.4")
        else:
            self._sales_may_work_on(evidence, "2.5.4", " or in logistics")

    def _department_only(self, evidence: Evidence, code: str, role: Role, what: str) -> None:
        if evidence.actor.role is not role:
            raise NotAuthorised(code, str(evidence.actor), f"is not {role.label}, which {what}")
