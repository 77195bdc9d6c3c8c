"""Where the key of each data subject lives (ADR 13).

One row per data subject in ``data_subject_keys``, in the same database as the events
(its schema on PostgreSQL); in memory for ``memory://``.  A key is created the first
time a value of the subject is stored.  Forgetting the subject overwrites the key with
NULL and keeps the row as a tombstone, so no new key is ever made for that subject.
While an erasure is under way the row names the record that owns the subject
(``forgetting_record``), so an erasure cut short by a crash can be completed.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from salesdomain.adapters.store import StoreConfig
from salesdomain.projections.schema import create_tables, schema_transaction
from salesdomain.projections.types import UtcDateTime
from sqlalchemy import (
    Column,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from salesdomain.errors import SopRuleViolation
from salesdomain.rules.data import NO_PERSONAL_DATA_AFTER_FORGETTING

KEY_BYTES = 32  # AES-256

METADATA = MetaData()
data_subject_keys = Table(
    "data_subject_keys",
    METADATA,
    Column("subject_id", String(36), primary_key=True),
    Column("key", LargeBinary),
    Column("created_at", UtcDateTime, nullable=False),
    Column("forgetting_record", String(36)),
    Column("forgotten_at", UtcDateTime),
)


class SubjectForgotten(SopRuleViolation):
    """New personal data for a subject who was forgotten is refused."""

    def __init__(self, subject_id: UUID) -> None:
        super().__init__(NO_PERSONAL_DATA_AFTER_FORGETTING, f"subject {subject_id}")


class SubjectKeysExisted(Exception):
    """Raised by a recorder that writes new keys with the events (ADR 19): another
    writer stored keys for some of these subjects first; ``keys`` holds them (None: the
    subject was forgotten).  Nothing was saved."""

    def __init__(self, keys: dict[UUID, bytes | None]) -> None:
        super().__init__(f"{len(keys)} data subject(s) already had a key")
        self.keys = keys


class KeyStore(Protocol):
    def key(self, subject_id: UUID) -> bytes | None:
        """The subject's key; None when there is none (never made, or destroyed)."""

    def key_or_new(self, subject_id: UUID) -> bytes:
        """The subject's key, made now if there is none; ``SubjectForgotten`` if the
        subject was forgotten."""

    def mark_forgetting(self, subject_id: UUID, record_id: UUID) -> None: ...

    def unmark_forgetting(self, subject_id: UUID) -> None: ...

    def destroy(self, subject_id: UUID) -> None: ...

    def pending(self) -> list[tuple[UUID, UUID]]:
        """(subject, owning record) of erasures begun and not finished."""

    def close(self) -> None: ...


def _now() -> datetime:
    return datetime.now(UTC)


