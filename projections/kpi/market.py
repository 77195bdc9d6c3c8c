"""Market share (SOP 2.1.1, 4.2.1): our revenue against the size of the market segment
market research recorded for a period (``MarketResearch.MarketSizeRecorded``).

The KPI view keeps each market size recorded (``market_sizes``) with the research note
it came from (``research_notes``, both kept by ``research``); ``market_share`` reads,
for each region, industry or product segment and period sized within a span, the
latest size recorded and our
revenue in that period and segment from the same sums as ``kpi_table`` (``_tallies``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from salesdomain.projections.kpi.figures import _ratio, _Tally
from salesdomain.projections.kpi.grouped import _tallies
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.people.values import Period

MarketBy = Literal["region", "industry", "product"]


@dataclass(frozen=True)
class MarketShare:
    """Our revenue in a market segment in a period against the market's size there, as
    the research note ``note_id`` (on ``note_subject``) recorded it on ``recorded_at``."""

    period: str
    """The period of the market size."""
    period_start: date
    """First day of the period."""
    period_end: date
    """Last day of the period."""
    dimension: str
    """How the market is cut: by region, industry or product."""
    segment: str
    """The region, industry or product the market size is for."""
    currency: str
    """The currency of revenue and market size."""
    revenue: Decimal
    """Our revenue in the segment and period."""
    market_size: Decimal
    """The market size recorded from market research (2.1.1)."""
    market_share: Decimal | None
    """Our revenue divided by the market size (4.2.1)."""
    note_id: str
    """The market research note the size comes from (2.1.1)."""
    note_subject: str
    """The subject of that market research note."""
    recorded_at: datetime
    """When the market size was recorded."""


def market_share(
    engine: Engine,
    tables: Mapping[str, Table],
    *,
    by: MarketBy,
    since: date,
    until: date,
    reader: Reader | None = None,
) -> list[MarketShare]:
    """The market share of every segment of ``by`` (region, industry or product) sized
    for a period (a year, quarter or month) that overlaps ``since``..``until``: our
    revenue in that whole period and segment, in the size's currency (revenue in other
    currencies left out), / the market's size, from the latest size recorded for the
    segment and period.  ``reader``: the revenue of the representatives their reach
    covers (``None``: everyone's).  Ordered by period start, period, segment."""
    if by not in ("region", "industry", "product"):
        raise ValueError(f"unknown market dimension {by!r}: region, industry or product")
    m, n = tables["market_sizes"], tables["research_notes"]
    with engine.connect() as conn:
        recorded = conn.execute(
            select(m, n.c.subject)
            .select_from(m.outerjoin(n, n.c.note_id == m.c.note_id))
            .where(m.c.dimension == by)
            .order_by(m.c.position)
        ).all()
    latest = {}
    for row in recorded:
        period = Period.parse(row.period)
        if period.end >= since and period.start <= until:
            latest[(period.code, row.segment.casefold())] = (period, row)
    people = None if reader is None else reader.sales
    found: dict[str, dict[str | None, _Tally]] = {}
    shares = []
    for period, row in latest.values():
        if period.code not in found:
            tallies = _tallies(
                engine, tables, [period.start], period.end, by=(by,), by_day=False, people=people
            ).tallies
            found[period.code] = {
                (group[0] or "").casefold(): tally for (_, group), tally in tallies.items()
            }
        tally = found[period.code].get(row.segment.casefold(), _Tally())
        revenue = tally.figures((by,), row.currency)["revenue"] or Decimal("0.00")
        size = Decimal(row.size)
        shares.append(
            MarketShare(
                period=period.code,
                period_start=period.start,
                period_end=period.end,
                dimension=by,
                segment=row.segment,
                currency=row.currency,
                revenue=revenue,
                market_size=size.quantize(Decimal("0.01")),
                market_share=_ratio(revenue, size),
                note_id=row.note_id,
                note_subject=row.subject or "",
                recorded_at=row.recorded_at,
            )
        )
    return sorted(shares, key=lambda s: (s.period_start, s.period, s.segment.casefold()))
