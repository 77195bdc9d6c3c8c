"""All read models of the system, run and queried together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from salesdomain.projections.appraisals import Appraisals
from salesdomain.projections.audit import AuditTrail
from salesdomain.projections.checkpointing import CHECKPOINT_EVERY, Checkpointer
from salesdomain.projections.collection import collected_once_a_page
from salesdomain.projections.customers import Customers
from salesdomain.projections.forecast import Forecast
from salesdomain.projections.kpi import Kpi
from salesdomain.projections.operations import Operations
from salesdomain.projections.pipeline import Pipeline
from salesdomain.projections.prices import Prices
from salesdomain.projections.projection import Projection
from salesdomain.projections.registers import Registers
from salesdomain.projections.runner import (
    REBUILD_PAGE_SIZE,
    EventLog,
    ProjectionRunner,
    ProjectionStatus,
    ProjectionStopped,
    RebuildInProgress,
    projection_state,
    rebuild_lock,
)
from salesdomain.projections.runner.rebuild import UNFINISHED
from sqlalchemy import Engine, Table, select

from salesdomain.policy import SalesPolicy


def default_projections(policy: SalesPolicy | None = None) -> list[Projection]:
    """The views every system keeps (the pipeline's totals weighted by ``policy``'s
    stage probabilities; ``None``: the default policy's)."""
    return [
        AuditTrail(),
        Pipeline(None if policy is None else policy.stage_probability),
        Kpi(),
        Operations(),
        Customers(),
        Prices(),
        Forecast(),
        Appraisals(),
        Registers(),
    ]


class ReadModels:
    """One runner per projection over the same log and database.

    ``catch_up`` runs every projection as far as it can: one that stops on an event
    it cannot apply is reported in ``stopped`` and in its status row, and the others
    go on.  ``stopped`` starts from the status rows, so a stop met by another process
    or before a restart is known from the start.  Opening the read models drops what
    a rebuild killed half-way left behind (``discard_unfinished``).

    Views kept by ``catch_up`` or ``rebuild`` take a checkpoint past every
    ``checkpoint_every``-th log position (``None``: none), where the views as of a
    past moment start (``as_of``, ADR 40).
    """

    def __init__(
        self,
        engine: Engine,
        log: EventLog,
        projections: Iterable[Projection] | None = None,
        *,
        checkpoint_every: int | None = CHECKPOINT_EVERY,
    ) -> None:
        self.engine = engine
        self.checkpoints = (
            None if checkpoint_every is None else Checkpointer.over(log, checkpoint_every)
        )
        self.log: EventLog = log if self.checkpoints is None else self.checkpoints.log
        self.runners = {
            p.name: ProjectionRunner(p, engine, self.log)
            for p in (default_projections() if projections is None else projections)
        }
        if self.checkpoints is not None:
            self.checkpoints.start(engine)
        self.discard_unfinished()
        self.stopped: dict[str, ProjectionStopped] = {}
        for name, runner in self.runners.items():
            stopped = runner.stopped_at()
            if stopped is not None:
                self.stopped[name] = stopped

    def runner(self, name: str) -> ProjectionRunner:
        return self.runners[name]

    def view(self, name: str) -> tuple[Engine, dict[str, Table]]:
        """The view ``name``'s engine and the tables of the generation serving reads."""
        runner = self.runners[name]
        return runner.engine, runner.tables()

    def catch_up(
        self,
        until: int | None = None,
        batch_size: int = 500,
        *,
        only: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Bring every view (or those named in ``only``, without touching the others)
        up to ``until`` (default: the head of the log).  After a command,
        ``catch_up(max(result.positions))`` makes the views show its effect.

        A view that stops on an event goes into ``stopped`` (and leaves it once it
        gets past that event).  An error of the database itself (it cannot be reached)
        is raised: it is no view's fault, and the caller may answer "try again"."""
        names = list(self.runners) if only is None else list(only)
        unknown = [name for name in names if name not in self.runners]
        if unknown:
            raise ValueError(
                f"no view is called {', '.join(unknown)} (views: {', '.join(self.runners)})"
            )
        reached = {}
        for name in names:
            runner = self.runners[name]
            try:
                if self.checkpoints is None:
                    reached[name] = runner.catch_up(until, batch_size)
                else:
                    reached[name] = self.checkpoints.catch_up(runner, until, batch_size)
                self.stopped.pop(name, None)
            except ProjectionStopped as stopped:
                self.stopped[name] = stopped
                reached[name] = runner.position()
        return reached

    def status(self) -> Sequence[ProjectionStatus]:
        """Every view's status, read from its status row: generation, position, lag
        and, if it stopped, the event (position and type) and the error."""
        return [runner.status() for runner in self.runners.values()]

    def outdated(self) -> list[str]:
        """The views whose serving generation older code built (a release that changed
        the view's tables or what they hold gives its projection a higher ``version``)."""
        return [status.name for status in self.status() if status.outdated]

    def upgrade(self, page_size: int = REBUILD_PAGE_SIZE) -> dict[str, int]:
        """Rebuild the outdated views (``rebuild``; the old generation serves meanwhile)
        and answer their new generations; nothing to do: an empty dict."""
        names = self.outdated()
        return self.rebuild(names, page_size) if names else {}

    def rebuild(
        self,
        names: Iterable[str] | None = None,
        page_size: int = REBUILD_PAGE_SIZE,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, int]:
        """Rebuild the named views (default: all) from position zero in one pass over
        the log: each page is read and decoded once and fed to every view.  A view that
        stops on an event keeps serving its old copy (its new one is dropped); the
        others go on.  A view rebuilt past the event it had stopped on serves again.
        ``progress`` is told the position reached and the head after each page.

        Raises ``RebuildInProgress`` at once, and rebuilds nothing, if another rebuild
        of one of these views runs on the store (of other views, it may: ADR 75)."""
        chosen = [self.runners[n] for n in (list(self.runners) if names is None else names)]
        with rebuild_lock(self.engine, [runner.projection.name for runner in chosen]):
            generations = {runner.projection.name: runner.start_rebuild() for runner in chosen}
            if self.checkpoints is not None:  # read from zero: the stamps are exact again
                self.checkpoints.log.restart((0, None))
            building = {name: (self.runners[name], g) for name, (_, g) in generations.items()}
            self._feed(building, 0, page_size, abandon=True, progress=progress)
            chosen = [runner for runner, _ in building.values()]
            rebuilt = {}
            for runner in chosen:
                name = runner.projection.name
                try:
                    rebuilt[name] = runner.finish_rebuild(*generations[name])
                    self.stopped.pop(name, None)
                except ProjectionStopped as stopped:  # on an event stored meanwhile
                    rebuilt[name] = generations[name][1]
                    self.stopped[name] = stopped
        return rebuilt

    def catch_up_in_one_pass(
        self,
        page_size: int = REBUILD_PAGE_SIZE,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Bring every view up to the log's head in one pass, for a long way to go (a
        store just generated or imported): each page is read and decoded once and given
        to every view still behind it, as ``rebuild`` does (``catch_up`` reads the log
        once per view), with the checkpoints ``catch_up`` would take.  ``progress`` is
        told the position reached and the head after each page.  Returns the head."""
        following = {
            name: (runner, runner.active_generation())
            for name, runner in self.runners.items()
            if name not in self.stopped
        }
        start = min((r.position(g) for r, g in following.values()), default=0)
        return self._feed(following, start, page_size, progress=progress)

    def _feed(
        self,
        runners: dict[str, tuple[ProjectionRunner, int]],
        position: int,
        page_size: int,
        *,
        abandon: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Read the log on from ``position`` to its head a page at a time and give each
        page to every runner (its generation) still behind it, taking checkpoints as
        ``catch_up`` does.  A runner that stops leaves ``runners`` for ``stopped`` (with
        ``abandon``, a rebuild, its new generation is dropped).  The cyclic garbage
        collector runs once a page meanwhile, not by allocation counts (ADR 78).
        Returns the head."""
        head = self.log.head()
        with collected_once_a_page() as after_page:
            while position < head and runners:
                end = self._feed_page(runners, position, page_size, abandon=abandon)
                if end is None:
                    break
                if self.checkpoints is not None and self.checkpoints.crossed(position, end):
                    for runner, generation in runners.values():
                        self.checkpoints.take(runner, generation, end)
                position = end
                after_page()  # the page is no longer held: only its garbage is left
                if progress is not None:
                    progress(position, head)
        return head

    def _feed_page(
        self,
        runners: dict[str, tuple[ProjectionRunner, int]],
        position: int,
        page_size: int,
        *,
        abandon: bool,
    ) -> int | None:
        """Read the page after ``position`` and give it to every runner still behind
        it; the page's last position (``None``: the log has nothing after it)."""
        page = self.log.read(position, page_size)
        if not page:
            return None
        for name, (runner, generation) in list(runners.items()):
            at = runner.position(generation)
            rest = [entry for entry in page if entry[0] > at]
            try:
                if rest:
                    runner.process(rest, at, generation)
            except ProjectionStopped as stopped:
                self.stopped[name] = stopped
                del runners[name]
                if abandon:
                    runner.abandon_rebuild(generation)
        return int(page[-1][0])

    def discard_unfinished(self) -> dict[str, list[int]]:
        """Drop the generations a killed rebuild left behind (half built, or replaced
        but not dropped: they may hold personal data forgotten since), unless a rebuild
        of that view is running now (it drops its own).  Returns the generations
        dropped by view."""
        with self.engine.connect() as conn:
            left = {
                row[0]
                for row in conn.execute(
                    select(projection_state.c.name).where(
                        projection_state.c.name.in_(list(self.runners)),
                        projection_state.c.status.in_(UNFINISHED),
                    )
                )
            }
        dropped = {}
        for name in sorted(left):
            try:
                with rebuild_lock(self.engine, [name], wait=0):
                    dropped[name] = self.runners[name].discard_unfinished()
            except RebuildInProgress:
                continue  # a rebuild of that view is running: its own to drop
        return dropped

    def follow(self, stop: threading.Event, poll_seconds: float = 0.5) -> None:
        """Keep every view following the log until ``stop`` is set."""
        while not stop.is_set():
            self.catch_up()
            stop.wait(poll_seconds)
