"""Event recorders that check, in the saving transaction, what a decision only read.

``SalesApplication.handle`` decides on the latest state it holds in memory (ADR 6).
The records a command only read (the acting employee, the customer of a new
opportunity) must not have moved on when its events are saved.  These recorders take
``unchanged={id: version read}`` as a keyword of ``insert_events`` and refuse the
whole write with ``ReadRecordsMoved`` if any of them has a newer stored event.  The
check runs in the statement that inserts the events, under the write lock (SQLite
takes it when the statement starts; PostgreSQL after the table lock), so no other
writer can slip in between the check and the save, and it costs no extra round trip.
``store.parse_database_url`` selects them (ADR 11).

On SQLite the whole write is that one statement, run in autocommit mode on the
recorder's own connection: one statement is one transaction, without BEGIN and
COMMIT round trips or eventsourcing's per-transaction connection pool (ADR 21).

They also take ``new_keys={subject id: key}``: the keys of data subjects first sealed
in these events (``adapters.keyed_events``), inserted into ``data_subject_keys`` in the
same transaction.  A subject that has a key already makes the whole write fail with
``SubjectKeysExisted`` naming the stored keys, so that the events are sealed again
under them (ADR 19).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from adapters.key_store import SubjectKeysExisted, data_subject_keys
from projections.types import sqlite_utc_text
from salesdomain.saving import ReadRecordsMoved

Unchanged = Mapping[UUID, int]
NewKeys = Mapping[UUID, bytes]
KEYS = data_subject_keys.name


class SQLiteCheckingRecorder(SQLiteApplicationRecorder):
    checks_unchanged = True
    writes_new_keys = True
    ROWS_PER_STATEMENT = 100  # SQLite limits a statement's VALUES rows and variables

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self._moved_statement = (
            f"SELECT originator_id FROM {self.events_table_name} "
            "WHERE originator_id=? AND originator_version>? LIMIT 1"
        )
        self._moved_statements: dict[int, str] = {}  # by number of records read
        self._insert_keys_statement = (
            f"INSERT INTO {KEYS} (subject_id, key, created_at) VALUES (?, ?, ?)"
        )
        self._checked_inserts: dict[tuple[int, int], str] = {}  # by (events, records read)
        self._writer = _Writer(datastore)

    def close(self) -> None:
        self._writer.close()

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        unchanged: Unchanged | None = None,
        new_keys: NewKeys | None = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        """The events in one statement that inserts nothing if a record read has moved
        on.  Alone (no new keys, at most ``ROWS_PER_STATEMENT`` events) it is its own
        transaction: no BEGIN, no COMMIT.  Otherwise BEGIN, the keys, the checked
        statement with the first events, the others, COMMIT."""
        count = len(stored_events)
        if not count:
            return []
        read = unchanged or {}
        rows: list[Any] = []
        for s in stored_events:
            stored_id = s.originator_id
            rows += (
                stored_id.hex if isinstance(stored_id, UUID) else stored_id,
                s.originator_version,
                s.topic,
                s.state,
            )
        checks: list[Any] = []
        for read_id, version in read.items():
            checks += (read_id.hex, version)
        chunk = self.ROWS_PER_STATEMENT
        alone = not new_keys and count <= chunk
        with self._writer.lock:
            conn = self._writer.connection()
            try:
                if not alone:
                    conn.execute("BEGIN")
                if new_keys:
                    self._insert_keys(conn, new_keys)
                first = min(count, chunk)
                inserted = conn.execute(
                    self._checked_insert(first, len(read)), rows[: 4 * first] + checks
                )
                if inserted.rowcount != first:
                    raise ReadRecordsMoved(self._moved(conn, read) or set(read))
                for start in range(first, count, chunk):
                    part = rows[4 * start : 4 * (start + chunk)]
                    inserted = conn.execute(self._checked_insert(len(part) // 4, 0), part)
                if not alone:
                    conn.execute("COMMIT")
            except BaseException as error:
                if conn.in_transaction:
                    conn.rollback()
                if isinstance(error, sqlite3.Error):
                    raise _translated(error) from error
                raise
            last = inserted.lastrowid
        assert last is not None
        # The rows of one transaction get consecutive rowids, in order: each new row
        # takes the largest rowid + 1, and this connection holds the write lock.
        return list(range(last - count + 1, last + 1))

    def _checked_insert(self, events: int, read: int) -> str:
        statement = self._checked_inserts.get((events, read))
        if statement is None:
            columns = "(originator_id, originator_version, topic, state)"
            rows = ", ".join(["(?,?,?,?)"] * events)
            table = self.events_table_name
            if read:
                newer = (
                    f"NOT EXISTS (SELECT 1 FROM {table} "
                    "WHERE originator_id=? AND originator_version>?)"
                )
                statement = (
                    f"INSERT INTO {table} {columns} SELECT * FROM (VALUES {rows}) "
                    f"WHERE {' AND '.join([newer] * read)}"
                )
            else:
                statement = f"INSERT INTO {table} {columns} VALUES {rows}"
            self._checked_inserts[(events, read)] = statement
        return statement

    def _insert_keys(self, conn: sqlite3.Connection, new_keys: NewKeys) -> None:
        now = sqlite_utc_text(datetime.now(UTC))
        rows = [(str(subject), key, now) for subject, key in new_keys.items()]
        try:
            conn.executemany(self._insert_keys_statement, rows)
        except sqlite3.IntegrityError:
            raise SubjectKeysExisted(self._stored_keys(conn, new_keys)) from None

    def _moved(self, conn: sqlite3.Connection, unchanged: Unchanged) -> set[UUID]:
        """Which of the records read have a newer event (one statement for all)."""
        count = len(unchanged)
        statement = self._moved_statements.get(count)
        if statement is None:
            probe = f"SELECT * FROM ({self._moved_statement})"
            statement = self._moved_statements[count] = " UNION ALL ".join([probe] * count)
        rows = conn.execute(
            statement, [p for key, version in unchanged.items() for p in (key.hex, version)]
        )
        return {UUID(row[0]) for row in rows}

    @staticmethod
    def _stored_keys(conn: sqlite3.Connection, new_keys: NewKeys) -> dict[UUID, bytes | None]:
        marks = ", ".join("?" * len(new_keys))
        rows = conn.execute(
            f"SELECT subject_id, key FROM {KEYS} WHERE subject_id IN ({marks})",
            [str(subject) for subject in new_keys],
        )
        return {UUID(row[0]): row[1] for row in rows}


class _Writer:
    """The recorder's own connection for writing events, one writer at a time in this
    process (other processes wait on SQLite's lock).  eventsourcing's pool hands out a
    connection per transaction and caches one prepared statement per connection."""

    def __init__(self, datastore: SQLiteDatastore) -> None:
        pool = datastore.pool
        if pool.is_sqlite_memory_mode:  # each connection would have its own database
            raise ValueError("the events are kept in a SQLite file (see adapters.store)")
        self._db_name = pool.db_name
        self._timeout = float(pool.lock_timeout or 5)
        self._connection: sqlite3.Connection | None = None
        self.lock = threading.Lock()

    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(
                self._db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,  # autocommit: one statement is one transaction
                timeout=self._timeout,
                cached_statements=64,
            )
        return self._connection

    def close(self) -> None:
        with self.lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


_ERRORS: tuple[tuple[type[sqlite3.Error], type[Exception]], ...] = (
    (sqlite3.IntegrityError, IntegrityError),
    (sqlite3.OperationalError, OperationalError),
    (sqlite3.DatabaseError, DatabaseError),
    (sqlite3.Error, PersistenceError),
)


def _translated(error: sqlite3.Error) -> Exception:
    """As eventsourcing's SQLite transaction reports errors."""
    for raised, reported in _ERRORS:
        if isinstance(error, raised):
            return reported(error)
    return PersistenceError(error)


class PostgresCheckingRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        # eventsourcing's optional database function inserts without the check.
        self.checks_unchanged = self.writes_new_keys = not datastore.enable_db_functions
        keys = SQL("{0}.{1}").format(Identifier(self.datastore.schema), Identifier(KEYS))
        self._insert_keys_statement = (
            SQL(
                "INSERT INTO {keys} (subject_id, key, created_at) "
                "SELECT * FROM unnest(%s::text[], %s::bytea[], %s::timestamptz[])"
            )
            .format(keys=keys)
            .as_string(None)
        )
        self._stored_keys_statement = (
            SQL("SELECT subject_id, key FROM {keys} WHERE subject_id = ANY(%s)")
            .format(keys=keys)
            .as_string(None)
        )
        # eventsourcing composes these anew on every save (identifier quoting in Python)
        self._lock_statements = [q.as_string(None) for q in self.lock_table_statements]
        notify = SQL("NOTIFY {0}").format(Identifier(self.channel_name))
        self._notify_statement = notify.as_string(None)
        table = SQL("{0}.{1}").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name)
        )
        id_type = Identifier(self.datastore.originator_id_type)
        # Inserts nothing when one of the read records has a newer event; the table
        # lock taken before it keeps every other writer out until commit.  Rendered
        # once, with plain arrays for the columns (cheaper to send than composites).
        # Each read record is looked up on its own (LATERAL ... LIMIT 1): a join lets
        # the prepared statement keep a plan made while the table was small, which
        # scans the whole table on every save as it grows (ADR 19).
        self._checked_insert_statement = (
            SQL(
                "INSERT INTO {table} (originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(%s::{id_type}[], %s::bigint[], %s::text[], %s::bytea[]) "
                "WHERE NOT EXISTS (SELECT 1 FROM unnest(%s::{id_type}[], %s::bigint[]) "
                "AS r(id, version), LATERAL (SELECT 1 FROM {table} AS e "
                "WHERE e.originator_id = r.id AND e.originator_version > r.version "
                "LIMIT 1) AS newer) "
                "RETURNING notification_id"
            )
            .format(table=table, id_type=id_type)
            .as_string(None)
        )

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        new_keys: NewKeys | None = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        try:
            return super().insert_events(stored_events, new_keys=new_keys, **kwargs)
        except IntegrityError as error:
            if new_keys and _violated_table(error) == KEYS:  # a subject's key, not an event
                raise SubjectKeysExisted(self._stored_keys(new_keys)) from None
            raise

    def _stored_keys(self, new_keys: NewKeys) -> dict[UUID, bytes | None]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._stored_keys_statement, ([str(s) for s in new_keys],))
            rows = curs.fetchall()
        return {UUID(row["subject_id"]): row["key"] for row in rows}

    def _insert_stored_events(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        *,
        unchanged: Unchanged | None = None,
        new_keys: NewKeys | None = None,
        **kwargs: Any,
    ) -> None:
        for lock_statement in self._lock_statements:  # as eventsourcing's _lock_table
            curs.execute(lock_statement, prepare=True)
        curs.execute(self._notify_statement)  # as its _notify_channel
        if new_keys:  # pipelined with the insert; a subject with a key fails them both
            now = datetime.now(UTC)
            keys = ([str(s) for s in new_keys], list(new_keys.values()), [now] * len(new_keys))
            curs.execute(self._insert_keys_statement, keys, prepare=True)
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


def _violated_table(error: IntegrityError) -> str | None:
    """The table whose constraint PostgreSQL reported (eventsourcing keeps psycopg's
    error as the cause)."""
    cause = error.__cause__
    if isinstance(cause, psycopg.Error):
        return cause.diag.table_name
    return None
