"""Event recorders that check, in the saving transaction, what a decision only read.

``SalesApplication.handle`` decides on the latest state it holds in memory (ADR 6).
The records a command only read (the acting employee, the customer of a new
opportunity) must not have moved on when its events are saved.  These recorders take
``unchanged={id: version read}`` as a keyword of ``insert_events`` and refuse the
whole write with ``ReadRecordsMoved`` if any of them has a newer stored event.  The
check runs inside the write transaction, after the write lock is held (SQLite: after
the first insert; PostgreSQL: after the table lock, in the same statement as the
insert), so no other writer can slip in between the check and the save, and it costs
no extra round trip.  ``store.parse_database_url`` selects them (ADR 11).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from salesdomain.saving import ReadRecordsMoved

Unchanged = Mapping[UUID, int]


class SQLiteCheckingRecorder(SQLiteApplicationRecorder):
    checks_unchanged = True

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self._moved_statement = (
            f"SELECT 1 FROM {self.events_table_name} "
            "WHERE originator_id=? AND originator_version>? LIMIT 1"
        )

    def _insert_events(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        *,
        unchanged: Unchanged | None = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        # The inserts come first: once they ran, this connection holds the database's
        # write lock and reads the latest state; raising rolls everything back.
        positions = super()._insert_events(c, stored_events, **kwargs)
        if unchanged:
            moved = set()
            for aggregate_id, version in unchanged.items():
                c.execute(self._moved_statement, (aggregate_id.hex, version))
                if c.fetchone() is not None:
                    moved.add(aggregate_id)
            if moved:
                raise ReadRecordsMoved(moved)
        return positions


class PostgresCheckingRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        # eventsourcing's optional database function inserts without the check.
        self.checks_unchanged = not datastore.enable_db_functions
        table = SQL("{0}.{1}").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name)
        )
        id_type = Identifier(self.datastore.originator_id_type)
        # Inserts nothing when one of the read records has a newer event; the table
        # lock taken before it keeps every other writer out until commit.  Rendered
        # once, with plain arrays for the columns (cheaper to send than composites).
        self._checked_insert_statement = (
            SQL(
                "INSERT INTO {table} (originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(%s::{id_type}[], %s::bigint[], %s::text[], %s::bytea[]) "
                "WHERE NOT EXISTS (SELECT 1 FROM {table} AS e "
                "JOIN unnest(%s::{id_type}[], %s::bigint[]) AS r(id, version) "
                "ON e.originator_id = r.id AND e.originator_version > r.version) "
                "RETURNING notification_id"
            )
            .format(table=table, id_type=id_type)
            .as_string(None)
        )

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        *,
        unchanged: Unchanged | None = None,
        **kwargs: Any,
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        read = unchanged or {}
        params = (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
            list(read),
            list(read.values()),
        )
        curs.execute(self._checked_insert_statement, params, prepare=True)

    def _fetch_ids_after_insert_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        *,
        unchanged: Unchanged | None = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if unchanged and not ids:  # nothing was inserted: one of them moved on
            raise ReadRecordsMoved(set(unchanged))
        return ids
