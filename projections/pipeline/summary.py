"""The pipeline in a few lines: the funnel, the win rate and the open pipeline's
weighted amount, per currency (amounts in different currencies are never added); each
figure as docs/kpi.md defines it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from salesdomain.projections.pipeline.funnel import funnel
from salesdomain.projections.pipeline.queries import PipelineRow, win_rate


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


def pipeline_summary(rows: Sequence[PipelineRow], at: datetime) -> PipelineSummary:
    """The funnel, win rate and open weighted pipeline of ``rows``, the pipeline as it
    stood at ``at`` (``pipeline_as_of``)."""
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
    )
