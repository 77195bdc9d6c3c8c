"""One line per catalogue event, in the SOP's words."""

from __future__ import annotations

from salesdomain.labels import words
from salesdomain.narrative import Describer, money

DESCRIPTIONS: dict[str, Describer] = {
    "Product.Listed": lambda e: (
        f"{words(e.kind).capitalize()} {e.product_code} {e.name} listed in the catalogue, per "
        f"{e.unit}: list price {money(e.list_price)}, standard cost {money(e.standard_cost)} "
        f"from {e.effective_from}: {e.reason}"
    ),
    "Product.ListPriceSet": lambda e: (
        f"List price of {e.product_code} {e.name} set to {money(e.price)} from "
        f"{e.effective_from}: {e.reason}"
    ),
    "Product.StandardCostSet": lambda e: (
        f"Standard cost of {e.product_code} {e.name} set to {money(e.cost)} from "
        f"{e.effective_from}: {e.reason}"
    ),
    "Product.Withdrawn": lambda e: (
        f"{e.product_code} {e.name} withdrawn from the catalogue: {e.reason}"
    ),
}
