"""What the queries share (``now`` as a day, stored quantities) and the goods waiting:
``awaiting_inspection`` and ``awaiting_shipment``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from salesdomain.projections.access import orders_read_by
from salesdomain.projections.operations.statuses import IN_EXECUTION, LOT_FAILED, LOT_REWORKED
from salesdomain.projections.rows import row_of
from salesdomain.projections.types import plain
from sqlalchemy import Row, Select, Table, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader


def _today(now: datetime) -> date:
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware time")
    return now.astimezone(UTC).date()


def _plain(value: Any) -> Decimal:
    """A stored quantity without the storage's trailing zeros (60.000000 -> 60)."""
    return plain(Decimal(value or 0))


def _lines_in_execution(
    tables: Mapping[str, Table], reader: Reader | None, *columns: Any
) -> Select[Any]:
    """Each product line of the orders in execution (at their current revision) that
    ``reader`` follows, with its customer, delivery date, production plan's finish and
    ``columns``, earliest delivery first."""
    orders, products = tables["orders"], tables["order_products"]
    return (
        select(
            products,
            orders.c.customer_name,
            orders.c.delivery_date,
            orders.c.planned_finish,
            orders.c.customer_told_on,
            *columns,
        )
        .select_from(products.join(orders, orders.c.order_id == products.c.order_id))
        .where(orders.c.status == IN_EXECUTION, products.c.revision == orders.c.revision)
        .where(orders_read_by(reader, tables))
        .order_by(orders.c.delivery_date, products.c.order_id, products.c.product_code)
    )


def _product_name(row: Row[Any]) -> str:
    return str(row.product_name or row.product_code)


@dataclass(frozen=True)
class _ProductLine:
    """What the rows of goods waiting share: an order's product line and how much of it
    was ordered and passed the final inspection."""

    order_id: str
    """The sales order (2.5.1)."""
    customer_name: str
    """The customer's company name."""
    product_code: str
    """The product's code."""
    product_name: str
    """The product's name."""
    ordered: Decimal
    """Quantity ordered."""
    passed: Decimal
    """Quantity that passed the final inspection (2.5.3)."""
    planned_finish: date | None
    """When production's current plan for the order finishes (none planned yet)."""
    plan_finishes_late: bool
    """The plan finishes after the (current) delivery date (SOP 2.5.2)."""
    customer_told_on: date | None
    """When the customer was told of the late finish (none if not late or not told:
    the delivery date amended after a plan was made late, say)."""


def _plan_late(row: Row[Any]) -> bool:
    return row.planned_finish is not None and row.planned_finish > row.delivery_date


@dataclass(frozen=True)
class InspectionRow(_ProductLine):
    awaiting: Decimal
    """Ordered, not (yet) passed the final inspection."""
    failed_lots: tuple[str, ...]
    """Lots that failed and wait for rework."""
    reworked_lots: tuple[str, ...]
    """Lots reworked and waiting to be inspected again."""
    delivery_date: date
    """The delivery date agreed in the contract."""
    inspect_by: date | None
    """The day inspection must be done by to ship in time."""
    overdue: bool
    """Whether inspection is past that day."""


def awaiting_inspection(
    engine: Engine,
    tables: Mapping[str, Table],
    now: datetime,
    *,
    inspection_before_delivery: timedelta | None = None,
    reader: Reader | None = None,
) -> list[InspectionRow]:
    """Per order in execution and product: what has not passed the final inspection.

    The deadline is the one the inspections recorded (policy: the delivery date less
    ``inspection_before_delivery``); before any inspection, the delivery date less
    ``inspection_before_delivery`` if given, else unknown."""
    today = _today(now)
    orders, lots = tables["orders"], tables["lots"]
    with engine.connect() as conn:
        rows = conn.execute(_lines_in_execution(tables, reader, orders.c.inspect_by)).all()
        lot_rows = conn.execute(
            select(lots.c.order_id, lots.c.product_code, lots.c.lot_id, lots.c.status)
            .where(lots.c.status.in_([LOT_FAILED, LOT_REWORKED]))
            .order_by(lots.c.lot_id)
        ).all()
    waiting: dict[tuple[str, str, str], list[str]] = {}
    for lot in lot_rows:
        waiting.setdefault((lot.order_id, lot.product_code, lot.status), []).append(lot.lot_id)
    result = []
    for row in rows:
        ordered, passed = _plain(row.ordered), _plain(row.passed)
        if passed >= ordered:
            continue
        inspect_by = row.inspect_by
        if inspect_by is None and inspection_before_delivery is not None:
            inspect_by = row.delivery_date - inspection_before_delivery
        key = (row.order_id, row.product_code)
        result.append(
            row_of(
                InspectionRow,
                row,
                product_name=_product_name(row),
                ordered=ordered,
                passed=passed,
                awaiting=ordered - passed,
                failed_lots=tuple(waiting.get((*key, LOT_FAILED), ())),
                reworked_lots=tuple(waiting.get((*key, LOT_REWORKED), ())),
                inspect_by=inspect_by,
                overdue=inspect_by is not None and inspect_by < today,
                plan_finishes_late=_plan_late(row),
            )
        )
    return result


@dataclass(frozen=True)
class ShipmentRow(_ProductLine):
    shipped: Decimal
    """Quantity shipped (2.5.4)."""
    ready: Decimal
    """Passed the final inspection, not shipped."""
    in_transit: Decimal
    """Shipped, receipt not yet confirmed."""
    delivery_date: date
    """The delivery date agreed in the contract."""
    late: bool
    """Whether the goods are late for the delivery date."""


def awaiting_shipment(
    engine: Engine, tables: Mapping[str, Table], now: datetime, *, reader: Reader | None = None
) -> list[ShipmentRow]:
    """Per order in execution and product: goods that passed inspection and wait to be
    shipped; late once the delivery date has passed."""
    today = _today(now)
    with engine.connect() as conn:
        rows = conn.execute(_lines_in_execution(tables, reader)).all()
    result = []
    for row in rows:
        passed, shipped = _plain(row.passed), _plain(row.shipped)
        if passed <= shipped:
            continue
        result.append(
            row_of(
                ShipmentRow,
                row,
                product_name=_product_name(row),
                ordered=_plain(row.ordered),
                passed=passed,
                shipped=shipped,
                ready=passed - shipped,
                in_transit=shipped - _plain(row.delivered),
                late=row.delivery_date < today,
                plan_finishes_late=_plan_late(row),
            )
        )
    return result