class MemoryKeyStore:
    """Keys of the in-memory event store: a dictionary, gone with the process."""

    def __init__(self) -> None:
        self._rows: dict[UUID, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def key(self, subject_id: UUID) -> bytes | None:
        row = self._rows.get(subject_id)
        return None if row is None else row["key"]

    def key_or_new(self, subject_id: UUID) -> bytes:
        with self._lock:
            row = self._rows.setdefault(
                subject_id, {"key": os.urandom(KEY_BYTES), "forgetting": None, "gone": False}
            )
        if row["key"] is None:
            raise SubjectForgotten(subject_id)
        return bytes(row["key"])

    def mark_forgetting(self, subject_id: UUID, record_id: UUID) -> None:
        with self._lock:
            row = self._rows.setdefault(
                subject_id, {"key": None, "forgetting": None, "gone": False}
            )
            row["forgetting"] = record_id

    def unmark_forgetting(self, subject_id: UUID) -> None:
        with self._lock:
            row = self._rows.get(subject_id)
            if row is not None and row["key"] is None and not row["gone"]:
                del self._rows[subject_id]  # marked without ever having had a key
            elif row is not None:
                row["forgetting"] = None

    def destroy(self, subject_id: UUID) -> None:
        with self._lock:
            self._rows[subject_id] = {"key": None, "forgetting": None, "gone": True}

    def close(self) -> None:
        pass

    def pending(self) -> list[tuple[UUID, UUID]]:
        with self._lock:
            return [(s, r["forgetting"]) for s, r in self._rows.items() if r["forgetting"]]


class SqlKeyStore:
    """Keys in ``data_subject_keys`` beside the events (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with schema_transaction(engine) as conn:  # several processes may start at once
            create_tables(conn, METADATA.sorted_tables)
        self._t = data_subject_keys

    def _row(self, subject_id: UUID) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                select(self._t.c.key, self._t.c.forgotten_at).where(
                    self._t.c.subject_id == str(subject_id)
                )
            ).first()

    def key(self, subject_id: UUID) -> bytes | None:
        row = self._row(subject_id)
        return None if row is None or row.key is None else bytes(row.key)

    def key_or_new(self, subject_id: UUID) -> bytes:
        with self.engine.begin() as conn:
            conn.execute(
                _insert(conn, self._t)
                .values(subject_id=str(subject_id), key=os.urandom(KEY_BYTES), created_at=_now())
                .on_conflict_do_nothing(index_elements=["subject_id"])
            )
            key = conn.execute(
                select(self._t.c.key).where(self._t.c.subject_id == str(subject_id))
            ).scalar_one()
        if key is None:
            raise SubjectForgotten(subject_id)
        return bytes(key)

    def mark_forgetting(self, subject_id: UUID, record_id: UUID) -> None:
        with self.engine.begin() as conn:
            statement = _insert(conn, self._t).values(
                subject_id=str(subject_id),
                key=None,
                created_at=_now(),
                forgetting_record=str(record_id),
            )
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=["subject_id"], set_={"forgetting_record": str(record_id)}
                )
            )

    def unmark_forgetting(self, subject_id: UUID) -> None:
        row = self._t.c
        with self.engine.begin() as conn:
            conn.execute(  # marked without ever having had a key: no row at all
                self._t.delete().where(
                    row.subject_id == str(subject_id), row.key.is_(None), row.forgotten_at.is_(None)
                )
            )
            conn.execute(
                update(self._t)
                .where(self._t.c.subject_id == str(subject_id))
                .values(forgetting_record=None)
            )

    def destroy(self, subject_id: UUID) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(self._t)
                .where(self._t.c.subject_id == str(subject_id))
                .values(key=None, forgetting_record=None, forgotten_at=_now())
            )
        self._scrub_old_copies()

    def pending(self) -> list[tuple[UUID, UUID]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(self._t.c.subject_id, self._t.c.forgetting_record).where(
                    self._t.c.forgetting_record.is_not(None)
                )
            ).all()
        return [(UUID(r.subject_id), UUID(r.forgetting_record)) for r in rows]

    def close(self) -> None:
        self.engine.dispose()

    def _scrub_old_copies(self) -> None:
        """Best effort against old copies of a destroyed key in the database's own
        files: SQLite overwrites freed content (secure_delete) and the write-ahead log
        is checkpointed and truncated; PostgreSQL vacuums the table.  Backups, WAL
        archives and replicas are not reached (docs/personal-data.md)."""
        statement = (
            "PRAGMA wal_checkpoint(TRUNCATE)"
            if self.engine.dialect.name == "sqlite"
            else "VACUUM data_subject_keys"
        )
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(statement))
        except DBAPIError:
            pass  # busy readers: the next checkpoint or autovacuum does it


def _insert(conn: Any, table: Table) -> Any:
    """The dialect's INSERT, whose ``on_conflict_do_nothing`` the key store uses."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def key_store_for(config: StoreConfig) -> KeyStore:
    if config.kind == "memory":
        return MemoryKeyStore()
    return SqlKeyStore(_engine(config))


def _engine(config: StoreConfig) -> Engine:
    """At most one idle connection is kept: keys are read rarely (they are cached)."""
    pool = {"poolclass": QueuePool, "pool_size": 1, "max_overflow": 4}
    if config.kind == "sqlite":
        engine = create_engine(
            f"sqlite:///{config.env['SQLITE_DBNAME']}", connect_args={"timeout": 30}, **pool
        )

        @event.listens_for(engine, "connect")
        def _secure_delete(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA secure_delete = ON")

        return engine
    e = config.env
    password = f":{e['POSTGRES_PASSWORD']}" if e.get("POSTGRES_PASSWORD") else ""
    url = (
        f"postgresql+psycopg://{e['POSTGRES_USER']}{password}@{e['POSTGRES_HOST']}:"
        f"{e['POSTGRES_PORT']}/{e['POSTGRES_DBNAME']}"
    )
    options = {"options": f"-csearch_path={config.schema}"} if config.schema else {}
    return create_engine(url, connect_args=options, pool_pre_ping=True, **pool)
