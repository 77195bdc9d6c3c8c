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
    name: Name
    unit: Name
    kind: ProductKind = ProductKind.GOODS
    description: Text = ""
    list_price: Price
    standard_cost: Cost
    reason: NonEmptyStr

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        if self.list_price.currency != self.standard_cost.currency:
            raise ValueError("list_price and standard_cost must be in the same currency")
        return self


class SetListPrice(Command):
    """The product's list price in the price's currency, from ``effective_from`` on."""

    SOP_STEP = "2.3.2"
    product_code: Code
    price: Price
    effective_from: Day
    reason: NonEmptyStr


class SetStandardCost(Command):
    """The product's standard cost in the cost's currency, from ``effective_from`` on."""

    SOP_STEP = "2.3.2"
    product_code: Code
    cost: Cost
    effective_from: Day
    reason: NonEmptyStr


class WithdrawProduct(Command):
    """Withdraw a product from the catalogue: it is no longer priced or quoted."""

    SOP_STEP = "4.1.1"
    product_code: Code
    reason: NonEmptyStr
