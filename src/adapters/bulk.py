"""Many commands, few writes: for generating large logs (``salesdomain demo --scale``).

``BulkWriter.handle`` runs a command exactly as the application decides it - the role
check of its SOP step, its handler, the aggregates' rules, the named policies - but
keeps the recorded events and saves them, many commands at a time, in one write.
What it leaves out, to be fast: command records (no idempotency for these commands),
the check that the actor is an enrolled employee (the caller acts as staff enrolled
through the application), and retries (it must be the only writer while it runs).

A case's commands span many writes: an aggregate this writer does not hold is read
from the store itself (``store_reader``), never from the application's aggregate cache,
which saving bare events does not update; after each write the application's cache is
given the aggregates as written, so that it never serves a state older than the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.application import SalesApplication
from salesdomain.commands import Command
from salesdomain.errors import NotAuthorised
from salesdomain.handling import HANDLERS, UnitOfWork
from salesdomain.people.values import Period
from salesdomain.performance.values import Indicator
from salesdomain.sop import recordable_step
from salesdomain.values import Actor


class BulkWriter:
    def __init__(self, app: SalesApplication, batch_events: int = 5_000) -> None:
        self.app = app
        self.batch_events = batch_events
        self.saved_events = 0
        self.commands = 0
        self._live: dict[UUID, SopAggregate] = {}
        self._pending: list[Any] = []

    def get(self, aggregate_id: UUID) -> Any:
        """The aggregate as this writer has it, else from the store."""
        found = self._live.get(aggregate_id)
        if found is None:
            found = self.app.store_reader.get(aggregate_id)  # AggregateNotFoundError if none
            if isinstance(found, SopAggregate):
                self._live[aggregate_id] = found
        return found

    def exists(self, aggregate_id: UUID) -> bool:
        try:
            self.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def peek(self, aggregate_id: UUID) -> Any:
        """An aggregate as this writer has it now (to read, never to change)."""
        return self.get(aggregate_id)

    def handle(self, command: Command, actor: Actor, *, correlation_id: UUID | None = None) -> None:
        step = recordable_step(command.SOP_STEP)
        if actor.role not in step.roles:
            raise NotAuthorised(
                step.code, str(actor), f"acts as {actor.role.label}, a role this step is not for"
            )
        evidence = Evidence(actor, command.command_id, type(command).__name__, correlation_id)
        checks = self.app.kpi_figures is not None
        uow = UnitOfWork(self, evidence, self.app.policy, kpi_figures=self if checks else None)
        HANDLERS[type(command)](command, uow)
        uow.run_reactions()
        for aggregate in uow.changed:
            self._pending.extend(aggregate.collect_events())
            self._live[aggregate.id] = aggregate
        self.commands += 1
        if len(self._pending) >= self.batch_events:
            self.flush()

    def figures(
        self, employee_id: UUID, period: Period, indicators: Iterable[Indicator]
    ) -> Mapping[Indicator, Decimal | None]:
        """The application's KPI view figures (``KpiFigures``), with what this writer
        holds saved first so that the view counts it."""
        assert self.app.kpi_figures is not None
        self.flush()
        return self.app.kpi_figures.figures(employee_id, period, indicators)

    def flush(self) -> None:
        if self._pending:
            self.app.save(*self._pending)
            self.saved_events += len(self._pending)
            self._pending = []
        cache = self.app.repository.cache
        if cache is not None:
            for aggregate_id, aggregate in self._live.items():
                cache.put(aggregate_id, aggregate)
        self._live.clear()  # everything is stored now: later loads read the store
