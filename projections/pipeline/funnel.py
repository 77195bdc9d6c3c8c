"""The funnel: how many opportunities reached each stage, and the stage conversion (the
share of those that reached the previous stage that reached this one)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from salesdomain.projections.pipeline.queries import PipelineRow
from salesdomain.projections.pipeline.ranks import FUNNEL

from salesdomain.opportunities.stages import Stage

__all__ = ["FUNNEL", "FunnelStep", "funnel"]


@dataclass(frozen=True)
class FunnelStep:
    stage: Stage
    """The pipeline stage."""
    reached: int
    """Deals that reached this stage."""
    stage_conversion: Decimal | None
    """Reached this stage / reached the previous one (``None`` for the first stage and
    after a stage nobody reached)."""


def funnel(rows: Sequence[PipelineRow]) -> list[FunnelStep]:
    """How many of the given opportunities had reached each stage by the moment the rows
    stand at (``pipeline_as_of``), and the stage conversion from the previous stage
    (docs/kpi.md)."""
    reached: dict[Stage, set[str]] = defaultdict(set)
    for row in rows:
        for stage in _entered(row):
            reached[stage].add(row.opportunity_id)
    # Reaching a later stage implies passing the earlier ones (e.g. won straight from
    # a quote never enters negotiation).
    steps = []
    previous: int | None = None
    for index, stage in enumerate(FUNNEL):
        later = set().union(*(reached[s] for s in FUNNEL[index:]))
        count = len(later)
        conversion = (
            (Decimal(count) / Decimal(previous)).quantize(Decimal("0.0001")) if previous else None
        )
        steps.append(FunnelStep(stage, count, conversion))
        previous = count
    return steps


def _entered(row: PipelineRow) -> set[Stage]:
    """The stages an opportunity had entered by the row's moment: each open stage it
    spent time in (``time_in_stage`` has every one) and the stage it stands in."""
    return {row.stage, *row.time_in_stage}
