"""Running projections: see ``projections.runner.positions``."""

from projections.runner.positions import (
    REBUILD_PAGE_SIZE,
    STATE,
    EventLog,
    ProjectionRunner,
    ProjectionStatus,
    ProjectionStopped,
    projection_state,
)

__all__ = [
    "REBUILD_PAGE_SIZE",
    "STATE",
    "EventLog",
    "ProjectionRunner",
    "ProjectionStatus",
    "ProjectionStopped",
    "projection_state",
]
