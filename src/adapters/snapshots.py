"""Snapshots checked against the events they summarise (issue 15, ADR 10 addendum).

Snapshots live outside the hash chain, in the store's snapshot table, and a load starts
from the latest one: a forged snapshot (a former employee made active again) would be
believed. So every stored snapshot is checked against its record's events: the record
replayed from its events up to the snapshot's version must equal the snapshot's state.
A snapshot that does not (or cannot be read) is reported and discarded, and the record
is then loaded from its events alone. The check runs when a system starts
(``bootstrap``) and with ``salesdomain chain verify``.

The in-memory store has nothing to check: its snapshots never leave the process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import AggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder

from salesdomain.application import SalesApplication


@dataclass(frozen=True)
class BadSnapshot:
    record_id: UUID
    version: int
    reason: str

    def __str__(self) -> str:
        return f"the snapshot of record {self.record_id} at version {self.version} {self.reason}"


_DISCARDED_AT_START: WeakKeyDictionary[SalesApplication, list[BadSnapshot]] = WeakKeyDictionary()


def check_at_start(app: SalesApplication) -> None:
    """Check (and discard bad) snapshots as the application starts, logging each and
    keeping them for ``discarded_at_start`` (what ``chain verify`` reports)."""
    bad = check_snapshots(app)
    for found in bad:
        logging.getLogger("salesdomain").warning("discarded at start: %s", found)
    _DISCARDED_AT_START[app] = bad


def discarded_at_start(app: SalesApplication) -> list[BadSnapshot]:
    return list(_DISCARDED_AT_START.get(app, ()))


def check_snapshots(app: SalesApplication, *, discard: bool = True) -> list[BadSnapshot]:
    """Every stored snapshot that does not equal its record replayed from its events
    (each discarded unless ``discard`` is false)."""
    if app.snapshots is None:
        return []
    recorder = app.snapshots.recorder
    bad = []
    for record_id, version in _stored(recorder):
        reason = _differs(app, record_id, version)
        if reason is not None:
            bad.append(BadSnapshot(record_id, version, reason))
    if discard:
        for found in bad:
            _discard(recorder, found)
            _evict(app, found.record_id)
    return bad


def _differs(app: SalesApplication, record_id: UUID, version: int) -> str | None:
    assert app.snapshots is not None
    try:
        (snapshot,) = app.snapshots.get(record_id, gt=version - 1, lte=version)
        assert isinstance(snapshot, Snapshot)
        restored = snapshot.mutate(None)
    except Exception as unreadable:  # a forged row may not decode at all
        return f"cannot be read ({type(unreadable).__name__}: {unreadable})"[:300]
    replayed: Any = project_aggregate(None, app.events.get(record_id, lte=version))
    if replayed is None or replayed.version != version:
        return "summarises events the store does not hold"
    if vars(restored) != vars(replayed):
        return "differs from the record replayed from its events"
    return None


def _evict(app: SalesApplication, record_id: UUID) -> None:
    cache = app.repository.cache
    if cache is not None:
        try:
            cache.get(record_id, evict=True)
        except KeyError:
            return


def _stored(recorder: AggregateRecorder) -> list[tuple[UUID, int]]:
    datastore: Any = getattr(recorder, "datastore", None)
    if datastore is None:
        return []  # in memory: nothing stored outside the process
    statement = _statement(recorder, "SELECT originator_id, originator_version FROM {table}")
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(statement)
        rows = cursor.fetchall()
    return [(UUID(str(row["originator_id"])), int(row["originator_version"])) for row in rows]


def _discard(recorder: AggregateRecorder, bad: BadSnapshot) -> None:
    datastore: Any = getattr(recorder, "datastore", None)
    assert datastore is not None, "only stored snapshots are discarded"
    sqlite = isinstance(recorder, SQLiteAggregateRecorder)
    mark = "?" if sqlite else "%s"
    statement = _statement(
        recorder,
        f"DELETE FROM {{table}} WHERE originator_id={mark} AND originator_version={mark}",
    )
    key = bad.record_id.hex if sqlite else bad.record_id
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(statement, (key, bad.version))


def _statement(recorder: AggregateRecorder, template: str) -> Any:
    """``template`` on the recorder's snapshot table: its name on SQLite, the schema's
    table composed safely (psycopg) on PostgreSQL."""
    table = getattr(recorder, "events_table_name", "")
    if isinstance(recorder, SQLiteAggregateRecorder):
        return template.format(table=table)
    from psycopg.sql import SQL, Identifier

    datastore: Any = getattr(recorder, "datastore", None)
    return SQL(template).format(
        table=SQL("{}.{}").format(Identifier(datastore.schema), Identifier(table))
    )
