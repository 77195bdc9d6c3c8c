"""``salesdomain demo --scale N``: many more business cases after the quarter, for
benchmarks.  Each case goes through the SOP's commands, handlers, rules and named
policies (``salesdomain.adapters.bulk.BulkWriter``), so its events are genuine; cases overlap in
simulated time like a sales department's work (one lane per rep's open case), and
every case is deterministic for the seed and its number.

A case: prospect registered and assessed (12% disqualified), opportunity opened,
contacts and visits (10% lost early), needs, solution, feasibility, presentation,
quote (30% lost on price), accepted; contract drafted, reviewed, approved by the levels
its amount needs, signed; the order opened by the named policy, coordinated, planned,
procured, inspected, announced, shipped and confirmed - about 45 events when won.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid5

from salesdomain.adapters.bulk import BulkWriter
from salesdomain.adapters.scale_cases import Case, Staff

from salesdomain.application import SalesApplication
from salesdomain.commands import Command
from salesdomain.values import Actor

Progress = Callable[[int, int], None]
"""Called with (events so far, events wanted)."""

__all__ = ["ScaleSummary", "Staff", "generate"]


@dataclass(frozen=True)
class ScaleSummary:
    cases: int
    won: int
    events: int
    commands: int


class _Run:
    def __init__(self, app: SalesApplication, staff: Staff, seed: int) -> None:
        self.writer = BulkWriter(app)
        self.staff = staff
        self.seed = seed
        self.ns = uuid5(UUID(int=0), f"salesdomain-demo-scale-{seed}")
        self.won = 0

    def do(self, command_class: type[Command], actor: Actor, case: UUID, **data: Any) -> None:
        command = command_class.model_validate(
            {"command_id": uuid5(self.ns, f"command {self.writer.commands}"), **data}
        )
        self.writer.handle(command, actor, correlation_id=case)

    @property
    def events(self) -> int:
        return self.writer.saved_events + len(self.writer._pending)


def generate(
    app: SalesApplication,
    staff: Staff,
    clock: Any,
    *,
    events: int,
    seed: int,
    progress: Progress | None = None,
) -> ScaleSummary:
    """Simulate cases on ``clock`` (a ``SimulatedClock``, moved forward only) until
    about ``events`` events are stored."""
    run = _Run(app, staff, seed)
    lanes = max(4, events // 300)
    waiting: list[tuple[Any, int, Iterator[timedelta]]] = []
    started = 0

    def start(at: Any) -> None:
        nonlocal started
        case = Case(run, started, random.Random(f"{seed}/{started}"))
        heapq.heappush(waiting, (at, started, case.steps()))
        started += 1

    for lane in range(lanes):
        start(clock() + timedelta(minutes=7 * lane))
    reported = 0
    while waiting:
        at, number, steps = heapq.heappop(waiting)
        if at > clock():
            clock.advance(at - clock())
        try:
            wait = next(steps)
        except StopIteration:
            if run.events < events:
                start(clock() + timedelta(minutes=random.Random(number).randint(5, 240)))
            continue
        heapq.heappush(waiting, (clock() + wait, number, steps))
        if progress is not None and run.events - reported >= 1000:
            reported = run.events
            progress(min(reported, events), events)
    run.writer.flush()
    if progress is not None:
        progress(events, events)
    return ScaleSummary(started, run.won, run.writer.saved_events, run.writer.commands)
