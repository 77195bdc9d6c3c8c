"""The pipeline (SOP 4.2): see ``projections.pipeline.projection``."""

from projections.pipeline.projection import (
    FUNNEL,
    FunnelStep,
    Pipeline,
    PipelineRow,
    forecast_by_month,
    funnel,
    pipeline_as_of,
    win_rate,
)

__all__ = [
    "FUNNEL",
    "FunnelStep",
    "Pipeline",
    "PipelineRow",
    "forecast_by_month",
    "funnel",
    "pipeline_as_of",
    "win_rate",
]
