"""Shares and means as the analyses report them: ``Decimal``, to a fixed number of
places, empty (``None``) when there is nothing to divide by."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

FRACTION = Decimal("0.0001")
"""A share or a relative difference: 4 places (0.0870 is 8.7%)."""
SCORE = Decimal("0.01")
"""A score or a mean of scores: 2 places."""


def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part`` of ``whole`` to 4 places (``None``: nothing to share)."""
    return None if not whole else (Decimal(part) / Decimal(whole)).quantize(FRACTION)


def mean(values: Sequence[int | Decimal], places: Decimal = FRACTION) -> Decimal | None:
    """The mean of ``values`` to ``places`` (``None`` for none)."""
    if not values:
        return None
    return (sum((Decimal(v) for v in values), Decimal(0)) / len(values)).quantize(places)


def most_first(counted: Counter[str]) -> list[tuple[str, int, Decimal | None]]:
    """Each name with its count and share of the whole, the most frequent first (then
    by name)."""
    whole = sum(counted.values())
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return [(name, count, share(count, whole)) for name, count in ordered]


def period_checked(since: date, until: date) -> None:
    """Raises ``ValueError`` for a period that ends before it starts."""
    if until < since:
        raise ValueError(f"the period ends ({until}) before it starts ({since})")
