"""Keys in ``data_subject_keys`` beside the events (SQLite file or PostgreSQL), each
wrapped under a master key kept outside the database (ADR 33)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from salesdomain.adapters.key_store.common import (
    ADDED_COLUMNS,
    METADATA,
    MasterKeyRetired,
    Rewrap,
    SubjectForgotten,
    WrappedKey,
    data_subject_keys,
    is_foreign_key_violation,
    master_keys,
    now,
    retired_master_keys,
)
from salesdomain.adapters.store import StoreConfig
from salesdomain.projections.schema import ensure_tables
from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import QueuePool

ROTATION_LOCK = 0x5D_5E
"""First key of the advisory lock a rotation holds on PostgreSQL (the second: the schema)."""


class SqlKeyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ensure_tables(engine, METADATA.sorted_tables, data_subject_keys, ADDED_COLUMNS)
        self._t = data_subject_keys

    def key(self, subject_id: UUID) -> WrappedKey | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(self._t.c.key, self._t.c.master_key_id).where(
                    self._t.c.subject_id == str(subject_id)
                )
            ).first()
        return None if row is None or row.key is None else WrappedKey(row[1], bytes(row.key))

    def key_or_new(self, subject_id: UUID, new: WrappedKey) -> WrappedKey:
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    _insert(conn, self._t)
                    .values(
                        subject_id=str(subject_id),
                        key=new.sealed,
                        master_key_id=new.master_key_id,
                        created_at=now(),
                    )
                    .on_conflict_do_nothing(index_elements=["subject_id"])
                )
                row = conn.execute(
                    select(self._t.c.key, self._t.c.master_key_id).where(
                        self._t.c.subject_id == str(subject_id)
                    )
                ).one()
        except IntegrityError as error:
            if is_foreign_key_violation(error.orig):
                raise MasterKeyRetired() from None
            raise
        if row.key is None:
            raise SubjectForgotten(subject_id)
        return WrappedKey(row.master_key_id, bytes(row.key))

    def mark_forgetting(self, subject_id: UUID, record_id: UUID) -> None:
        with self.engine.begin() as conn:
            statement = _insert(conn, self._t).values(
                subject_id=str(subject_id),
                key=None,
                created_at=now(),
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

    def pending(self) -> list[tuple[UUID, UUID]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(self._t.c.subject_id, self._t.c.forgetting_record).where(
                    self._t.c.forgetting_record.is_not(None)
                )
            ).all()
        return [(UUID(r.subject_id), UUID(r.forgetting_record)) for r in rows]

    # ---- master keys -----------------------------------------------------------------

    def master_keys(self) -> list[str]:
        with self.engine.connect() as conn:
            return _master_keys(conn)

    def register_first_master_key(self, key_id: str) -> str:
        first = select(
            literal(key_id), literal(1), literal(now(), type_=master_keys.c.created_at.type)
        )
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(master_keys).from_select(
                        ["id", "generation", "created_at"],
                        first.where(~exists(select(master_keys.c.id))),
                    )
                )
        except IntegrityError:
            pass  # another process registered one at the same moment
        return self.master_keys()[-1]

    def add_master_key(self, key_id: str) -> None:
        generation = func.coalesce(func.max(master_keys.c.generation), 0) + 1
        moment = literal(now(), type_=master_keys.c.created_at.type)
        with self.engine.begin() as conn:
            conn.execute(
                insert(master_keys).from_select(
                    ["id", "generation", "created_at"],
                    select(literal(key_id), generation, moment),
                )
            )

    def needs_rewrap(self) -> bool:
        t = self._t.c
        unwrapped = select(t.subject_id).where(t.key.is_not(None), t.master_key_id.is_(None))
        with self.engine.connect() as conn:
            return bool(
                len(_master_keys(conn)) > 1
                or conn.execute(select(retired_master_keys.c.id).limit(1)).first()
                or conn.execute(unwrapped.limit(1)).first()
            )

    def rewrap(self, rewrap: Rewrap, forget: Collection[UUID]) -> tuple[list[str], int]:
        t = self._t.c
        forgotten = [str(subject) for subject in forget]
        with self.engine.begin() as conn:
            _take_write_lock(conn)
            masters = _master_keys(conn)
            current = masters[-1]
            if forgotten:
                conn.execute(
                    update(self._t)
                    .where(t.subject_id.in_(forgotten))
                    .values(
                        key=None, master_key_id=None, forgetting_record=None, forgotten_at=now()
                    )
                )
            rows = conn.execute(
                select(t.subject_id, t.key, t.master_key_id).where(
                    t.key.is_not(None),
                    t.master_key_id.is_(None) | (t.master_key_id != current),
                )
            ).all()
            unwrapped = any(row.master_key_id is None for row in rows)
            changed = [
                (row.subject_id, rewrap(UUID(row.subject_id), WrappedKey(row[2], bytes(row.key))))
                for row in rows
            ]
            if changed:
                conn.execute(
                    update(self._t)
                    .where(t.subject_id == bindparam("subject"))
                    .values(key=bindparam("sealed"), master_key_id=current),
                    [{"subject": s, "sealed": wrapped.sealed} for s, wrapped in changed],
                )
            retired = masters[:-1]
            if retired:
                conn.execute(
                    insert(retired_master_keys),
                    [{"id": key_id, "retired_at": now()} for key_id in retired],
                )
                conn.execute(delete(master_keys).where(master_keys.c.id.in_(retired)))
        self._scrub_old_copies(full=unwrapped)
        return retired, len(changed)

    def retired_master_keys(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(retired_master_keys.c.id)).scalars())

    def drop_retired(self, key_ids: Iterable[str]) -> None:
        gone = list(key_ids)
        if gone:
            with self.engine.begin() as conn:
                conn.execute(delete(retired_master_keys).where(retired_master_keys.c.id.in_(gone)))

    @contextmanager
    def rotation_lock(self) -> Iterator[None]:
        """PostgreSQL: a session advisory lock (processes on several hosts); SQLite: the
        key file's lock is enough (one host)."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        statement = "SELECT pg_advisory_{}(:kind, hashtext(coalesce(current_schema(), '')))"
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(statement.format("lock")), {"kind": ROTATION_LOCK})
            try:
                yield
            finally:
                conn.execute(text(statement.format("unlock")), {"kind": ROTATION_LOCK})

    def close(self) -> None:
        self.engine.dispose()

    def _scrub_old_copies(self, *, full: bool = False) -> None:
        """Old wrapped keys left in the database's files open nothing once their master
        key is destroyed; PostgreSQL vacuums the table to reuse their space.  After keys
        stored in the clear were wrapped (``full``), best effort against old copies:
        SQLite overwrites freed content (secure_delete) and the write-ahead log is
        checkpointed and truncated; PostgreSQL writes the table anew (VACUUM FULL).
        Backups and PostgreSQL's WAL are not reached (docs/personal-data.md)."""
        if self.engine.dialect.name == "sqlite":
            if not full:
                return
            statement = "PRAGMA wal_checkpoint(TRUNCATE)"
        else:
            statement = "VACUUM FULL data_subject_keys" if full else "VACUUM data_subject_keys"
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(statement))
        except DBAPIError:
            pass  # busy readers: the next checkpoint or autovacuum does it


