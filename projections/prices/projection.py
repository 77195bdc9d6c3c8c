"""The projection: the catalogue's list prices and the competitor prices market research
recorded (SOP 2.1.1, 2.3.2), the rows each event changes.

A competitor price names a product by a code (free text, SOP 2.1.1); it is compared with
the catalogue's product whose code is the same in any case.  One recorded before the
catalogue, or for a product the company does not list, stays as it is, without ours.
"""

from __future__ import annotations

from salesdomain.projections.changes import Insert, RowChange, Update, Upsert
from salesdomain.projections.dispatch import Handlers
from salesdomain.projections.projection import Projection, Tables
from salesdomain.projections.types import money
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table

from salesdomain.bounds import NAME_LENGTH
from salesdomain.catalogue.product import Product
from salesdomain.prospecting.market_research import MarketResearch
from salesdomain.prospecting.values import CompetitorPrice

SEARCH_LENGTH = 3 * NAME_LENGTH
"""A folded code (``str.casefold``) is at most three times as long as the code."""

HANDLERS = Handlers[RowChange]()


def folded(code: str) -> str:
    """The form product codes are matched in: case folded."""
    return code.casefold()


@HANDLERS.on(Product.Listed)
def _listed(event: Product.Listed, position: int) -> list[RowChange]:
    key = {"product_code": folded(event.product_code)}
    row = {"code": event.product_code, "name": event.name, "unit": event.unit, "withdrawn": False}
    return [
        Upsert("products", key, row),
        _price(
            position,
            event.product_code,
            event.list_price.amount,
            event.list_price.currency,
            event.effective_from,
        ),
    ]


@HANDLERS.on(Product.ListPriceSet)
def _priced(event: Product.ListPriceSet, position: int) -> list[RowChange]:
    price = event.price
    return [
        _price(position, event.product_code, price.amount, price.currency, event.effective_from)
    ]


@HANDLERS.on(Product.Withdrawn)
def _withdrawn(event: Product.Withdrawn, position: int) -> list[RowChange]:
    key = {"product_code": folded(event.product_code)}
    return [Update("products", key, {"withdrawn": True})]


@HANDLERS.on(MarketResearch.Recorded)
def _researched(event: MarketResearch.Recorded, position: int) -> list[RowChange]:
    prices = event.competitor_prices.prices
    return [_observed(event, position, n, price) for n, price in enumerate(prices)]


@HANDLERS.on(MarketResearch.CompetitorPriceAdded)
def _added(event: MarketResearch.CompetitorPriceAdded, position: int) -> list[RowChange]:
    return [_observed(event, position, 0, event.price)]


def _price(position: int, code: str, amount: object, currency: str, day: object) -> Insert:
    values = {
        "position": position,
        "product_code": folded(code),
        "currency": currency,
        "effective_from": day,
        "amount": amount,
    }
    return Insert("list_prices", values)


def _observed(
    event: MarketResearch.Event, position: int, number: int, price: CompetitorPrice
) -> Insert:
    values = {
        "position": position,
        "number": number,
        "note_id": str(event.originator_id),
        "competitor": price.competitor,
        "product_code": price.product_code,
        "search_code": folded(price.product_code),
        "amount": price.price.amount,
        "currency": price.price.currency,
        "observed_on": price.observed_on,
    }
    return Insert("competitor_prices", values)


class Prices(Projection):
    """The catalogue's products (``products``) and every list price set
    (``list_prices``), and every competitor price recorded (``competitor_prices``)."""

    name = "prices"
    version = 1

    def define(self, metadata: MetaData, prefix: str) -> dict[str, Table]:
        tables = Tables(metadata, prefix)
        tables.add(
            "products",
            Column("product_code", String(SEARCH_LENGTH), primary_key=True),
            Column("code", String(NAME_LENGTH), nullable=False),
            Column("name", String(NAME_LENGTH), nullable=False),
            Column("unit", String(NAME_LENGTH), nullable=False),
            Column("withdrawn", Boolean, nullable=False),
        )
        list_prices = tables.add(
            "list_prices",
            Column("position", Integer, primary_key=True),
            Column("product_code", String(SEARCH_LENGTH), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("effective_from", Date, nullable=False),
            Column("amount", money(), nullable=False),
        )
        competitor = tables.add(
            "competitor_prices",
            Column("position", Integer, primary_key=True),
            Column("number", Integer, primary_key=True),
            Column("note_id", String(36), nullable=False),
            Column("competitor", String(NAME_LENGTH), nullable=False),
            Column("product_code", String(NAME_LENGTH), nullable=False),
            Column("search_code", String(SEARCH_LENGTH), nullable=False),
            Column("amount", money(), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("observed_on", Date, nullable=False),
        )
        lp, cp = list_prices.c, competitor.c
        tables.index("list_prices_in_force", lp.product_code, lp.currency, lp.effective_from)
        tables.index("competitor_prices_in_order", cp.search_code, cp.observed_on, cp.position)
        return tables.defined

    def changes(self, event: object, position: int) -> list[RowChange]:
        return HANDLERS.changes(event, position)
