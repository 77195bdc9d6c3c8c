"""The PostgreSQL checking recorder: the check in the insert, after the table lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composable, Identifier
from salesdomain.adapters.key_store import (
    MasterKeyRetired,
    SubjectKeysExisted,
    WrappedKey,
    is_foreign_key_violation,
)
from salesdomain.adapters.recorders.common import KEYS, NewKeys, Unchanged

from salesdomain.application import ReadRecordsMoved


class PostgresCheckingRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        events = SQL("{0}.{1}").format(
            Identifier(self.datastore.schema), Identifier(self.events_table_name)
        )
        self._positions_statement = (
            SQL(
                "SELECT e.notification_id FROM unnest(%s::{id_type}[], %s::bigint[]) "
                "WITH ORDINALITY AS k(id, version, n) JOIN {events} AS e "
                "ON e.originator_id = k.id AND e.originator_version = k.version ORDER BY k.n"
            )
            .format(events=events, id_type=Identifier(self.datastore.originator_id_type))
            .as_string(None)
        )
        # eventsourcing's optional database function inserts without the check.
        self.checks_unchanged = self.writes_new_keys = not datastore.enable_db_functions
        keys = SQL("{0}.{1}").format(Identifier(self.datastore.schema), Identifier(KEYS))
        self._insert_keys_statement = (
            SQL(
                "INSERT INTO {keys} (subject_id, key, master_key_id, created_at) "
                "SELECT * FROM unnest(%s::text[], %s::bytea[], %s::text[], %s::timestamptz[])"
            )
            .format(keys=keys)
            .as_string(None)
        )
        self._stored_keys_statement = (
            SQL("SELECT subject_id, key, master_key_id FROM {keys} WHERE subject_id = ANY(%s)")
            .format(keys=keys)
            .as_string(None)
        )
        # eventsourcing composes these anew on every save (identifier quoting in Python)
        self._lock_statements = [_text(q) for q in self.lock_table_statements]
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

    def positions_of(self, keys: Sequence[tuple[UUID, int]]) -> list[int]:
        """The log positions of the stored events ``keys`` (record id, version), in
        that order (a command sent again answers with them)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                self._positions_statement,
                ([key for key, _ in keys], [version for _, version in keys]),
            )
            return [int(row["notification_id"]) for row in curs.fetchall()]

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        new_keys: NewKeys | None = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        try:
            ids: Sequence[int] | None = super().insert_events(
                stored_events, new_keys=new_keys, **kwargs
            )
            return ids
        except IntegrityError as error:
            if new_keys and _violated_table(error) == KEYS:  # a subject's key, not an event
                if is_foreign_key_violation(error.__cause__):
                    raise MasterKeyRetired() from None
                raise SubjectKeysExisted(self._stored_keys(new_keys)) from None
            raise

    def _stored_keys(self, new_keys: NewKeys) -> dict[UUID, WrappedKey | None]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._stored_keys_statement, ([str(s) for s in new_keys],))
            rows = curs.fetchall()
        return {
            UUID(row["subject_id"]): (
                None if row["key"] is None else WrappedKey(row["master_key_id"], row["key"])
            )
            for row in rows
        }

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
            keys = (
                [str(s) for s in new_keys],
                [key.sealed for key in new_keys.values()],
                [key.master_key_id for key in new_keys.values()],
                [now] * len(new_keys),
            )
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


def _text(query: object) -> str:
    """A statement eventsourcing composed, as the text psycopg would send."""
    if isinstance(query, str):
        return query
    if isinstance(query, Composable):
        return query.as_string(None)
    raise TypeError(f"not a SQL statement: {query!r}")
