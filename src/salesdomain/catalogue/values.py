"""Value objects of the product catalogue: what kind of thing a product is, its id,
and the prices and costs it had from a day on."""

from __future__ import annotations

from datetime import date
from enum import Enum
from uuid import NAMESPACE_URL, UUID, uuid5

from salesdomain.values import Money, ValueObject, stored_enum

PRODUCT_NAMESPACE = uuid5(NAMESPACE_URL, "salesdomain:product")


@stored_enum
class ProductKind(Enum):
    GOODS = "goods"
    SERVICE = "service"


def product_id_for(product_code: str) -> UUID:
    """The id of the catalogue's product with this code (the code case-folded: a code
    names one product however it is typed)."""
    return uuid5(PRODUCT_NAMESPACE, product_code.casefold())


class PriceVersion(ValueObject):
    """A figure (a list price or a standard cost) in force from a day on, until a later
    version of the same currency takes effect."""

    amount: Money
    effective_from: date


def in_force(versions: list[PriceVersion], day: date, currency: str) -> Money | None:
    """The figure of ``versions`` (oldest recorded first) in force on ``day`` in
    ``currency``: the one with the latest effective day not after ``day``, of two with
    the same day the one recorded later."""
    found: PriceVersion | None = None
    for version in versions:
        if version.amount.currency != currency or version.effective_from > day:
            continue
        if found is None or version.effective_from >= found.effective_from:
            found = version
    return None if found is None else found.amount
