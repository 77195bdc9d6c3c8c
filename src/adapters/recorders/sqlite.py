"""The SQLite checking recorder: a save in one statement on its own connection (ADR 21)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatabaseError,
    IntegrityError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from salesdomain.adapters.key_store import (
    MasterKeyRetired,
    SubjectKeysExisted,
    WrappedKey,
    is_foreign_key_violation,
)
from salesdomain.adapters.recorders.common import KEYS, NewKeys, Unchanged
from salesdomain.projections.types import sqlite_utc_text

from salesdomain.application import ReadRecordsMoved


class SQLiteCheckingRecorder(SQLiteApplicationRecorder):
    checks_unchanged = True
    writes_new_keys = True
    # SQLite limits a statement's variables (999 before 3.32, 32,766 since, 4 per row);
    # chunks also bound the shapes of statement prepared and cached.
    ROWS_PER_STATEMENT = 100

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self._moved_statement = (
            f"SELECT originator_id FROM {self.events_table_name} "
            "WHERE originator_id=? AND originator_version>? LIMIT 1"
        )
        self._moved_statements: dict[int, str] = {}  # by number of records read
        self._insert_keys_statement = (
            f"INSERT INTO {KEYS} (subject_id, key, master_key_id, created_at) VALUES (?, ?, ?, ?)"
        )
        self._checked_inserts: dict[tuple[int, int], str] = {}  # by (events, records read)
        self._writer = _Writer(datastore)

    def close(self) -> None:
        self._writer.close()

    def non_canonical(self, start: int, limit: int) -> list[tuple[int, str]]:
        """The rows at positions ``start``.. (at most ``limit`` of them) not stored in the
        one form this recorder writes (the hash chain's verification asks, ADR 10):
        SQLite keeps whatever type a value was given and looks rows up by their exact
        text, so an id in upper case or a version of 2.5 reads back the same but is
        found by other queries (or none), and state stored as text is not the bytes
        that were chained.  Each with what is wrong, in words."""
        statement = (
            "SELECT rowid, originator_id, typeof(originator_id) AS id_type, "
            "typeof(originator_version) AS version_type, typeof(topic) AS topic_type, "
            f"typeof(state) AS state_type FROM {self.events_table_name} "
            "WHERE rowid>=? ORDER BY rowid LIMIT ?"
        )
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, (start, limit))
            rows = c.fetchall()
        found = []
        for row in rows:
            problem = _stored_form_problem(row)
            if problem is not None:
                found.append((int(row["rowid"]), problem))
        return found

    def positions_of(self, keys: Sequence[tuple[UUID, int]]) -> list[int]:
        """The log positions of the stored events ``keys`` (record id, version), in
        that order (a command sent again answers with them)."""
        statement = (
            f"SELECT rowid FROM {self.events_table_name} "
            "WHERE originator_id=? AND originator_version=?"
        )
        found = []
        with self.datastore.transaction(commit=False) as c:
            for key, version in keys:
                c.execute(statement, (key.hex, version))
                row = c.fetchone()
                if row is not None:
                    found.append(int(row[0]))
        return found

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
        rows = [(str(s), key.sealed, key.master_key_id, now) for s, key in new_keys.items()]
        try:
            conn.executemany(self._insert_keys_statement, rows)
        except sqlite3.IntegrityError as error:
            if is_foreign_key_violation(error):
                raise MasterKeyRetired() from None
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
    def _stored_keys(conn: sqlite3.Connection, new_keys: NewKeys) -> dict[UUID, WrappedKey | None]:
        marks = ", ".join("?" * len(new_keys))
        rows = conn.execute(
            f"SELECT subject_id, key, master_key_id FROM {KEYS} WHERE subject_id IN ({marks})",
            [str(subject) for subject in new_keys],
        )
        return {
            UUID(row[0]): None if row[1] is None else WrappedKey(row[2], row[1]) for row in rows
        }


class _Writer:
    """The recorder's own connection for writing events, one writer at a time in this
    process (other processes wait on SQLite's lock).  eventsourcing's pool hands out a
    connection per transaction and caches one prepared statement per connection."""

    def __init__(self, datastore: SQLiteDatastore) -> None:
        pool = datastore.pool
        if pool.is_sqlite_memory_mode:  # each connection would have its own database
            raise ValueError(
                "the events are kept in a SQLite file (see salesdomain.adapters.store)"
            )
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
            # a key wrapped under a master key retired meanwhile is refused (ADR 33)
            self._connection.execute("PRAGMA foreign_keys = ON")
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


def _stored_form_problem(row: sqlite3.Row) -> str | None:
    """What is wrong with the stored form of an events row (``None``: nothing)."""
    if row["id_type"] != "text":
        return f"its record id is stored as {row['id_type']}, not text"
    text = row["originator_id"]
    try:
        canonical = UUID(text).hex
    except ValueError:
        return f"its record id {text[:40]!r} is not a UUID"
    if text != canonical:
        return f"its record id {text!r} is not written as the store writes ids ({canonical})"
    for column, wanted in (("version_type", "integer"), ("topic_type", "text")):
        if row[column] != wanted:
            return f"its {column.removesuffix('_type')} is stored as {row[column]}, not {wanted}"
    if row["state_type"] != "blob":
        return f"its state is stored as {row['state_type']}, not the bytes that were chained"
    return None


def _translated(error: sqlite3.Error) -> Exception:
    """As eventsourcing's SQLite transaction reports errors."""
    for raised, reported in _ERRORS:
        if isinstance(error, raised):
            return reported(error)
    return PersistenceError(error)
