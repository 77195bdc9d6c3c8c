"""The pipeline (SOP 4.2): every opportunity with its stage, amount and history.

Tables: ``opportunities`` (the current row per opportunity), ``stages`` (one row per
stage entered, for time in stage, the funnel and the past) and ``amounts`` (one row
per change of amount, for the pipeline as it stood at any past time).
"""

from salesdomain.projections.pipeline.funnel import FUNNEL, FunnelStep, funnel
from salesdomain.projections.pipeline.projection import Pipeline
from salesdomain.projections.pipeline.queries import (
    PipelineRow,
    forecast_by_month,
    pipeline_as_of,
    win_rate,
)
from salesdomain.projections.pipeline.summary import FunnelLine, PipelineSummary, pipeline_summary

__all__ = [
    "FUNNEL",
    "FunnelLine",
    "FunnelStep",
    "Pipeline",
    "PipelineRow",
    "PipelineSummary",
    "forecast_by_month",
    "funnel",
    "pipeline_as_of",
    "pipeline_summary",
    "win_rate",
]
