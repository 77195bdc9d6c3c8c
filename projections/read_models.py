"""All read models of the system, run and queried together."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from sqlalchemy import Engine

from projections.audit import AuditTrail
from projections.kpi import Kpi
from projections.operations import Operations
from projections.pipeline import Pipeline
from projections.projection import Projection
from projections.runner import (
    REBUILD_PAGE_SIZE,
    EventLog,
    ProjectionRunner,
    ProjectionStatus,
    ProjectionStopped,
)


def default_projections() -> list[Projection]:
    return [AuditTrail(), Pipeline(), Kpi(), Operations()]


class ReadModels:
    """One runner per projection over the same log and database.

    ``catch_up`` runs every projection as far as it can: one that stops on an event
    it cannot handle is reported in its status, and the others go on.
    """

    def __init__(
        self, engine: Engine, log: EventLog, projections: Iterable[Projection] | None = None
    ) -> None:
        self.engine = engine
        self.log = log
        self.runners = {
            p.name: ProjectionRunner(p, engine, log)
            for p in (default_projections() if projections is None else projections)
        }
        self.stopped: dict[str, ProjectionStopped] = {}

    def runner(self, name: str) -> ProjectionRunner:
        return self.runners[name]

    def catch_up(
        self,
        until: int | None = None,
        batch_size: int = 500,
        *,
        only: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Bring every view (or those named in ``only``) up to ``until`` (default: the
        head of the log).  After a command, ``catch_up(max(result.positions))`` makes
        the views show its effect."""
        reached = {}
        names = list(self.runners) if only is None else list(only)
        for name in names:
            runner = self.runners[name]
            try:
                reached[name] = runner.catch_up(until, batch_size)
                self.stopped.pop(name, None)
            except ProjectionStopped as stopped:
                self.stopped[name] = stopped
                reached[name] = runner.position()
        return reached

    def status(self) -> Sequence[ProjectionStatus]:
        return [runner.status() for runner in self.runners.values()]

    def rebuild(
        self, names: Iterable[str] | None = None, page_size: int = REBUILD_PAGE_SIZE
    ) -> dict[str, int]:
        """Rebuild the named views (default: all) from position zero in one pass over
        the log: each page is read and decoded once and fed to every view.  A view that
        stops on an event keeps serving its old copy; the others go on."""
        chosen = [self.runners[n] for n in (list(self.runners) if names is None else names)]
        generations = {runner.projection.name: runner.start_rebuild() for runner in chosen}
        position, head = 0, self.log.head()
        while position < head:
            page = self.log.read(position, page_size)
            if not page:
                break
            for runner in list(chosen):
                try:
                    runner.process(page, position, generations[runner.projection.name][1])
                except ProjectionStopped as stopped:
                    self.stopped[runner.projection.name] = stopped
                    chosen.remove(runner)
            position = page[-1][0]
        return {
            runner.projection.name: runner.finish_rebuild(*generations[runner.projection.name])
            for runner in chosen
        }

    def follow(self, stop: threading.Event, poll_seconds: float = 0.5) -> None:
        """Keep every view following the log until ``stop`` is set."""
        while not stop.is_set():
            self.catch_up()
            stop.wait(poll_seconds)
