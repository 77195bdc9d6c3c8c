"""Rebuilding the views in several processes, one per core (ADR 75).

``ReadModels.rebuild`` reads and decodes each page of the log once and gives it to
every view in turn, so the views' own work runs on one core.  Shared among processes,
each process reads the log itself and rebuilds its share of the views, holding the
rebuild locks of its own views only (ADR 75): this process one share, a process of its
own each other share, started afresh (``spawn``) from ``open_system``, a function that
opens the same system again.  It must be picklable (a module's function, or a
``functools.partial`` of one, such as ``partial(build_system, url)``), and the store must
be one another process can open: a SQLite file or PostgreSQL.  A store in memory, or a
single share, is rebuilt in this process alone.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from salesdomain.adapters.bootstrap import System
from salesdomain.projections.projection import Projection
from salesdomain.projections.runner import (
    REBUILD_PAGE_SIZE,
    ProjectionStopped,
    projection_state,
    rebuild_lock,
)
from salesdomain.projections.runner.lock import in_memory as engine_in_memory
from sqlalchemy import select

MOST_PROCESSES = 2
"""Processes a rebuild uses by default, at most (and no more than the cores it may run
on): measured on two cores (ADR 75)."""

MOST_PROCESSES_ASKED = 16
"""Processes a rebuild may be asked to use, at most (a share holds one view at least)."""

SHARED_FROM = 50_000
"""Log positions from which a rebuild uses several processes by default: starting one
and opening the system in it costs about 2 s (the demo's 540 positions: 0.3 s in one
process, 2.2 s in two), which a rebuild gains back from about this length."""

POLL_SECONDS = 0.5
"""How often the progress of the other processes is read from the views' status rows."""

Stop = tuple[int, str, str]
"""Where a view stopped in another process: position, event type, reason."""

ShareRebuilt = tuple[dict[str, int], dict[str, Stop]]
"""What another process did: its views' new generations, and the stops."""


def default_processes() -> int:
    """One process per core this process may run on, at most ``MOST_PROCESSES``."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux; elsewhere every core
    cores = len(affinity(0)) if affinity is not None else os.cpu_count() or 1
    return max(1, min(MOST_PROCESSES, cores))


def share(projections: Iterable[Projection], processes: int) -> list[list[str]]:
    """The views' names in at most ``processes`` shares of about equal
    ``rebuild_weight``: the heaviest first, each to the lightest share so far."""
    if not 1 <= processes <= MOST_PROCESSES_ASKED:
        raise ValueError(f"processes: {processes}; say 1 to {MOST_PROCESSES_ASKED}")
    shares: list[tuple[int, list[str]]] = [(0, []) for _ in range(processes)]
    for projection in sorted(projections, key=lambda p: (-p.rebuild_weight, p.name)):
        lightest = min(range(processes), key=lambda index: shares[index][0])
        weight, names = shares[lightest]
        shares[lightest] = (weight + projection.rebuild_weight, [*names, projection.name])
    return [names for _, names in shares if names]


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild did: each view's new generation (a view that stopped is not in
    it: it keeps the one it served, and is in ``ReadModels.stopped``), and the views
    each process rebuilt (this one's first)."""

    generations: dict[str, int]
    shares: list[list[str]]


def rebuild_in_processes(
    system: System,
    open_system: Callable[[], System] | None,
    names: Sequence[str] | None = None,
    *,
    processes: int | None = None,
    page_size: int = REBUILD_PAGE_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> Rebuilt:
    """Rebuild the views ``names`` (default: all) of ``system`` in ``processes`` processes
    (default: ``default_processes()``; one for a log shorter than ``SHARED_FROM``),
    ``open_system`` opening the system in each other process (``None``: one process).
    ``progress`` is told the position the slowest process reached and the head.  The
    stops of the views that stopped on an event are in ``system.views.stopped``, as
    after ``ReadModels.rebuild``.

    Raises ``RebuildInProgress``, before any process starts, if another rebuild of one
    of these views runs on the store."""
    views = system.views
    chosen = list(views.runners) if names is None else list(names)
    unknown = [name for name in chosen if name not in views.runners]
    if unknown:
        raise ValueError(
            f"no view is called {', '.join(unknown)} (views: {', '.join(views.runners)})"
        )
    if processes is None:
        wanted = default_processes() if views.log.head() >= SHARED_FROM else 1
    else:
        wanted = processes
    shares = share([views.runners[name].projection for name in chosen], wanted)
    if open_system is None or in_memory(system) or len(shares) == 1:  # this process alone
        return Rebuilt(views.rebuild(chosen, page_size, progress), [chosen])
    with rebuild_lock(views.engine, chosen):
        pass  # refused here, before any process starts, if one of them is being rebuilt
    own, *others = shares
    serving = {name: views.runners[name].active_generation() for names in others for name in names}
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(others), mp_context=spawn) as pool:
        running = {
            pool.submit(_rebuild_share, open_system, share_, page_size): share_ for share_ in others
        }

        def told(position: int, head: int) -> None:
            if progress is not None:
                progress(min(position, _slowest(system, running, serving, head)), head)

        generations = views.rebuild(own, page_size, told)
        while True:  # the others' progress until they are done (the last: the head)
            done, pending = wait(running, POLL_SECONDS, FIRST_EXCEPTION)
            if any(future.exception() for future in done):
                break
            if progress is not None:
                head = views.log.head()
                progress(_slowest(system, running, serving, head), head)
            if not pending:
                break
        for future in running:
            rebuilt, stops = future.result()  # raises what the process raised
            generations.update(rebuilt)
            for name in running[future]:
                views.stopped.pop(name, None)
            for name, (position, event, reason) in stops.items():
                views.stopped[name] = ProjectionStopped(name, position, event, reason)
    return Rebuilt({name: generations[name] for name in chosen if name in generations}, shares)


def in_memory(system: System) -> bool:
    """Whether the events or the views live in memory, where no other process can
    reach them."""
    return engine_in_memory(system.store) or engine_in_memory(system.views.engine)


def _rebuild_share(
    open_system: Callable[[], System], names: list[str], page_size: int
) -> ShareRebuilt:
    """In a process of its own: rebuild the views ``names``; their new generations, and
    where those that stopped stopped."""
    system = open_system()
    try:
        generations = system.views.rebuild(names, page_size)
        stops = {
            name: (stopped.position, stopped.event, stopped.reason)
            for name, stopped in system.views.stopped.items()
            if name in names
        }
        return generations, stops
    finally:
        system.close()


def _slowest(
    system: System,
    running: dict[Future[ShareRebuilt], list[str]],
    serving: dict[str, int],
    head: int,
) -> int:
    """The position of the slowest view the other processes are rebuilding, read from
    the status row of its newest generation: one past the generation ``serving`` when
    they started (it may be switched to already, while its process finishes the
    others), or none yet (not started: 0); a process done: ``head``."""
    building = [name for future, names in running.items() if not future.done() for name in names]
    if not building:
        return head
    c = projection_state.c
    reached = dict.fromkeys(building, 0)
    with system.views.engine.connect() as conn:
        rows = conn.execute(
            select(c.name, c.generation, c.position)
            .where(c.name.in_(building))
            .order_by(c.generation)
        )
        for name, generation, position in rows:
            if generation > serving[name]:
                reached[name] = int(position)
    return min(reached.values())
