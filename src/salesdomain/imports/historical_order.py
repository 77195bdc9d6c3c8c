"""HistoricalOrder: a completed order taken over from another system (SOP 4.1.2).

It records what the KPI tables need (time, customer, product, revenue, units, profit)
and where it came from (file and lines).  It has no life of its own after the import:
orders taken in this system are ``Order`` records (SOP 2.5).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.orders.values import OrderLines
from salesdomain.values import Money, ValueObject

HISTORICAL_ORDER_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:historical-order")


class SourceLines(ValueObject):
    numbers: tuple[int, ...]


class HistoricalOrder(SopAggregate):
    SNAPSHOT_INTERVAL: ClassVar[int | None] = None  # bounded: one event, the imported order

    class Event(SopAggregate.Event):
        SOP_STEP = "4.1.2"

    class Imported(Event, SopAggregate.Created):
        order_number: str
        customer_id: UUID
        customer_name: str
        owner_id: UUID | None
        ordered_on: date
        delivered_on: date
        lines: OrderLines
        amount: Money
        cost: Money
        units: Decimal
        imported_from: str
        source_lines: SourceLines

        def apply(self, order: HistoricalOrder) -> None:
            order.order_number = self.order_number
            order.customer_id = self.customer_id
            order.owner_id = self.owner_id
            order.delivered_on = self.delivered_on
            order.amount = self.amount
            order.imported_from = self.imported_from
            order.source_lines = self.source_lines.numbers

    if TYPE_CHECKING:
        order_number: str
        customer_id: UUID
        owner_id: UUID | None
        delivered_on: date
        amount: Money
        imported_from: str
        source_lines: tuple[int, ...]

    @staticmethod
    def id_for(order_number: str) -> UUID:
        """One record per order number of the source system."""
        return uuid5(HISTORICAL_ORDER_NAMESPACE, order_number.strip().upper())

    @classmethod
    def take_over(
        cls,
        evidence: Evidence,
        *,
        order_number: str,
        customer_id: UUID,
        customer_name: str,
        owner_id: UUID | None,
        ordered_on: date,
        delivered_on: date,
        lines: OrderLines,
        imported_from: str,
        source_lines: tuple[int, ...],
    ) -> HistoricalOrder:
        return cls._start(
            cls.Imported,
            evidence,
            id=cls.id_for(order_number),
            case_id=customer_id,
            order_number=order_number,
            customer_id=customer_id,
            customer_name=customer_name,
            owner_id=owner_id,
            ordered_on=ordered_on,
            delivered_on=delivered_on,
            lines=lines,
            amount=lines.amount,
            cost=lines.cost,
            units=sum((line.quantity for line in lines.lines), Decimal(0)),
            imported_from=imported_from,
            source_lines=SourceLines(numbers=source_lines),
        )
