"""The past on demand: any record exactly as it stood at a version or a moment.

``aggregate_as_of(app, Order, order_id, at)`` replays the order's events recorded at
or before ``at`` (the event's own timestamp, inclusive): what anyone reading the
record at ``at`` would have seen.  An aggregate's events are stamped in version order
(each is decided on the state the one before left), so the replay stops at the first
event stamped later than ``at``.  For records that keep snapshots, the version as of
``at`` is found by a binary search over the event timestamps (one small read per
step), and the record is loaded at that version from the snapshot before it.

``aggregate_at_version(app, Order, order_id, 3)`` is the record after its third event.
Both raise ``RecordNotFound`` for a record that never existed, and its subclasses
``NotYetRecorded`` (not created by then) or ``NoSuchVersion`` (not that many changes).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from salesdomain.aggregate import SopAggregate
from salesdomain.errors import RecordNotFound

A = TypeVar("A", bound=SopAggregate)


def moment(at: datetime) -> str:
    """A timestamp as a sales manager reads it: ``2026-03-02 09:00:00 UTC``."""
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


class NotYetRecorded(RecordNotFound):
    """The record exists, but was created after the moment asked about."""

    def __init__(self, kind: str, record_id: UUID, at: datetime, created_on: datetime) -> None:
        super().__init__(kind, record_id)
        self.at = at
        self.created_on = created_on
        self.args = (
            f"no {kind} with id {record_id} on {moment(at)}: it was first recorded "
            f"on {moment(created_on)}",
        )


class NoSuchVersion(RecordNotFound):
    """The record never reached the version asked about."""

    def __init__(self, kind: str, record_id: UUID, version: int, latest: int) -> None:
        super().__init__(kind, record_id)
        self.version = version
        self.latest = latest
        self.args = (
            f"{kind} {record_id} has no version {version}: versions run from 1 to {latest}",
        )


def _kind(kind: type[SopAggregate]) -> str:
    return kind.__name__.lower()


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError(f"as-of time {at.isoformat()} needs a time zone (e.g. +00:00)")
    return at


def aggregate_at_version(app: Application[UUID], kind: type[A], record_id: UUID, version: int) -> A:
    """The record right after its ``version``-th event (1 = as created)."""
    if version < 1:
        raise NoSuchVersion(_kind(kind), record_id, version, _checked(app, kind, record_id).version)
    found = _checked(app, kind, record_id, version)  # the latest if it has fewer versions
    if found.version != version:
        raise NoSuchVersion(_kind(kind), record_id, version, found.version)
    return found


def aggregate_as_of(app: Application[UUID], kind: type[A], record_id: UUID, at: datetime) -> A:
    """The record made of its events stamped at or before ``at``."""
    _aware(at)
    if _has_snapshots(app, record_id):
        version = version_as_of(app, record_id, at)
        if version == 0:
            _checked(app, kind, record_id)  # a record of another kind is not found either
            raise NotYetRecorded(_kind(kind), record_id, at, _stamp(app, record_id, 1))
        return _checked(app, kind, record_id, version)
    aggregate: Any = None
    first: Any = None
    events: Iterator[Any] = iter(app.events.get(record_id))
    for event in events:
        if first is None:
            first = event
        if event.timestamp > at:
            break
        aggregate = event.mutate(aggregate)
    if aggregate is None:
        if first is None:
            raise RecordNotFound(_kind(kind), record_id)
        _checked(app, kind, record_id)
        raise NotYetRecorded(_kind(kind), record_id, at, first.timestamp)
    if not isinstance(aggregate, kind):
        raise RecordNotFound(_kind(kind), record_id)
    return aggregate


def version_as_of(app: Application[UUID], record_id: UUID, at: datetime) -> int:
    """The record's last version stamped at or before ``at`` (0: none), by a binary
    search over its events' timestamps: one small read per step."""
    latest = app.recorder.select_events(record_id, desc=True, limit=1)
    low, high = 0, latest[0].originator_version if latest else 0
    while low < high:
        middle = (low + high + 1) // 2
        if _stamp(app, record_id, middle) <= at:
            low = middle
        else:
            high = middle - 1
    return low


def _stamp(app: Application[UUID], record_id: UUID, version: int) -> datetime:
    events: Iterator[Any] = iter(app.events.get(record_id, gt=version - 1, lte=version))
    stamp: datetime = next(events).timestamp
    return stamp


def _has_snapshots(app: Application[UUID], record_id: UUID) -> bool:
    return app.snapshots is not None and bool(
        app.snapshots.recorder.select_events(record_id, limit=1)
    )


def _checked(
    app: Application[UUID], kind: type[A], record_id: UUID, version: int | None = None
) -> A:
    try:
        found: object = app.repository.get(record_id, version=version)
    except AggregateNotFoundError:
        raise RecordNotFound(_kind(kind), record_id) from None
    if not isinstance(found, kind):
        raise RecordNotFound(_kind(kind), record_id)
    return found
