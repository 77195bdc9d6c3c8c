"""Commands of the product catalogue (SOP 4.1.1 list and withdraw, 2.3.2 prices)."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, model_validator

from salesdomain.catalogue.values import ProductKind
from salesdomain.commands import Command
from salesdomain.values import (
    Code,
    Day,
    Money,
    Name,
    NonEmptyStr,
    Text,
    more_than_zero,
    not_negative,
)

Price = Annotated[Money, AfterValidator(more_than_zero)]
Cost = Annotated[Money, AfterValidator(not_negative)]


class ListProduct(Command):
    """List a product or service in the catalogue under its code, with its list price
    and standard cost (in one currency) in force from today."""

    SOP_STEP = "4.1.1"
    product_code: Code
    """The product's code, unique in the catalogue."""
    name: Name
    """The product's name."""
    unit: Name
    """The unit the product is sold in (piece, set, hour, ...)."""
    kind: ProductKind = ProductKind.GOODS
    """Goods or a service."""
    description: Text = ""
    """What the product is."""
    list_price: Price
    """The list price per unit that quotes start from (2.3.2)."""
    standard_cost: Cost
    """The standard cost per unit that margins are computed from (2.3.2)."""
    reason: NonEmptyStr
    """Why the product is listed."""

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        if self.list_price.currency != self.standard_cost.currency:
            raise ValueError("list_price and standard_cost must be in the same currency")
        return self


class SetListPrice(Command):
    """The product's list price in the price's currency, from ``effective_from`` on."""

    SOP_STEP = "2.3.2"
    product_code: Code
    """The product's code."""
    price: Price
    """The new list price per unit."""
    effective_from: Day
    reason: NonEmptyStr
    """Why the price changes."""


class SetStandardCost(Command):
    """The product's standard cost in the cost's currency, from ``effective_from`` on."""

    SOP_STEP = "2.3.2"
    product_code: Code
    """The product's code."""
    cost: Cost
    """The new standard cost per unit."""
    effective_from: Day
    reason: NonEmptyStr
    """Why the cost changes."""


class WithdrawProduct(Command):
    """Withdraw a product from the catalogue: it is no longer priced or quoted."""

    SOP_STEP = "4.1.1"
    product_code: Code
    """The product's code."""
    reason: NonEmptyStr
    """Why the product is withdrawn from sale."""
