"""The pipeline in a few lines: the funnel, the win rate and the open pipeline's
weighted amount, per currency (amounts in different currencies are never added), and,
given the policy's currencies, that amount in the reporting currency at the rates in
force on the day the pipeline stands at (ADR 48); each figure as docs/kpi.md defines it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from salesdomain.projections.pipeline.funnel import funnel
from salesdomain.projections.pipeline.queries import PipelineRow, win_rate

from salesdomain.currencies import CurrencyPolicy, InReportingCurrency


@dataclass(frozen=True)
class FunnelLine:
    stage: str
    reached: int
    stage_conversion: Decimal | None


@dataclass(frozen=True)
class PipelineSummary:
    as_of: datetime
    funnel: list[FunnelLine]
    win_rate: Decimal | None
    """Of the opportunities closed up to ``as_of``."""
    open_count: int
    open_weighted: dict[str, Decimal]
    """The open opportunities' weighted amounts, one total per currency."""
    in_reporting_currency: InReportingCurrency | None = None
    """``open_weighted`` added up in the reporting currency, each at the rate in force on
    ``as_of``'s day (``None``: not asked for)."""


def open_weighted_in(
    currencies: CurrencyPolicy | None, open_weighted: dict[str, Decimal], at: datetime
) -> InReportingCurrency | None:
    """The open pipeline's weighted amounts in the reporting currency: a position at a
    moment, converted at the rates in force on its day (``None`` without ``currencies``)."""
    if currencies is None:
        return None
    return currencies.add_up((at.date(), code, amount) for code, amount in open_weighted.items())


def pipeline_summary(
    rows: Sequence[PipelineRow], at: datetime, currencies: CurrencyPolicy | None = None
) -> PipelineSummary:
    """The funnel, win rate and open weighted pipeline of ``rows``, the pipeline as it
    stood at ``at`` (``pipeline_as_of``); in the reporting currency too, given
    ``currencies``."""
    steps = funnel(rows)
    weighted: dict[str, Decimal] = {}
    open_count = 0
    for row in rows:
        if row.stage.is_open:
            open_count += 1
            weighted[row.currency] = weighted.get(row.currency, Decimal(0)) + row.weighted_amount
    return PipelineSummary(
        as_of=at,
        funnel=[FunnelLine(s.stage.value, s.reached, s.stage_conversion) for s in steps],
        win_rate=win_rate(rows),
        open_count=open_count,
        open_weighted=dict(sorted(weighted.items())),
        in_reporting_currency=open_weighted_in(currencies, weighted, at),
    )