def _master_keys(conn: Connection) -> list[str]:
    return list(conn.execute(select(master_keys.c.id).order_by(master_keys.c.generation)).scalars())


def _take_write_lock(conn: Connection) -> None:
    """Keep every other writer of keys out until commit.  pysqlite begins a transaction
    only at the first write, so SQLite gets one that changes nothing."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE data_subject_keys IN SHARE ROW EXCLUSIVE MODE"))
    else:
        conn.execute(update(master_keys).values(generation=master_keys.c.generation))


def _insert(conn: Any, table: Any) -> Any:
    """The dialect's INSERT, whose ``on_conflict_do_nothing`` the key store uses."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def sql_engine(config: StoreConfig) -> Engine:
    """At most one idle connection is kept: keys are read rarely (they are cached)."""
    pool = {"poolclass": QueuePool, "pool_size": 1, "max_overflow": 4}
    if config.kind == "sqlite":
        engine = create_engine(
            f"sqlite:///{config.env['SQLITE_DBNAME']}", connect_args={"timeout": 30}, **pool
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA secure_delete = ON")
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        return engine
    e = config.env
    password = f":{e['POSTGRES_PASSWORD']}" if e.get("POSTGRES_PASSWORD") else ""
    url = (
        f"postgresql+psycopg://{e['POSTGRES_USER']}{password}@{e['POSTGRES_HOST']}:"
        f"{e['POSTGRES_PORT']}/{e['POSTGRES_DBNAME']}"
    )
    options = {"options": f"-csearch_path={config.schema}"} if config.schema else {}
    return create_engine(url, connect_args=options, pool_pre_ping=True, **pool)
