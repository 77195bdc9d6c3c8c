"""The pipeline board (issue 20): one column per stage in the SOP's order, each with its
count and total value per currency (currencies are never added together), and for an
open stage its first cards, stale first, then by value.

Both are read in the database under the read policy and the filters: the totals are the
pipeline's figures (``pipeline_figures``, one ``GROUP BY``), the cards of every open
stage one bounded statement (a window numbering each stage's deals); no read goes
through every opportunity in Python.  A card is stale as the pipeline defines it when
read (ADR 47): open and past its expected close, or without a contact for the
policy's ``stale_after_days``."""

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
    as_of_select,
    open_now,
    pipeline_row,
    stage_histories,
)
from sqlalchemy import Float, Table, cast, func, select
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
    open_stages = [stage for stage in Stage if stage.is_open and counts[stage]]
    cards = open_cards(
        engine,
        tables,
        probabilities,
        at,
        chosen,
        reader,
        open_stages,
        cards_per_stage,
        stale_after_days,
    )
    return [
        BoardColumn(stage, counts[stage], dict(sorted(totals[stage].items())), cards[stage])
        for stage in Stage
    ]


def open_cards(
    engine: Engine,
    tables: Mapping[str, Table],
    probabilities: Mapping[Stage, Decimal],
    at: datetime,
    filters: PipelineFilter,
    reader: Reader | None,
    stages: list[Stage],
    limit: int,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> dict[Stage, list[PipelineRow]]:
    """For each of ``stages``, at most ``limit`` deals passing ``filters`` (its ``stage``
    ignored): stale first, then the largest amount (compared as numbers; SQLite keeps
    them as text), then by id.  One statement for every stage (a window numbering each
    stage's deals), not one pass over the opportunities per stage."""
    found: dict[Stage, list[PipelineRow]] = defaultdict(list)
    if not stages:
        return found
    with engine.connect() as conn:
        chosen = open_now(
            conn, tables, at, as_of_select(
                tables, at, filters=replace(filters, stage=None), reader=reader,
                stale_after_days=stale_after_days,
            ),
        ).subquery("chosen")  # fmt: skip
        c = chosen.c
        place = func.row_number().over(
            partition_by=c.stage,
            order_by=(c.stale.desc(), cast(c.amount, Float).desc(), c.opportunity_id),
        )
        ranked = (
            select(chosen, place.label("place"))
            .where(c.stage.in_([stage.value for stage in stages]))
            .subquery("ranked")
        )
        picked = (
            select(*(ranked.c[column.name] for column in c))
            .where(ranked.c.place <= limit)
            .order_by(ranked.c.stage, ranked.c.place)
        )
        rows = conn.execute(picked).all()
        history = stage_histories(conn, tables["stages"], at, [row.opportunity_id for row in rows])
    for row in rows:
        found[Stage(row.stage)].append(
            pipeline_row(row, history[row.opportunity_id], probabilities, at)
        )
    return found


def pipeline_owners(
    engine: Engine,
    tables: Mapping[str, Table],
    at: datetime,
    *,
    filters: PipelineFilter = ANY,
    reader: Reader | None = None,
) -> list[tuple[str, str]]:
    """The owners (id, name) of the deals opened by ``at`` that pass ``filters`` and the
    read policy, by name: those ``pipeline_figures`` groups its values by, read with
    one ``DISTINCT`` (no figure computed)."""
    chosen = as_of_select(
        tables, at, filters=filters, reader=reader, facts=("owner_id", "owner_name")
    ).subquery("chosen")
    with engine.connect() as conn:
        found = conn.execute(select(chosen.c.owner_id, chosen.c.owner_name).distinct()).all()
    return sorted(((row.owner_id, row.owner_name) for row in found), key=lambda o: o[1])
