"""The seam between commands and aggregates: handlers and their unit of work.

A handler loads what it needs through the unit of work, calls the aggregate (which
checks the SOP's rules and records events) and returns.  It holds no business rule.
The application service saves everything the unit of work touched, atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from salesdomain import clock
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.commands import Command
from salesdomain.errors import RecordNotFound
from salesdomain.policy import SalesPolicy

A = TypeVar("A", bound=SopAggregate)
C = TypeVar("C", bound=Command)


class AggregateSource(Protocol):
    def get(self, aggregate_id: UUID) -> Any: ...


class UnitOfWork:
    """What one attempt at one command may load, create and change."""

    def __init__(self, source: AggregateSource, evidence: Evidence, policy: SalesPolicy) -> None:
        self._source = source
        self.evidence = evidence
        self.policy = policy
        self._touched: dict[UUID, SopAggregate] = {}

    def load(self, kind: type[A], aggregate_id: UUID) -> A:
        """The aggregate with this id; ``RecordNotFound`` if there is none of this kind."""
        if aggregate_id in self._touched:
            found: Any = self._touched[aggregate_id]
        else:
            try:
                found = self._source.get(aggregate_id)
            except AggregateNotFoundError:
                raise RecordNotFound(_kind_name(kind), aggregate_id) from None
        if not isinstance(found, kind):
            raise RecordNotFound(_kind_name(kind), aggregate_id)
        self._touched[aggregate_id] = found
        return found

    def find(self, kind: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate with this id, or ``None``."""
        try:
            return self.load(kind, aggregate_id)
        except RecordNotFound:
            return None

    def add(self, aggregate: A) -> A:
        self._touched[aggregate.id] = aggregate
        return aggregate

    def now(self) -> datetime:
        return clock.now()

    @property
    def changed(self) -> list[SopAggregate]:
        return [agg for agg in self._touched.values() if agg.pending_events]


Handler = Callable[[Any, UnitOfWork], None]
HANDLERS: dict[type[Command], Handler] = {}


def handles(command_class: type[C]) -> Callable[[Callable[[C, UnitOfWork], None]], Handler]:
    """Register the decorated function as the handler of ``command_class``."""

    def register(function: Callable[[C, UnitOfWork], None]) -> Handler:
        if command_class in HANDLERS:
            raise TypeError(f"{command_class.__name__} already has a handler")
        HANDLERS[command_class] = cast(Handler, function)
        return cast(Handler, function)

    return register


def _kind_name(kind: type[SopAggregate]) -> str:
    return kind.__name__.lower()
