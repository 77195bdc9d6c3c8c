"""Snapshots checked against the events they summarise (issue 15, ADR 32).

Snapshots live outside the hash chain, in the store's snapshot table, and a load starts
from the latest one.  Each is signed under the master key when taken, and a load
believes only one whose MAC matches (``salesdomain.adapters.recorders.snapshot_store``).
The deeper check is here: every stored snapshot is checked against its record's events
(the record replayed from its events up to the snapshot's version must equal the
snapshot's state).  A snapshot whose MAC does not match, or that differs from its
events (or cannot be read), is reported and discarded, and the record is then loaded
from its events alone.  One that matches its events but is not signed under the master
key in use (taken before snapshots were signed, or under a master key rotated since) is
signed again.  The check runs when a system starts (``bootstrap``), with ``salesdomain
chain verify`` and in every rotation of the master key, before the old key is destroyed.

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
from eventsourcing.persistence import AggregateRecorder, StoredEvent
from eventsourcing.sqlite import SQLiteAggregateRecorder
from salesdomain.adapters.recorders.snapshot_store import (
    GARBLED,
    WRONG,
    Opened,
    SignedSnapshotStore,
)

from salesdomain.application import SalesApplication


@dataclass(frozen=True)
class BadSnapshot:
    record_id: UUID
    version: int
    reason: str

    def __str__(self) -> str:
        return f"the snapshot of record {self.record_id} at version {self.version} {self.reason}"


_DISCARDED: WeakKeyDictionary[SalesApplication, list[BadSnapshot]] = WeakKeyDictionary()


def check_at_start(app: SalesApplication) -> None:
    """Check the snapshots as the application starts (``check_and_report``)."""
    check_and_report(app, "at start")


def check_and_report(app: SalesApplication, when: str) -> None:
    """Check the snapshots (discarding bad ones, signing good ones again), logging each
    bad one and keeping it for ``discarded_at_start`` (what ``chain verify`` reports).
    A snapshot signed as found equal to its events is not replayed again (ADR 38)."""
    bad = check_snapshots(app, replay_verified=False)
    for found in bad:
        logging.getLogger("salesdomain").warning("discarded %s: %s", when, found)
    _DISCARDED.setdefault(app, []).extend(bad)


def discarded_at_start(app: SalesApplication) -> list[BadSnapshot]:
    """The bad snapshots this application's own checks discarded (at its start and in
    rotations of the master key)."""
    return list(_DISCARDED.get(app, ()))


def check_snapshots(
    app: SalesApplication, *, discard: bool = True, replay_verified: bool = True
) -> list[BadSnapshot]:
    """Every stored snapshot whose MAC does not match or that does not equal its record
    replayed from its events; unless ``discard`` is false, each is discarded and every
    good one is signed, as found equal to its events, under the master key in use.

    Unless ``replay_verified``, a snapshot whose MAC says it was found equal to its
    events already (ADR 38) is believed without replaying them: a start then replays
    only the snapshots taken since the last one, not every snapshotted record."""
    if app.snapshots is None:
        return []
    store = app.snapshots
    signing = store.signing if isinstance(store, SignedSnapshotStore) else None
    bad = []
    to_sign: list[tuple[StoredEvent, StoredEvent]] = []
    for row in _stored(store.recorder):
        record_id, version = UUID(str(row.originator_id)), int(row.originator_version)
        opened = signing.open(row) if signing is not None else None
        reason = _mac_refused(opened)
        trusted = opened is not None and opened.verified and not replay_verified
        if reason is None and not trusted:
            reason = _differs(app, opened.stored if opened else row)
        if reason is not None:
            bad.append(BadSnapshot(record_id, version, reason))
        elif discard and signing is not None and opened and _to_sign(opened, signing.current):
            to_sign.append((row, signing.sign(opened.stored, verified=True)))
    if discard:
        _sign_again(store.recorder, to_sign)
        _discard(store.recorder, bad)
        for found in bad:
            _evict(app, found.record_id)
    return bad


def _to_sign(opened: Opened, current: str) -> bool:
    """Whether a good snapshot is to be signed again: not yet signed as found equal to
    its events, or not under the master key in use."""
    return not opened.verified or opened.key_id != current


def _mac_refused(opened: Opened | None) -> str | None:
    """Why the MAC refuses the snapshot outright: it does not match under a master key
    held, or cannot be read.  None when it matches, or cannot be checked (no MAC, or a
    master key destroyed since): then the events decide."""
    if opened is not None and opened.problem in (WRONG, GARBLED):
        return opened.problem
    return None


def _differs(app: SalesApplication, row: StoredEvent) -> str | None:
    assert app.snapshots is not None
    record_id, version = UUID(str(row.originator_id)), int(row.originator_version)
    try:
        snapshot = app.snapshots.mapper.to_domain_event(row)
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


def _stored(recorder: AggregateRecorder) -> list[StoredEvent]:
    """Every stored snapshot, read in one statement."""
    datastore: Any = getattr(recorder, "datastore", None)
    if datastore is None:
        return []  # in memory: nothing stored outside the process
    statement = _statement(
        recorder, "SELECT originator_id, originator_version, topic, state FROM {table}"
    )
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(statement)
        rows = cursor.fetchall()
    return [
        StoredEvent(
            originator_id=UUID(str(row["originator_id"])),
            originator_version=int(row["originator_version"]),
            topic=str(row["topic"]),
            state=_as_bytes(row["state"]),
        )
        for row in rows
    ]


def _as_bytes(state: Any) -> bytes:
    """A stored state as bytes (a row rewritten in SQLite may hold text)."""
    return state.encode() if isinstance(state, str) else bytes(state)


def _discard(recorder: AggregateRecorder, bad: list[BadSnapshot]) -> None:
    rows = [(found.record_id, found.version, ()) for found in bad]
    _change(recorder, "DELETE FROM {table} WHERE {row}", rows)


def _sign_again(recorder: AggregateRecorder, signed: list[tuple[StoredEvent, StoredEvent]]) -> None:
    """Each row's state replaced by its signed one's, unless another process changed it
    since it was read (then its change stands); in one transaction."""
    rows = [
        (
            UUID(str(row.originator_id)),
            int(row.originator_version),
            (new.state, bytes(row.state)),
        )
        for row, new in signed
    ]
    _change(recorder, "UPDATE {table} SET state={mark} WHERE state={mark} AND {row}", rows)


def _change(
    recorder: AggregateRecorder, template: str, rows: list[tuple[UUID, int, tuple[Any, ...]]]
) -> None:
    """Run ``template`` on each snapshot's row (``{row}``: record id, version), with its
    values for the ``{mark}``s before them, in one transaction."""
    if not rows:
        return
    datastore: Any = getattr(recorder, "datastore", None)
    assert datastore is not None, "only stored snapshots are changed"
    sqlite = isinstance(recorder, SQLiteAggregateRecorder)
    mark = "?" if sqlite else "%s"
    row = f"originator_id={mark} AND originator_version={mark}"
    statement = _statement(recorder, template.replace("{mark}", mark).replace("{row}", row))
    with datastore.transaction(commit=True) as cursor:
        for record_id, version, values in rows:
            cursor.execute(statement, (*values, record_id.hex if sqlite else record_id, version))


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
