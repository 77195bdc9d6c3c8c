"""``ProjectionRunner``: one projection's tables kept up to date, put together from its
concerns (generations, positions, following, rebuild, status)."""

from __future__ import annotations

from salesdomain.projections.runner.rebuild import _Rebuild
from salesdomain.projections.runner.status import _Status


class ProjectionRunner(_Rebuild, _Status):
    """Keeps one projection's tables up to date with the event log."""
