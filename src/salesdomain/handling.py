"""The seam between commands and aggregates: handlers and their unit of work.

A handler loads what it needs through the unit of work, calls the aggregate (which
checks the SOP's rules and records events) and returns.  It holds no business rule.
The application service saves everything the unit of work touched, atomically.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from threading import Lock
from typing import Any, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from salesdomain import clock
from salesdomain.aggregate import Evidence, SopAggregate
from salesdomain.commands import Command
from salesdomain.errors import RecordNotFound
from salesdomain.policy import SalesPolicy
from salesdomain.reactions import reactions_to

A = TypeVar("A", bound=SopAggregate)
C = TypeVar("C", bound=Command)


class AggregateSource(Protocol):
    def get(
        self,
        aggregate_id: UUID,
        kind: type[SopAggregate] | None = None,
        *,
        absent_unless_cached: bool = False,
    ) -> Any: ...


class LatestAggregates:
    """The latest known state of recently written aggregates, kept in memory.

    A command may decide on a cached aggregate without reading the store; that is safe
    because (1) an aggregate the command changes is saved at the next version, and a
    newer stored version makes the save conflict (then the command is decided again on
    fresh state), and (2) aggregates it only read, or a refusal it reached, are checked
    against the store for newer events before the result stands.  Loads hand out
    copies, so a refused or conflicting attempt never touches the cached state.
    """

    def __init__(
        self,
        repository: Any,
        recorder: Any,
        size: int,
        *,
        events_only: Any = None,
        snapshotted: tuple[type[Any], ...] = (),
    ) -> None:
        self._repository = repository
        # Kinds that never have snapshots load from their events alone: one query
        # (the snapshot store is not asked first), e.g. for a record not there yet.
        self._events_only = events_only or repository
        self._snapshotted = snapshotted
        self._recorder = recorder
        self._size = size
        self._items: OrderedDict[UUID, SopAggregate] = OrderedDict()
        self._lock = Lock()

    def source(self, *, fresh: bool) -> CachedSource:
        return CachedSource(self, fresh)

    def cached_copy(self, aggregate_id: UUID) -> SopAggregate | None:
        with self._lock:
            found = self._items.get(aggregate_id)
            if found is None:
                return None
            self._items.move_to_end(aggregate_id)
        return found.__deepcopy__({})  # cheap: shares the immutable values

    def load(self, aggregate_id: UUID, kind: type[SopAggregate] | None = None) -> Any:
        snapshots = kind is None or any(issubclass(s, kind) for s in self._snapshotted)
        found = (self._repository if snapshots else self._events_only).get(aggregate_id)
        if isinstance(found, SopAggregate):
            self.keep([found.__deepcopy__({})])
        return found

    def keep(self, aggregates: list[SopAggregate]) -> None:
        with self._lock:
            for aggregate in aggregates:
                self._items[aggregate.id] = aggregate
                self._items.move_to_end(aggregate.id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def evict(self, ids: set[UUID]) -> None:
        with self._lock:
            for aggregate_id in ids:
                self._items.pop(aggregate_id, None)

    def evict_stale(self, served: dict[UUID, int]) -> bool:
        """Evict those of ``served`` (id: version used) that have newer stored events."""
        stale = {
            aggregate_id
            for aggregate_id, version in served.items()
            if self._recorder.select_events(aggregate_id, gt=version, limit=1)
        }
        self.evict(stale)
        return bool(stale)


class CachedSource:
    """Where one attempt loads from: the cache first, unless it must be fresh."""

    def __init__(self, latest: LatestAggregates, fresh: bool) -> None:
        self._latest = latest
        self._fresh = fresh
        self.served_from_cache: dict[UUID, int] = {}
        self.read_versions: dict[UUID, int] = {}  # every record read; 0: there was none

    def get(
        self,
        aggregate_id: UUID,
        kind: type[SopAggregate] | None = None,
        *,
        absent_unless_cached: bool = False,
    ) -> Any:
        """The record from memory, else from the store.  ``absent_unless_cached``: a
        record not in memory is taken to be absent without asking the store (see
        ``UnitOfWork.find_to_create``); a fresh source always asks."""
        if not self._fresh:
            cached = self._latest.cached_copy(aggregate_id)
            if cached is not None:
                self.served_from_cache[aggregate_id] = cached.version
                self.read_versions[aggregate_id] = cached.version
                return cached
            if absent_unless_cached:
                self.read_versions[aggregate_id] = 0
                raise AggregateNotFoundError(aggregate_id)
        try:
            found = self._latest.load(aggregate_id, kind)
        except AggregateNotFoundError:
            self.read_versions[aggregate_id] = 0
            raise
        self.read_versions[aggregate_id] = found.version
        return found


class UnitOfWork:
    """What one attempt at one command may load, create and change."""

    def __init__(self, source: AggregateSource, evidence: Evidence, policy: SalesPolicy) -> None:
        self._source = source
        self.evidence = evidence
        self.policy = policy
        self._touched: dict[UUID, SopAggregate] = {}

    def load(self, kind: type[A], aggregate_id: UUID) -> A:
        """The aggregate with this id; ``RecordNotFound`` if there is none of this kind."""
        return self._load(kind, aggregate_id, to_create=False)

    def find(self, kind: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate with this id, or ``None``."""
        try:
            return self.load(kind, aggregate_id)
        except RecordNotFound:
            return None

    def find_to_create(self, kind: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate with this id, or ``None``, for a command that creates it when
        there is none (a deterministic id: a customer's, a claim's, a period's).

        One not held in memory is taken to be absent without reading the store: if it
        does exist, creating it conflicts with the stored one when the events are
        saved, nothing is saved, and the command is decided again on state read from
        the store, which finds it (ADR 21).  An absence relied on without creating the
        record is checked in the saving transaction like any record read."""
        try:
            return self._load(kind, aggregate_id, to_create=True)
        except RecordNotFound:
            return None

    def _load(self, kind: type[A], aggregate_id: UUID, *, to_create: bool) -> A:
        if aggregate_id in self._touched:
            found: Any = self._touched[aggregate_id]
        else:
            try:
                found = self._source.get(aggregate_id, kind, absent_unless_cached=to_create)
            except AggregateNotFoundError:
                raise RecordNotFound(_kind_name(kind), aggregate_id) from None
        if not isinstance(found, kind):
            raise RecordNotFound(_kind_name(kind), aggregate_id)
        self._touched[aggregate_id] = found
        return found

    def add(self, aggregate: A) -> A:
        self._touched[aggregate.id] = aggregate
        return aggregate

    def now(self) -> datetime:
        return clock.now()

    def acting_as(self, evidence: Evidence) -> UnitOfWork:
        """The same unit of work, recording under other evidence (for named policies)."""
        other = UnitOfWork(self._source, evidence, self.policy)
        other._touched = self._touched
        return other

    def run_reactions(self) -> None:
        """Let named policies react to every event recorded so far, and to theirs."""
        seen: set[int] = set()
        for _round in range(_MAX_REACTION_ROUNDS):
            new: list[Any] = [
                event
                for aggregate in self.changed
                for event in aggregate.pending_events
                if id(event) not in seen
            ]
            if not new:
                return
            reacted = False
            for event in new:
                seen.add(id(event))
                for reaction in reactions_to(event):
                    reaction.run(event, self.acting_as(reaction.evidence_for(event)))
                    reacted = True
            if not reacted:  # no policy ran, so no event was added
                return
        raise RuntimeError("named policies kept reacting to each other; check for a cycle")

    @property
    def changed(self) -> list[SopAggregate]:
        return [agg for agg in self._touched.values() if agg.pending_events]


_MAX_REACTION_ROUNDS = 20

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
