"""The conformance review kept up to date with the log, for monitoring (the dashboard).

``time_limit_breaches`` replays the whole log on every call.  A ``TrackedReview``
keeps one review, folded up to the last position it read, and on each call folds only
what was logged since; the time limits are then judged as at the moment asked.  The
answer is the same as a full replay's (tests/test_conformance_tracked.py).  A moment
before the newest event it holds is answered by a full replay as at that moment, as
events after it are not yet history there. Without a moment (``None``), the answer is
as at now with everything recorded so far: an event another host stamped a moment
ahead of this one's clock is history once recorded, and never costs a full replay.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from datetime import UTC, datetime

from salesdomain.projections.conformance.api import (
    as_at_or_now,
    read_log,
    time_limit_breaches,
    time_limits_missed,
)
from salesdomain.projections.conformance.findings import Breach
from salesdomain.projections.conformance.policies import PolicyBook
from salesdomain.projections.conformance.review import Review, finish, fold

from salesdomain.application import SalesApplication
from salesdomain.policy import SalesPolicy

FOREVER = datetime.max.replace(tzinfo=UTC)


class TrackedReview:
    def __init__(
        self,
        app: SalesApplication,
        policy: SalesPolicy,
        *,
        earlier_policies: Iterable[SalesPolicy] = (),
    ) -> None:
        self._app = app
        self._policy = policy
        self._earlier = tuple(earlier_policies)
        self._review = Review(PolicyBook(policy, self._earlier), FOREVER)
        self._after = 0  # the last log position folded (command records included)
        self._newest: datetime | None = None  # the newest event's time folded
        self._lock = threading.Lock()

    @property
    def position(self) -> int:
        return self._after

    def time_limit_breaches(self, as_at: datetime | None = None) -> list[Breach]:
        """As ``conformance.time_limit_breaches(app, policy, as_at)``; ``None``: as at
        now, every recorded event counted."""
        moment = as_at_or_now(as_at)
        with self._lock:
            self._catch_up()
            if as_at is not None and self._newest is not None and moment < self._newest:
                return time_limit_breaches(
                    self._app, self._policy, moment, earlier_policies=self._earlier
                )
            judged = dataclasses.replace(self._review, as_at=moment)  # read, not changed
            return time_limits_missed(finish(judged))

    def _catch_up(self) -> None:
        for position, event in read_log(self._app, after=self._after):
            fold(self._review, (position, event))
            self._after = position
            if event is not None and (self._newest is None or event.timestamp > self._newest):
                self._newest = event.timestamp
