"""Value objects of order execution (SOP 2.5): lines, plans, purchases, lots, shipments."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import AfterValidator, Field, model_validator

from salesdomain.opportunities.values import QuoteLine, QuoteTerms
from salesdomain.sop import Role
from salesdomain.values import (
    Code,
    Day,
    Items,
    Name,
    OptionalName,
    PricedLine,
    PricedLines,
    Quantity,
    Text,
    ValueObject,
    distinct,
    one_currency_each_product_once,
    stored_enum,
    within_amount_limit,
)

ORDER_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:order")


Reference = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_./-]{1,64}$")]

COORDINATED_DEPARTMENTS = (Role.PRODUCTION, Role.PROCUREMENT, Role.LOGISTICS)
"""The departments a signed order is coordinated with (SOP 2.5.1)."""


def order_id_for(contract_id: UUID, revision: int) -> UUID:
    """The id of the sales order opened by signing ``revision`` of a contract."""
    return uuid5(ORDER_NAMESPACE, f"{contract_id}/{revision}")


@stored_enum
class InspectionKind(Enum):
    """In-process monitoring or the final inspection (SOP 2.5.3)."""

    IN_PROCESS = "in_process"
    FINAL = "final"


@stored_enum
class TransportMode(Enum):
    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    AIR = "air"
    COURIER = "courier"


@stored_enum
class ReceiptKind(Enum):
    """The document by which the customer confirms receipt (SOP 2.5.4)."""

    SIGNED_DELIVERY_NOTE = "signed_delivery_note"
    ACCEPTANCE_REPORT = "acceptance_report"


class OrderLine(PricedLine, ValueObject):
    """One product of the order, as the signed contract fixed it."""

    @model_validator(mode="after")
    def _within_bounds(self) -> Self:
        within_amount_limit("the line's amount (quantity x price)", self.quantity, self.unit_price)
        within_amount_limit("the line's cost (quantity x unit cost)", self.quantity, self.unit_cost)
        return self

    @classmethod
    def of(cls, line: QuoteLine) -> OrderLine:
        return cls(
            product_code=line.product_code,
            product_name=line.product_name,
            specification=line.specification,
            quantity=line.quantity,
            unit_price=line.unit_price,
            unit_cost=line.unit_cost,
        )


class OrderLines(PricedLines, ValueObject):
    """The lines of an order: one currency, each product once."""

    lines: Items[OrderLine] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        one_currency_each_product_once(self.lines, "an order")
        return self

    @classmethod
    def of(cls, terms: QuoteTerms) -> OrderLines:
        return cls(lines=tuple(OrderLine.of(line) for line in terms.lines))

    @property
    def units(self) -> Decimal:
        return sum((line.quantity for line in self.lines), Decimal(0))

    def quantities(self) -> dict[str, Decimal]:
        return {line.product_code: line.quantity for line in self.lines}


class ProductionPlan(ValueObject):
    """How production plans the work to meet the delivery date (SOP 2.5.2)."""

    planned_start: Day
    planned_finish: Day
    reference: OptionalName = ""
    """The plan's reference."""
    notes: Text = ""
    """What the plan covers and its finish date."""

    @model_validator(mode="after")
    def _finish_after_start(self) -> Self:
        if self.planned_finish < self.planned_start:
            raise ValueError("planned_finish is before planned_start")
        return self


class CustomerToldOfLateFinish(ValueObject):
    """The customer told that production finishes after the delivery date (SOP 2.5.2):
    whom at the customer, on which day, and how (phone, e-mail, a meeting)."""

    contact: Name
    """Who was told at the customer."""
    told_on: Day
    channel: Name
    """How they were told."""
    notes: Text = ""
    """What they said."""


class Material(ValueObject):
    name: Name
    """The material bought."""
    quantity: Quantity
    """How much of it was bought."""
    unit: Name
    """The unit it is counted in."""


class Purchase(ValueObject):
    """Materials bought against the production plan and stock (SOP 2.5.2)."""

    reference: Reference
    """The purchase order's reference."""
    supplier: Name
    """The supplier the materials are bought from."""
    materials: Items[Material] = Field(min_length=1)
    """The materials bought."""
    expected_on: Day
    notes: Text = ""
    """Anything else about the purchase."""


class ShipmentItem(ValueObject):
    product_code: Code
    """The product shipped."""
    quantity: Quantity
    """How many units."""


def _each_product_once(items: tuple[ShipmentItem, ...]) -> tuple[ShipmentItem, ...]:
    distinct((item.product_code for item in items), "each product appears once in a shipment")
    return items


ShipmentItemList = Annotated[
    Items[ShipmentItem], Field(min_length=1), AfterValidator(_each_product_once)
]
"""What one shipment carries, each product once."""


class ShipmentItems(ValueObject):
    """What one shipment carries, each product once."""

    items: ShipmentItemList

    @property
    def units(self) -> Decimal:
        return sum((item.quantity for item in self.items), Decimal(0))


class DeliveryReceipt(ValueObject):
    """The customer's receipt confirmation: a signed delivery note or an acceptance report."""

    kind: ReceiptKind
    """Signed delivery note or acceptance report."""
    reference: Name
    """The delivery note's or acceptance report's reference."""
    signed_by: Name
    """Who signed it at the customer."""
    received_on: Day
