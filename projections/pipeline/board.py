"""The pipeline board (issue 20): one column per stage in the SOP's order, each with its
count and total value per currency (currencies are never added together), and for an
open stage its first cards, stale first, then by value.

Both are read in the database under the read policy and the filters: the totals are the
pipeline's figures (``pipeline_figures``, one ``GROUP BY``), the cards of a stage one
bounded query (``LIMIT``) each; no read goes through every opportunity in Python.  A
card is stale as the pipeline defines it when read (ADR 47): open and past its expected
close, or without a contact for the policy's ``stale_after_days``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from salesdomain.projections.pipeline.figures import pipeline_figures
from salesdomain.projections.pipeline.queries import (
    ANY,
    PipelineFilter,
    PipelineRow,
    _histories,
    _row,
    as_of_select,
)
from sqlalchemy import Float, Table, cast
from sqlalchemy.engine import Engine

from salesdomain.access import Reader
from salesdomain.opportunities.stages import Stage
from salesdomain.policy import STALE_AFTER_DAYS

CARDS_PER_STAGE = 50
"""The cards a column shows at most (the rest are one link away, in the list)."""


@dataclass(frozen=True)
class BoardColumn:
    """One stage of the board."""

    stage: Stage
    """The stage, in the SOP's order."""
    count: int = 0
    """The deals in the stage (all of them, not only the cards shown)."""
    totals: dict[str, Decimal] = field(default_factory=dict)
    """Their value, one total per currency (never added across currencies)."""
    cards: list[PipelineRow] = field(default_factory=list)
    """Open stages only: at most ``cards_per_stage`` deals, stale first, then by value
    (largest first, as the amount reads, whatever its currency)."""


def pipeline_board(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    *,
    filters: PipelineFilter = ANY,
    reader: Reader | None = None,
    cards_per_stage: int = CARDS_PER_STAGE,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> list[BoardColumn]:
    """The board as it stands at ``at``: every stage (open ones first, in the SOP's
    order, then won and lost), with the deals that pass ``filters`` (its ``stage`` is
    ignored) and the read policy (``reader``)."""
    chosen = replace(filters, stage=None)
    figures = pipeline_figures(
        engine,
        tables,
        probabilities,
        at,
        filters=chosen,
        reader=reader,
        stale_after_days=stale_after_days,
    )
    counts: dict[Stage, int] = defaultdict(int)
    totals: dict[Stage, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for value in figures.value_by_stage_and_owner:
        counts[value.stage] += value.count
        totals[value.stage][value.currency] += value.amount
    columns = []
    for stage in Stage:
        cards = (
            stage_cards(
                engine,
                tables,
                probabilities,
                at,
                replace(chosen, stage=stage),
                reader,
                cards_per_stage,
                stale_after_days,
            )
            if stage.is_open and counts[stage]
            else []
        )
        columns.append(
            BoardColumn(stage, counts[stage], dict(sorted(totals[stage].items())), cards)
        )
    return columns


def stage_cards(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    filters: PipelineFilter,
    reader: Reader | None,
    limit: int,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> list[PipelineRow]:
    """At most ``limit`` deals passing ``filters``: stale first, then the largest amount
    (compared as numbers; SQLite keeps them as text), then by id."""
    chosen = as_of_select(
        tables, at, filters=filters, reader=reader, stale_after_days=stale_after_days
    )
    picked = chosen.selected_columns
    ordered = chosen.order_by(
        picked.stale.desc(), cast(picked.amount, Float).desc(), picked.opportunity_id
    ).limit(limit)
    with engine.connect() as conn:
        found = conn.execute(ordered).all()
        history = _histories(conn, tables["stages"], at, [row.opportunity_id for row in found])
    return [_row(row, history[row.opportunity_id], probabilities, at) for row in found]
