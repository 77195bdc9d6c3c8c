"""Bookings of amendments netted, and completed orders split by their lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from salesdomain.projections.kpi.loaded import _Fact
from sqlalchemy import Table, and_, select
from sqlalchemy.engine import Connection


def _amendment_offsets(conn: Connection, f: Table, rows: Sequence[Any]) -> list[_Fact]:
    """For each signed amendment, the bookings of the revision it replaces, negated, on
    the amendment's day: bookings count what the amendment adds or removes."""
    amendments = {
        (row.record_id, row.amends): row
        for row in rows
        if row.measure == "bookings" and row.amends is not None
    }
    if not amendments:
        return []
    contracts = sorted({contract for contract, _ in amendments})
    replaced = conn.execute(
        select(f.c.record_id, f.c.revision, f.c.value, f.c.currency, f.c.product_code).where(
            f.c.measure == "bookings", f.c.record_id.in_(contracts)
        )
    ).all()
    offsets = []
    for old in replaced:
        amendment = amendments.get((old.record_id, old.revision))
        if amendment is None:
            continue
        offsets.append(
            _Fact(
                amendment.day,
                amendment.position,
                "bookings",
                -Decimal(old.value),
                old.currency,
                amendment.rep_id,
                amendment.customer_id,
                old.product_code,
                old.record_id,
            )
        )
    return offsets


_BY_LINE = frozenset({"revenue", "profit", "units", "orders_completed"})


def _split_by_line(
    conn: Connection, tables: Mapping[str, Table], facts: list[_Fact]
) -> list[_Fact]:
    """Completed orders' revenue, profit, units and count, one fact per order line (the
    lines of the contract revision the order followed)."""
    order_ids = sorted({f.record_id for f in facts if f.measure in _BY_LINE and f.record_id})
    lines: dict[str, list[Any]] = defaultdict(list)
    ol, r = tables["order_lines"], tables["records"]
    for chunk in _chunks(order_ids, 500):
        for line in conn.execute(
            select(ol)
            .select_from(
                ol.join(r, and_(r.c.record_id == ol.c.order_id, r.c.revision == ol.c.revision))
            )
            .where(ol.c.order_id.in_(chunk))
            .order_by(ol.c.order_id, ol.c.product_code)
        ):
            lines[line.order_id].append(line)
    split: list[_Fact] = []
    for fact in facts:
        order_lines = lines.get(fact.record_id or "") if fact.measure in _BY_LINE else None
        if not order_lines:
            split.append(fact)
            continue
        for line in order_lines:
            quantity, price, cost = (
                Decimal(line.quantity),
                Decimal(line.unit_price),
                Decimal(line.unit_cost),
            )
            value = {
                "revenue": quantity * price,
                "profit": quantity * (price - cost),
                "units": quantity,
                "orders_completed": Decimal(1),
            }[fact.measure]
            split.append(
                _Fact(
                    fact.day,
                    fact.position,
                    fact.measure,
                    value,
                    fact.currency,
                    fact.rep_id,
                    fact.customer_id,
                    line.product_code,
                    fact.record_id,
                )
            )
    return split


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for index in range(0, len(items), size):
        yield items[index : index + size]
