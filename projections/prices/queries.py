"""Reads of the prices view: each competitor price recorded (SOP 2.1.1) beside our list
price for the same product, in the same currency, in force on the day it was observed
(SOP 2.3.2), a page at a time, by product, day and the order they were recorded in.

Competitor prices and list prices are the company's market information, read by
everyone whose work includes sales records (the read policy's ``sales`` reach, any of
it; ADR 30): a representative prices quotes against them.  Others read no rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salesdomain.projections.paging import (
    DEFAULT_LIMIT,
    Kind,
    Page,
    check_limit,
    page_from,
    resume,
    sortable,
)
from salesdomain.projections.prices.projection import folded
from sqlalchemy import Select, Table, and_, false, or_, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.values import Money

PRICES = Kind("prices", "p1", 3)
"""The list's cursors: a row's place is its folded product code, day and position."""


@dataclass(frozen=True)
class PriceComparison:
    """A competitor's price for a product, and ours on the day it was observed."""

    product_code: str
    """As the market research named it."""
    product_name: str | None
    """The catalogue's name of the product (``None``: not in the catalogue)."""
    competitor: str
    """The competitor observed (2.1.1)."""
    observed_on: date
    """The day the competitor's price was observed."""
    competitor_price: Money
    """The competitor's price."""
    list_price: Money | None
    """Our list price in force on ``observed_on`` in the same currency (``None``: none)."""
    difference: Decimal | None
    """How much the competitor's price is above (+) or below (-) ours, as a fraction of
    ours (-0.08: 8% below)."""
    note_id: str
    """The market research note that recorded it."""


def _chosen(tables: Mapping[str, Table], product: str | None, reader: Reader | None) -> Select[Any]:
    products, list_prices, observed = (
        tables["products"],
        tables["list_prices"],
        tables["competitor_prices"],
    )
    cp, lp = observed.c, list_prices.c
    in_force = (
        select(lp.amount)
        .where(
            lp.product_code == cp.search_code,
            lp.currency == cp.currency,
            lp.effective_from <= cp.observed_on,
        )
        .order_by(lp.effective_from.desc(), lp.position.desc())
        .limit(1)
        .scalar_subquery()
    )
    chosen = select(
        *cp,
        products.c.name.label("product_name"),
        in_force.label("list_price"),
    ).select_from(observed.outerjoin(products, products.c.product_code == cp.search_code))
    if reader is not None and reader.sales is not None and not reader.sales:
        chosen = chosen.where(false())
    if product is not None:
        chosen = chosen.where(cp.search_code == folded(product))
    return chosen


def _row(found: Any) -> PriceComparison:
    theirs = Money(amount=found.amount, currency=found.currency)
    ours = (
        None
        if found.list_price is None
        else Money(amount=found.list_price, currency=found.currency)
    )
    difference = None
    if ours is not None:
        difference = ((theirs.amount - ours.amount) / ours.amount).quantize(Decimal("0.0001"))
    return PriceComparison(
        product_code=found.product_code,
        product_name=found.product_name,
        competitor=found.competitor,
        observed_on=found.observed_on,
        competitor_price=theirs,
        list_price=ours,
        difference=difference,
        note_id=found.note_id,
    )


def prices_page(
    engine: Engine,
    tables: Mapping[str, Table],
    at: datetime | None,
    *,
    product: str | None = None,
    reader: Reader | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[PriceComparison]:
    """One page of the competitor prices (of ``product``, any case; ``None``: every
    product) beside our list prices, as the reader may see them: at most ``limit`` (1 to
    ``MAX_LIMIT``), by product code (case folded), day observed and the order recorded,
    after the row ``cursor`` points at (``None``: from the first).  ``at`` is the moment
    the first page was read, which a cursor keeps.  Raises ``InvalidCursor`` for a cursor
    made for another product, altered or not one."""
    check_limit(limit)
    described = {"product": product}
    start = resume(PRICES, cursor, at, described)
    cp = tables["competitor_prices"].c
    chosen = _chosen(tables, product, reader)
    if start.after:
        code, day, recorded = start.after
        position, number = (int(part) for part in recorded.split("/"))
        chosen = chosen.where(
            or_(
                cp.search_code > code,
                and_(cp.search_code == code, cp.observed_on > date.fromisoformat(day)),
                and_(
                    cp.search_code == code,
                    cp.observed_on == date.fromisoformat(day),
                    or_(cp.position > position, and_(cp.position == position, cp.number > number)),
                ),
            )
        )
    ordered = chosen.order_by(cp.search_code, cp.observed_on, cp.position, cp.number)
    with engine.connect() as conn:
        found = conn.execute(ordered.limit(limit + 1)).all()
    return page_from(found, limit, PRICES, start, described, place=_place, row=_row)


def _place(last: Any) -> tuple[str, ...]:
    """A comparison's place in the list: product code (folded), day observed, order recorded."""
    return (last.search_code, sortable(last.observed_on), f"{last.position}/{last.number}")
