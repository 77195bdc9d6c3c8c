"""The funnel: how many opportunities reached each stage, and the conversion between
stages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from salesdomain.projections.pipeline.queries import PipelineRow
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from salesdomain.opportunities.stages import Stage

FUNNEL = (
    Stage.CONTACT,
    Stage.NEEDS_ANALYSIS,
    Stage.SOLUTION_DESIGN,
    Stage.SOLUTION_PRESENTED,
    Stage.QUOTED,
    Stage.NEGOTIATION,
    Stage.WON,
)


@dataclass(frozen=True)
class FunnelStep:
    stage: Stage
    reached: int
    conversion_from_previous: Decimal | None


def funnel(
    rows: Sequence[PipelineRow], engine: Engine, tables: Mapping[str, Table]
) -> list[FunnelStep]:
    """How many of the given opportunities reached each stage, and the conversion
    from the previous stage."""
    ids = {row.opportunity_id for row in rows}
    stages = tables["stages"]
    with engine.connect() as conn:
        reached_rows = conn.execute(select(stages.c.opportunity_id, stages.c.stage)).all()
    reached: dict[Stage, set[str]] = defaultdict(set)
    for opportunity_id, stage in reached_rows:
        if opportunity_id in ids:
            reached[Stage(stage)].add(opportunity_id)
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
