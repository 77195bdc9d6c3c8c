"""Why deals were lost, at which stage, to whom and at what price gap (SOP 2.3.3,
4.2.1; each figure defined in docs/kpi.md, "Losses"), from the customers view's
``losses`` and ``deals`` (``facts``), as the reader may see them: a sales representative
the deals they own (ADR 30)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salesdomain.projections.access import sales_readable
from salesdomain.projections.fractions import mean, most_first, period_checked
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader

GROUPS_LIMIT = 1000
"""The most reasons one analysis lists (the rest are counted together)."""
NONE_NAMED = ""
"""The competitor of a loss that named none."""


@dataclass(frozen=True)
class LossGroup:
    """The deals lost for one reason, at one stage or to one competitor."""

    name: str
    """The reason, stage or competitor."""
    lost: int
    """Deals lost in this group."""
    share: Decimal | None
    """Of every deal lost in the period."""


@dataclass(frozen=True)
class PriceGap:
    """The losses to one competitor whose price was recorded beside our last quote."""

    competitor: str
    """The competitor the deals were lost to."""
    lost: int
    """Deals lost to it in the period."""
    priced: int
    """Of them, those with its price and our last quote in the same currency."""
    average_gap: Decimal | None
    """The mean of (their price - our last quote) / our last quote, to 4 places: -0.1
    means they were 10% cheaper."""


@dataclass(frozen=True)
class LossAnalysis:
    since: date
    """First day of the analysed period."""
    until: date
    """Last day of the analysed period."""
    lost: int
    """Deals lost in the period."""
    by_reason: list[LossGroup]
    """The most frequent first (at most ``limit``)."""
    other_reasons: int
    """Losses of the reasons beyond ``limit``."""
    by_stage: list[LossGroup]
    """Deals lost by the stage they were lost in."""
    by_competitor: list[LossGroup]
    """``""``: no competitor named."""
    price_gaps: list[PriceGap]
    """Per competitor named, the most losses first."""


def _groups(counted: Counter[str]) -> list[LossGroup]:
    return [LossGroup(*found) for found in most_first(counted)]


def loss_analysis(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    since: date,
    until: date,
    reader: Reader | None = None,
    limit: int = 20,
) -> LossAnalysis:
    """The deals lost from ``since`` to ``until`` (both included, the UTC day they were
    marked lost).  Raises ``ValueError`` for a period that ends before it starts or a
    limit out of 1 to ``GROUPS_LIMIT``."""
    period_checked(since, until)
    if not 1 <= limit <= GROUPS_LIMIT:
        raise ValueError(f"an analysis lists 1 to {GROUPS_LIMIT} reasons, not {limit}")
    losses, deals = tables["losses"], tables["deals"]
    x = losses.c
    chosen = (
        select(
            x.reason,
            x.stage_reached,
            x.competitor,
            x.quote_amount,
            x.quote_currency,
            x.price_amount,
            x.price_currency,
        )
        .select_from(losses.join(deals, deals.c.opportunity_id == x.opportunity_id))
        .where(x.lost_on.between(since, until))
    )
    chosen = chosen.where(sales_readable(deals.c.owner_id, reader))
    reasons, stages, competitors = Counter[str](), Counter[str](), Counter[str]()
    gaps: dict[str, list[Decimal]] = {}
    with engine.connect() as conn:
        for row in conn.execute(chosen.execution_options(yield_per=5000)):
            reasons[row.reason] += 1
            stages[row.stage_reached] += 1
            competitors[row.competitor] += 1
            if row.competitor == NONE_NAMED:
                continue
            gaps.setdefault(row.competitor, [])
            if (
                row.price_amount is not None
                and row.quote_amount
                and row.price_currency == row.quote_currency
            ):
                gap = (row.price_amount - row.quote_amount) / row.quote_amount
                gaps[row.competitor].append(gap)
    lost = sum(reasons.values())
    by_reason = _groups(reasons)
    return LossAnalysis(
        since=since,
        until=until,
        lost=lost,
        by_reason=by_reason[:limit],
        other_reasons=sum(g.lost for g in by_reason[limit:]),
        by_stage=_groups(stages),
        by_competitor=_groups(competitors),
        price_gaps=[
            PriceGap(
                competitor=name,
                lost=competitors[name],
                priced=len(found),
                average_gap=mean(found),
            )
            for name, found in sorted(gaps.items(), key=lambda i: (-competitors[i[0]], i[0]))
        ],
    )
