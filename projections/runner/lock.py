"""One rebuild at a time per store: a second one is refused, clearly.

Two rebuilds of the same views would each drop the other's generation under
construction. A rebuild holds a lock that its process's end releases, however it
ends (a crash, a kill), so a killed rebuild never blocks the next one:
* PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``), one per
  schema, held by a connection kept for the rebuild;
* a SQLite file: an exclusive lock on a file beside it (``<file>-views-rebuild.lock``,
  an empty SQLite database), taken with SQLite's own locking, so it does not block
  the store's writers as a lock on the store itself would. Taking it waits up to
  ``FILE_LOCK_WAIT`` seconds: two takers at the same instant each hold a shared
  lock on the way to the exclusive one, and without a wait SQLite refuses both;
  with it, one backs off and the other gets the lock;
* a database in memory: a lock of the process.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from salesdomain.projections.schema import REBUILD_LOCK, SCHEMA_KEY
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError


class RebuildInProgress(RuntimeError):
    """Another rebuild of the views is running on this store."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"another rebuild of the views is running on {where}; "
            "run it again when that one has finished"
        )


@contextmanager
def rebuild_lock(engine: Engine) -> Iterator[None]:
    """Hold the store's rebuild lock, or raise ``RebuildInProgress`` at once."""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine):
            yield
        return
    path = _sqlite_file(engine)
    if path is None:
        with _process_lock(engine):
            yield
        return
    with _file_lock(path):
        yield


@contextmanager
def _postgres_lock(engine: Engine) -> Iterator[None]:
    with engine.connect() as conn:
        taken = conn.execute(
            text(f"SELECT pg_try_advisory_lock(:kind, {SCHEMA_KEY})"), {"kind": REBUILD_LOCK}
        ).scalar_one()
        conn.commit()
        if not taken:
            raise RebuildInProgress("this PostgreSQL schema")
        try:
            yield
        finally:
            try:
                conn.execute(
                    text(f"SELECT pg_advisory_unlock(:kind, {SCHEMA_KEY})"),
                    {"kind": REBUILD_LOCK},
                )
                conn.commit()
            except DBAPIError:
                conn.invalidate()  # the session ends, and its locks with it


def _sqlite_file(engine: Engine) -> str | None:
    database = engine.url.database
    if not database or database == ":memory:" or "mode=memory" in database:
        return None
    return database


FILE_LOCK_WAIT = 0.25
"""Seconds a rebuild waits for the SQLite lock file before it is refused."""


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    lock = sqlite3.connect(
        f"{path}-views-rebuild.lock",
        timeout=FILE_LOCK_WAIT,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        try:
            lock.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as busy:
            if "locked" not in str(busy):
                raise
            raise RebuildInProgress(path) from None
        try:
            yield
        finally:
            lock.execute("ROLLBACK")
    finally:
        lock.close()


_PROCESS_LOCKS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


@contextmanager
def _process_lock(engine: Engine) -> Iterator[None]:
    with _GUARD:
        lock = _PROCESS_LOCKS.setdefault(engine, threading.Lock())
    if not lock.acquire(blocking=False):
        raise RebuildInProgress("this database in memory")
    try:
        yield
    finally:
        lock.release()
