"""The pipeline (SOP 4.2): every opportunity with its stage, amount and history.

Tables: ``opportunities`` (the current row per opportunity), ``stages`` (one row per
stage entered, for time in stage, the funnel and the past) and ``amounts`` (one row
per change of amount, for the pipeline as it stood at any past time).

Reads: ``pipeline_page`` (a page and the cursor of the next), ``iter_pipeline`` (every
row, a page at a time), ``pipeline_figures`` (the figures, by ``GROUP BY``), ``pipeline_board`` (the
board's columns and their first cards), ``pipeline_owners`` (whose deals they are); the pure
functions of rows (``funnel``, ``win_rate``, ``forecast_by_month``, ``figures_of``,
``pipeline_summary``) give the same figures from rows in hand.
"""

from salesdomain.projections.paging import DEFAULT_LIMIT, MAX_LIMIT
from salesdomain.projections.pipeline.board import (
    CARDS_PER_STAGE,
    BoardColumn,
    pipeline_board,
    pipeline_owners,
)
from salesdomain.projections.pipeline.cursor import InvalidCursor
from salesdomain.projections.pipeline.figures import (
    PipelineFigures,
    StageOwnerValue,
    figures_of,
    pipeline_figures,
)
from salesdomain.projections.pipeline.funnel import FUNNEL, FunnelStep, funnel
from salesdomain.projections.pipeline.projection import Pipeline
from salesdomain.projections.pipeline.queries import (
    PipelineFilter,
    PipelinePage,
    PipelineRow,
    forecast_by_month,
    iter_pipeline,
    pipeline_as_of,
    pipeline_page,
    win_rate,
)
from salesdomain.projections.pipeline.summary import FunnelLine, PipelineSummary, pipeline_summary

__all__ = [
    "CARDS_PER_STAGE",
    "DEFAULT_LIMIT",
    "FUNNEL",
    "MAX_LIMIT",
    "BoardColumn",
    "FunnelLine",
    "FunnelStep",
    "InvalidCursor",
    "Pipeline",
    "PipelineFigures",
    "PipelineFilter",
    "PipelinePage",
    "PipelineRow",
    "PipelineSummary",
    "StageOwnerValue",
    "figures_of",
    "forecast_by_month",
    "funnel",
    "iter_pipeline",
    "pipeline_as_of",
    "pipeline_board",
    "pipeline_figures",
    "pipeline_owners",
    "pipeline_page",
    "pipeline_summary",
    "win_rate",
]
