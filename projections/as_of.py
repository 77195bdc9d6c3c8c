"""Every view as it stood at a past moment, rebuilt aside; the live views are untouched.

``views_as_of(source, at)`` replays the log, in one pass, into a scratch database (an
in-memory SQLite unless an engine is given) with the same projections as the live
views, and stops at the first event stamped later than ``at``.  The result is a
``ReadModels``, so the query functions the live views use (``pipeline_as_of``,
``kpi_table``, ``query_audit``, ``open_tasks``, ...) take its ``engine`` and
``runner(name).tables()`` unchanged.

Where the log is cut: notification ids are ordered, event timestamps are in each
event's stored state (the audit view reads them from ``event.timestamp``).  The cut is
found during the replay itself: every event up to the cut must be decoded to be
replayed anyway, so a separate search would only add reads.  A binary search over
positions would also assume timestamps never decrease along the log, which concurrent
writers do not guarantee (a timestamp is taken when a command is decided, the position
when it commits); stopping at the first later event gives the log exactly as a
follower could have read it at ``at``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from salesdomain.projections.collection import collected_once_a_page
from salesdomain.projections.log import ApplicationLog
from salesdomain.projections.projection import Projection
from salesdomain.projections.read_models import ReadModels, default_projections
from salesdomain.projections.runner import EventLog, ProjectionStopped
from salesdomain.projections.runner.checkpoints import usable_checkpoint
from salesdomain.projections.runner.restore import restore_checkpoint
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

from salesdomain.application import SalesApplication


class PastLog:
    """The log as it stood at a cut position: nothing after it is ever read."""

    def __init__(self, log: EventLog, cut: int) -> None:
        self.log = log
        self.cut = cut

    def head(self) -> int:
        return min(self.log.head(), self.cut)

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any]]:
        if after >= self.cut:
            return []
        return [(p, e) for p, e in self.log.read(after, limit) if p <= self.cut]


class ViewsAsOf(ReadModels):
    """Read models rebuilt from the log up to ``position``: the views as of ``at``."""

    def __init__(
        self,
        engine: Engine,
        log: PastLog,
        projections: Iterable[Projection],
        at: datetime | None,
        owns_engine: bool,
    ) -> None:
        super().__init__(engine, log, projections, checkpoint_every=None)
        self.at = at
        self._owns_engine = owns_engine

    @property
    def position(self) -> int:
        """The last log position these views include."""
        assert isinstance(self.log, PastLog)
        return self.log.cut

    def close(self) -> None:
        """Let go of the scratch database (an engine given by the caller stays open)."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> ViewsAsOf:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def scratch_engine() -> Engine:
    """A private in-memory SQLite database (gone when its engine is disposed)."""
    return create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )


def views_as_of(
    source: SalesApplication | ReadModels | EventLog,
    at: datetime | None = None,
    *,
    position: int | None = None,
    engine: Engine | None = None,
    page_size: int = 1000,
    only: Iterable[str] | None = None,
) -> ViewsAsOf:
    """Every view (or those named in ``only``) as of ``at`` (events stamped at or
    before it), or as of a log ``position``, or both (whichever cut comes first).

    ``source`` is the application, the live ``ReadModels`` (their projections are
    used, and each view starts from its newest checkpoint that the cut does not
    precede, ADR 40) or any event log.  ``engine`` is where the past views are built
    (default: a private in-memory SQLite); it must not hold live views.  Close the
    result."""
    if at is None and position is None:
        raise ValueError("say as of when: a time (at=) or a log position (position=)")
    if at is not None and at.tzinfo is None:
        raise ValueError(f"as-of time {at.isoformat()} needs a time zone (e.g. +00:00)")
    log, projections = _log_and_projections(source, only)
    past = PastLog(log, 0)
    views = ViewsAsOf(engine or scratch_engine(), past, projections, at, engine is None)
    runners = list(views.runners.values())
    if any(runner.position() for runner in runners):
        views.close()
        raise ValueError("views as of a moment are built in an empty database, not beside views")
    generations = {runner.projection.name: runner.active_generation() for runner in runners}
    limit = log.head() if position is None else position
    starts = _from_checkpoints(source, views, limit, at) if isinstance(source, ReadModels) else {}
    reached = min((starts.get(r.projection.name, 0) for r in runners), default=0)
    past.cut = reached

    def replay_page(reached: int) -> tuple[int, bool]:
        """Give the page after ``reached`` (up to the cut) to every view replaying;
        where the replay now stands, and whether the log may go on past it."""
        page = log.read(reached, page_size)
        kept = _until(page, at, limit)
        if kept:
            past.cut = kept[-1][0]
            for runner in list(runners):
                name = runner.projection.name
                start = starts.get(name, 0)
                rest = [entry for entry in kept if entry[0] > start]
                try:
                    if rest:
                        runner.process(rest, start, generations[name])
                        starts[name] = rest[-1][0]
                except ProjectionStopped as stopped:
                    views.stopped[name] = stopped
                    runners.remove(runner)
            reached = kept[-1][0]
        return reached, bool(page) and len(kept) == len(page)

    with collected_once_a_page() as after_page:
        while reached < limit:
            reached, more = replay_page(reached)
            if not more:
                break
            after_page()  # the page is no longer held: only its garbage is left
    return views


def _from_checkpoints(
    live: ReadModels, views: ViewsAsOf, limit: int, at: datetime | None
) -> dict[str, int]:
    """Fill each view of ``views`` from the newest usable checkpoint of its live
    counterpart (``runner.checkpoints``); answer where each view now stands."""
    starts = {}
    for name, runner in views.runners.items():
        source = live.runner(name)
        generation = source.active_generation()
        start = usable_checkpoint(source, generation, limit, at)
        if start:
            restore_checkpoint(source, generation, start, runner)
            starts[name] = start
    return starts


def _until(
    page: Sequence[tuple[int, Any]], at: datetime | None, limit: int
) -> list[tuple[int, Any]]:
    """The part of a page up to ``limit`` that precedes the first event after ``at``."""
    kept = []
    for entry in page:
        position, event = entry
        if position > limit:
            break
        if at is not None and event is not None and event.timestamp > at:
            break
        kept.append(entry)
    return kept


def _log_and_projections(
    source: SalesApplication | ReadModels | EventLog, only: Iterable[str] | None
) -> tuple[EventLog, list[Projection]]:
    log: EventLog
    if isinstance(source, SalesApplication):
        log, projections = ApplicationLog(source), default_projections(source.policy)
    elif isinstance(source, ReadModels):
        log, projections = source.log, [runner.projection for runner in source.runners.values()]
    else:
        log, projections = source, default_projections()
    if only is None:
        return log, projections
    names = list(only)
    unknown = sorted(set(names) - {p.name for p in projections})
    if unknown:
        known = ", ".join(p.name for p in projections)
        raise ValueError(f"no view is called {', '.join(unknown)} (views: {known})")
    return log, [p for p in projections if p.name in names]
