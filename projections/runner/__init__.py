"""Running projections: catch-up, following, rebuild and status, on SQLite and PostgreSQL.

Guarantees:
* each batch's rows and the projection's new position are committed in one
  transaction, so a crash never counts an event twice nor skips one;
* the position is advanced by compare-and-set, so several runners of the same
  projection never apply an event twice (the loser of a race rolls back);
* an event the projection cannot handle stops that projection at that event, with a
  report (projection, position, event, error) stored in its status row; other
  projections go on;
* a rebuild fills a new generation of tables from position zero while the current
  generation keeps serving, then switches in one transaction and drops the old one.
"""

from projections.runner.generations import EventLog
from projections.runner.positions import ProjectionStopped
from projections.runner.rebuild import REBUILD_PAGE_SIZE
from projections.runner.runner import ProjectionRunner
from projections.runner.state import STATE, projection_state
from projections.runner.status import ProjectionStatus

__all__ = [
    "REBUILD_PAGE_SIZE",
    "STATE",
    "EventLog",
    "ProjectionRunner",
    "ProjectionStatus",
    "ProjectionStopped",
    "projection_state",
]
