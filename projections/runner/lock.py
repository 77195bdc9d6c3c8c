"""One rebuild at a time per view: a second one is refused, clearly.

Two rebuilds of the same view would each drop the other's generation under
construction. A rebuild holds a lock on each view it rebuilds, so rebuilds of other
views may run beside it (several processes sharing the views between them, ADR 75).
The locks are released by the end of the process, however it ends (a crash, a kill),
so a killed rebuild never blocks the next one:
* PostgreSQL: a session-level advisory lock per view (``pg_try_advisory_lock``, keyed
  by the schema and the view's name), held by one connection kept for the rebuild;
* a SQLite file: an exclusive lock on a file per view in a folder beside it
  (``<file>-views-rebuild/<view>.lock``, an empty SQLite database), taken with
  SQLite's own locking, so it does not block the store's writers as a lock on the
  store itself would. Taking it waits up to ``FILE_LOCK_WAIT`` seconds: two takers at
  the same instant each hold a shared lock on the way to the exclusive one, and
  without a wait SQLite refuses both; with it, one backs off and the other gets it;
* a database in memory: a lock of the process per view.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from salesdomain.projections.schema import REBUILD_LOCK
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError


class RebuildInProgress(RuntimeError):
    """Another rebuild of a view is running on this store."""

    def __init__(self, view: str, where: str) -> None:
        self.view = view
        self.where = where
        super().__init__(
            f"another rebuild of the view {view} is running on {where}; "
            "run it again when that one has finished"
        )

    def __reduce__(self) -> tuple[type[RebuildInProgress], tuple[str, str]]:
        return (RebuildInProgress, (self.view, self.where))  # raised again in another process


@contextmanager
def rebuild_lock(engine: Engine, views: Iterable[str], wait: float | None = None) -> Iterator[None]:
    """Hold the rebuild lock of each of ``views``, or raise ``RebuildInProgress`` at once
    (holding none) if another rebuild holds one of them.  ``wait``: the seconds a
    SQLite lock file is waited for (default ``FILE_LOCK_WAIT``; 0 for a caller that only
    skips a view whose lock is held)."""
    names = sorted(set(views))
    if engine.dialect.name == "postgresql":
        with _postgres_locks(engine, names):
            yield
        return
    path = _sqlite_file(engine)
    with ExitStack() as held:
        for name in names:
            if path is None:
                held.enter_context(_process_lock(engine, name))
            else:
                held.enter_context(_file_lock(path, name, wait))
        yield


_VIEW_KEY = "hashtext(coalesce(current_schema(), '') || '/' || :view)"
"""The second key of a view's lock: its schema and its name."""


@contextmanager
def _postgres_locks(engine: Engine, names: list[str]) -> Iterator[None]:
    with engine.connect() as conn:
        taken: list[str] = []
        try:
            for name in names:
                got = conn.execute(
                    text(f"SELECT pg_try_advisory_lock(:kind, {_VIEW_KEY})"),
                    {"kind": REBUILD_LOCK, "view": name},
                ).scalar_one()
                conn.commit()
                if not got:
                    raise RebuildInProgress(name, "this PostgreSQL schema")
                taken.append(name)
            yield
        finally:
            _postgres_unlock(conn, taken)


def _postgres_unlock(conn: Connection, names: list[str]) -> None:
    try:
        for name in names:
            conn.execute(
                text(f"SELECT pg_advisory_unlock(:kind, {_VIEW_KEY})"),
                {"kind": REBUILD_LOCK, "view": name},
            )
        conn.commit()
    except DBAPIError:
        conn.invalidate()  # the session ends, and its locks with it


def in_memory(engine: Engine) -> bool:
    """Whether the engine's SQLite database lives in memory (no other process reaches
    it).  A PostgreSQL engine never does."""
    if engine.dialect.name == "postgresql":
        return False
    database = engine.url.database
    return not database or database == ":memory:" or "mode=memory" in database


def _sqlite_file(engine: Engine) -> str | None:
    return None if in_memory(engine) else engine.url.database


FILE_LOCK_WAIT = 0.25
"""Seconds a rebuild waits for a view's SQLite lock file before it is refused."""


def lock_folder(path: str) -> Path:
    """The folder of the views' lock files beside the SQLite file ``path``."""
    return Path(f"{path}-views-rebuild")


@contextmanager
def _file_lock(path: str, name: str, wait: float | None) -> Iterator[None]:
    folder = lock_folder(path)
    folder.mkdir(exist_ok=True)
    lock = sqlite3.connect(
        folder / f"{name}.lock",
        timeout=FILE_LOCK_WAIT if wait is None else wait,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        try:
            lock.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as busy:
            if "locked" not in str(busy):
                raise
            raise RebuildInProgress(name, path) from None
        try:
            yield
        finally:
            lock.execute("ROLLBACK")
    finally:
        lock.close()


_PROCESS_LOCKS: weakref.WeakKeyDictionary[Engine, dict[str, threading.Lock]] = (
    weakref.WeakKeyDictionary()
)
_GUARD = threading.Lock()


@contextmanager
def _process_lock(engine: Engine, name: str) -> Iterator[None]:
    with _GUARD:
        lock = _PROCESS_LOCKS.setdefault(engine, {}).setdefault(name, threading.Lock())
    if not lock.acquire(blocking=False):
        raise RebuildInProgress(name, "this database in memory")
    try:
        yield
    finally:
        lock.release()
