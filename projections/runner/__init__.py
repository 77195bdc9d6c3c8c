"""Running projections: catch-up, following, rebuild and status, on SQLite and PostgreSQL.

Guarantees:
* each batch's rows and the projection's new position are committed in one
  transaction, so a crash never counts an event twice nor skips one;
* the position is advanced by compare-and-set, so several runners of the same
  projection never apply an event twice (the loser of a race rolls back);
* an event the projection cannot apply (its function raises, or the database refuses
  its rows: too long, too large, a NUL byte) stops that projection alone at that
  event, with a report (projection, position, event, error) stored in its status
  row; a database that cannot be reached stops nothing, its error is raised;
* a rebuild fills a new generation of tables from position zero while the current
  generation keeps serving, then switches in one transaction and drops the old one;
  one rebuild of a view runs at a time per store (``RebuildInProgress``), and what a killed
  rebuild left behind is dropped by ``discard_unfinished``.
"""

from salesdomain.projections.runner.faults import is_unavailable, stops_the_view
from salesdomain.projections.runner.generations import EventLog
from salesdomain.projections.runner.lock import RebuildInProgress, rebuild_lock
from salesdomain.projections.runner.rebuild import REBUILD_PAGE_SIZE
from salesdomain.projections.runner.runner import ProjectionRunner
from salesdomain.projections.runner.state import STATE, projection_state
from salesdomain.projections.runner.status import ProjectionStatus, Standing
from salesdomain.projections.runner.stopped import ProjectionStopped

__all__ = [
    "REBUILD_PAGE_SIZE",
    "STATE",
    "EventLog",
    "ProjectionRunner",
    "ProjectionStatus",
    "ProjectionStopped",
    "RebuildInProgress",
    "Standing",
    "is_unavailable",
    "projection_state",
    "rebuild_lock",
    "stops_the_view",
]
