"""Quote lines priced from the catalogue (SOP 2.3.2): what a quote's lines cost and list
at, on the day of the quote, whatever the sender types in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from salesdomain.catalogue.product import Product
from salesdomain.errors import SopRuleViolation
from salesdomain.opportunities.values import OfferedLine, QuoteLine
from salesdomain.policy import SalesPolicy
from salesdomain.rules.quotation import (
    AD_HOC_LINE_ALLOWED_BY_POLICY,
    AD_HOC_LINE_NAMES_PRODUCT_AND_COST,
    CATALOGUE_LINE_NOT_TYPED_IN,
    QUOTED_PRODUCT_PRICED_IN_CATALOGUE,
)
from salesdomain.sop import Role


def priced_lines(
    offered: tuple[OfferedLine, ...],
    products: Mapping[str, Product | None],
    *,
    role: Role,
    policy: SalesPolicy,
    day: date,
) -> tuple[QuoteLine, ...]:
    """``offered`` priced on ``day`` by a sender acting as ``role``: each line of a
    catalogue product (``products``, by the offered code; ``None``: not in the
    catalogue) with its name, list price and standard cost in force that day; each
    other line an ad-hoc line, where the policy allows it, as the sender typed it."""
    return tuple(
        _priced(line, found, day)
        if (found := products.get(line.product_code)) is not None
        else _ad_hoc(line, role, policy)
        for line in offered
    )


def _priced(line: OfferedLine, product: Product, day: date) -> QuoteLine:
    product.not_withdrawn()
    typed = [
        what
        for what, given in (
            ("unit_cost", line.unit_cost is not None),
            ("product_name", line.product_name not in ("", product.name)),
        )
        if given
    ]
    if typed:
        raise SopRuleViolation(
            CATALOGUE_LINE_NOT_TYPED_IN,
            f"{product.code} is in the catalogue as {product.name}: leave out {', '.join(typed)}",
        )
    currency = line.unit_price.currency
    list_price = product.list_price_on(day, currency)
    cost = product.standard_cost_on(day, currency)
    if list_price is None or cost is None:
        missing = " and ".join(
            what
            for what, figure in (("list price", list_price), ("standard cost", cost))
            if figure is None
        )
        raise SopRuleViolation(
            QUOTED_PRODUCT_PRICED_IN_CATALOGUE,
            f"{product.code} {product.name} has no {missing} in {currency} in force on {day}",
        )
    named = {"product_code": product.code, "product_name": product.name}
    return QuoteLine(**{**dict(line), **named, "unit_cost": cost, "list_price": list_price})


def _ad_hoc(line: OfferedLine, role: Role, policy: SalesPolicy) -> QuoteLine:
    if role not in policy.catalogue.ad_hoc_quoters:
        raise SopRuleViolation(
            AD_HOC_LINE_ALLOWED_BY_POLICY,
            f"{line.product_code} is not in the catalogue; a {role.label} quotes catalogue "
            "products only",
        )
    if not line.product_name or line.unit_cost is None:
        raise SopRuleViolation(
            AD_HOC_LINE_NAMES_PRODUCT_AND_COST, f"{line.product_code} is not in the catalogue"
        )
    return QuoteLine(**dict(line))
