"""Saving what a command decided, in one atomic write (ADR 3, 6, 11).

``DecisionSaving.save`` is eventsourcing's ``Application.save`` with its aggregates
and events told apart by their classes: eventsourcing's runtime protocol checks cost
more than the rest of its bookkeeping.  Anything else is collected as eventsourcing
does, and its hooks (snapshots, ``_notify``, ``notify``) run as before; the events go
straight to the event store when eventsourcing's aggregate cache is off (it is: ADR 6
keeps the latest state), and snapshots are looked for only when an aggregate of a
kind snapshotted every N events was saved (ADR 21).

The records a decision only read are passed to the store as ``unchanged={id: version
read}``.  A store that can (``checks_unchanged``, see ``salesdomain.adapters.recorders``) checks
them inside the saving transaction and raises ``ReadRecordsMoved`` if any has a newer
event; nothing is then saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import (
    BaseAggregate,
    DomainEvent,
    DomainEventProtocol,
    MutableOrImmutableAggregate,
)
from eventsourcing.persistence import Recording

from salesdomain.aggregate import SopAggregate


class ReadRecordsMoved(Exception):
    """Raised by a store that checks ``unchanged`` while saving: some of those records
    have newer events; nothing was saved."""

    def __init__(self, moved: set[UUID]) -> None:
        super().__init__(f"{len(moved)} record(s) read by the decision moved on")
        self.moved = moved


def only_read(read: Mapping[UUID, int], changed: list[SopAggregate]) -> dict[UUID, int]:
    """The records of ``read`` (id: version read) that the decision did not change."""
    changed_ids = {aggregate.id for aggregate in changed}
    return {key: version for key, version in read.items() if key not in changed_ids}


class DecisionSaving(Application[UUID]):
    def save(
        self,
        *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None,
        **kwargs: Any,
    ) -> list[Recording[UUID]]:
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        events, aggregates = processing.events, processing.aggregates
        for obj in objs:
            if isinstance(obj, BaseAggregate):
                events.extend(obj.collect_events())
                aggregates[obj.id] = obj
            elif isinstance(obj, DomainEvent):
                events.append(obj)
            else:
                processing.collect_events(obj)
        if self.repository.cache is None:  # ``_record`` without eventsourcing's cache
            recordings = self.events.put(events, **kwargs)
        else:
            processing.saved_kwargs.update(kwargs)
            recordings = self._record(processing)
        if self._may_snapshot(aggregates):
            self._take_snapshots(processing)
        self._notify(recordings)
        self.notify(events)  # eventsourcing's deprecated hook, still honoured
        return recordings

    def _may_snapshot(self, aggregates: Mapping[UUID, Any]) -> bool:
        """Whether one of these aggregates is of a kind snapshotted every N events."""
        kinds = self.snapshotting_intervals
        return bool(self.snapshots and kinds) and any(
            type(aggregate) in kinds for aggregate in aggregates.values()
        )

    def close(self) -> None:
        """Closes the store, and a recorder's own connections if it has any."""
        close_recorder = getattr(self.recorder, "close", None)
        if close_recorder is not None:
            close_recorder()
        super().close()

    @property
    def checks_unchanged(self) -> bool:
        """Whether the store checks ``unchanged`` records while saving."""
        return bool(getattr(self.recorder, "checks_unchanged", False))
