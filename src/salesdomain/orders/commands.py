"""Commands of order execution (SOP 2.5.1-2.5.4).

No command enters an order: a signed contract does (``OpenOrderWhenContractSigned``).
"""

from __future__ import annotations

from typing import Self
from uuid import UUID

from pydantic import Field, field_validator, model_validator

from salesdomain.bounds import COUNT_LIMIT
from salesdomain.commands import Command
from salesdomain.orders.values import (
    COORDINATED_DEPARTMENTS,
    CustomerToldOfLateFinish,
    DeliveryReceipt,
    InspectionKind,
    ProductionPlan,
    Purchase,
    Reference,
    ShipmentItemList,
    TransportMode,
)
from salesdomain.sop import Role
from salesdomain.values import Code, Day, Name, NonEmptyStr, OptionalName, Quantity, Text


class AssignCoordinationTask(Command):
    """Give production, procurement or logistics a task with an owner and a deadline;
    without ``due_on`` it is due the policy's coordination days after order entry."""

    SOP_STEP = "2.5.1"
    order_id: UUID
    """The sales order (2.5.1)."""
    department: Role
    """The department responsible."""
    owner_id: UUID
    """The employee responsible."""
    owner_name: Name | None = None
    """Not recorded: the staff register names the owner (accepted from older clients)."""
    description: NonEmptyStr
    """What must be done."""
    due_on: Day | None = None
    """The deadline fixed at the coordination meeting."""

    @field_validator("department")
    @classmethod
    def _coordinated(cls, department: Role) -> Role:
        if department not in COORDINATED_DEPARTMENTS:
            names = ", ".join(d.value for d in COORDINATED_DEPARTMENTS)
            raise ValueError(f"orders are coordinated with {names}")
        return department


class CompleteCoordinationTask(Command):
    SOP_STEP = "2.5.1"
    order_id: UUID
    """The sales order the task belongs to (2.5.1)."""
    task_number: int = Field(ge=1, le=COUNT_LIMIT)
    """The task's number on the order."""
    outcome: Text = ""
    """What was done."""


class RecordProductionPlan(Command):
    """Production's plan for the order; a new plan supersedes the previous one.  A plan
    finishing after the delivery date needs ``customer_told`` (whom, when, how), or the
    delivery date amended with the contract first (``AmendContract``)."""

    SOP_STEP = "2.5.2"
    ADDED_LATER = frozenset({"customer_told"})
    order_id: UUID
    """The sales order (2.5.2)."""
    plan: ProductionPlan
    """The production plan."""
    customer_told: CustomerToldOfLateFinish | None = None
    """How the customer was told, when the plan finishes after the delivery date."""


class RecordProcurement(Command):
    """Materials bought against the production plan, with supplier and expected date."""

    SOP_STEP = "2.5.2"
    order_id: UUID
    """The sales order (2.5.2)."""
    purchase: Purchase
    """The materials bought against the plan."""


class AddSupplierFollowUp(Command):
    """A note from following a supplier closely; may revise the expected date."""

    SOP_STEP = "2.5.2"
    order_id: UUID
    """The sales order (2.5.2)."""
    reference: Reference
    """The purchase followed up."""
    note: NonEmptyStr
    """What the supplier said."""
    expected_on: Day | None = None
    """When the materials are now expected."""


class RecordInspection(Command):
    """Quality control's result for one lot: in-process monitoring or final inspection."""

    SOP_STEP = "2.5.3"
    order_id: UUID
    """The sales order (2.5.3)."""
    lot_id: Code
    """The lot inspected."""
    product_code: Code
    """The product inspected."""
    quantity: Quantity
    """How many units the lot holds."""
    kind: InspectionKind = InspectionKind.FINAL
    """In-process or final inspection."""
    passed: bool
    """Whether the lot passed."""
    findings: Text = ""
    """What the inspection found."""
    inspected_on: Day | None = None
    """The day of the inspection."""

    @model_validator(mode="after")
    def _failures_say_why(self) -> Self:
        if not self.passed and not self.findings:
            raise ValueError("findings must say why the lot failed")
        return self


class RecordRework(Command):
    """Production reworked a failed lot; quality control inspects it again."""

    SOP_STEP = "2.5.3"
    order_id: UUID
    """The sales order (2.5.3)."""
    lot_id: Code
    """The failed lot reworked."""
    description: NonEmptyStr
    """What was reworked."""


class NotifyCustomerOfDispatch(Command):
    """Tell the customer the carrier, tracking number and expected arrival before dispatch."""

    SOP_STEP = "2.5.4"
    order_id: UUID
    """The sales order (2.5.4)."""
    carrier: Name
    """The carrier named to the customer."""
    tracking_number: Reference
    """The tracking number told to the customer."""
    expected_arrival: Day
    notified_contact: Name
    """Who was told at the customer."""
    channel: OptionalName = ""
    """How they were told."""


class DispatchShipment(Command):
    """Ship goods that passed inspection, all or part of what was ordered."""

    SOP_STEP = "2.5.4"
    order_id: UUID
    """The sales order (2.5.4)."""
    carrier: Name
    """The carrier chosen."""
    transport: TransportMode
    """The means of transport."""
    tracking_number: Reference
    """The carrier's tracking number, told to the customer before dispatch."""
    expected_arrival: Day
    items: ShipmentItemList
    """The goods shipped: product and quantity."""


class ConfirmDelivery(Command):
    """The customer's receipt confirmation of one shipment (signed delivery note or
    acceptance report); the last one completes the order."""

    SOP_STEP = "2.5.4"
    order_id: UUID
    """The sales order delivered (2.5.4)."""
    tracking_number: Reference
    """The shipment's tracking number."""
    receipt: DeliveryReceipt
    """The customer's receipt confirmation."""


class CancelOrder(Command):
    """Cancel an order before anything has shipped (roles named by policy)."""

    SOP_STEP = "2.5.1"
    order_id: UUID
    """The sales order cancelled."""
    reason: NonEmptyStr
    """Why the order is cancelled."""

    @model_validator(mode="after")
    def _reason_is_real(self) -> Self:
        if len(self.reason) < 3:
            raise ValueError("reason must say why the order is cancelled")
        return self
