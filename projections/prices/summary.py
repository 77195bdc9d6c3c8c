"""The competitor prices of a period against ours, by competitor (SOP 2.1.1, 2.3.2,
4.2.1): the comparisons of the prices view (``queries``) summed up, not made again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salesdomain.projections.fractions import mean
from salesdomain.projections.prices.queries import _chosen, _row
from sqlalchemy import Table
from sqlalchemy.engine import Engine

from salesdomain.access import Reader


@dataclass(frozen=True)
class CompetitorPricing:
    """One competitor's prices observed in a period, against our list prices."""

    competitor: str
    """The competitor whose prices were observed (2.1.1)."""
    observed: int
    """Prices of theirs recorded as observed in the period."""
    comparable: int
    """Of them, those beside a list price of ours (same product and currency, in force
    on the day observed)."""
    average_difference: Decimal | None
    """The mean of their ``difference`` (above + or below - ours, as a fraction of
    ours), to 4 places."""
    below_ours: int
    """Compared prices lower than ours."""


def pricing_by_competitor(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    since: date,
    until: date,
    reader: Reader | None = None,
) -> list[CompetitorPricing]:
    """Every competitor with a price observed from ``since`` to ``until``, the most
    observed first (then by name), as the reader may read the prices view."""
    cp = tables["competitor_prices"].c
    chosen = _chosen(tables, None, reader).where(cp.observed_on.between(since, until))
    found: dict[str, list[Decimal | None]] = {}
    with engine.connect() as conn:
        for row in conn.execute(chosen):
            compared = _row(row)
            found.setdefault(compared.competitor, []).append(compared.difference)
    result = []
    for competitor, differences in found.items():
        known = [d for d in differences if d is not None]
        result.append(
            CompetitorPricing(
                competitor=competitor,
                observed=len(differences),
                comparable=len(known),
                average_difference=mean(known),
                below_ours=sum(1 for d in known if d < 0),
            )
        )
    return sorted(result, key=lambda p: (-p.observed, p.competitor.casefold(), p.competitor))
