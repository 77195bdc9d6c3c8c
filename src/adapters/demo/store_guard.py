"""Which store the demo may fill, and which it may recreate (ADR 57).

The demo runs on an empty store, or recreates a SQLite file it made itself (marked
with ``PRAGMA application_id``) when nothing else has it open.  Any other store that
holds events, a file that is no SQLite database, and a demo store in use by another
program (a server, a view follower) are refused, and nothing is deleted."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from salesdomain.adapters.master_keys import key_file_beside
from salesdomain.adapters.store import StoreConfig, parse_database_url

DEMO_MARK = 0x53444D4F  # "SDMO" in the SQLite header: a store the demo made
EVENTS_TABLE = "stored_events"


class DemoStoreRefused(Exception):
    """The demo will not run on (or recreate) this store; the message says why."""


def prepare_demo_store(url: str) -> None:
    """Make ``url`` ready for the demo: an existing SQLite store the demo made is
    deleted (with its master keys) and a new one marked; anything else that holds
    events is refused (``DemoStoreRefused``) with nothing deleted."""
    config = parse_database_url(url)
    if config.kind != "sqlite":
        return
    path = Path(config.env["SQLITE_DBNAME"])
    if path.exists():
        _recreate_or_refuse(config, path)
    _mark(path)


def refuse_store_with_events(url: str, events: int) -> None:
    """The demo's check of a store it did not make (PostgreSQL, or an empty SQLite
    file it found): events already there are someone's, not the demo's."""
    if events:
        older = (
            " (a demo's file from before 0.2.0 carries no mark: delete it yourself)"
            if url.startswith("sqlite")
            else ""
        )
        raise DemoStoreRefused(
            f"{url} already holds {events:,} stored events that the demo did not write; "
            "the demo runs only on an empty store (or recreates a SQLite file it made): "
            f"give it another --database-url{older}"
        )


def _recreate_or_refuse(config: StoreConfig, path: Path) -> None:
    try:
        with closing(sqlite3.connect(path, timeout=0)) as conn:
            marked = conn.execute("PRAGMA application_id").fetchone()[0] == DEMO_MARK
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            events = (
                conn.execute(f"SELECT count(*) FROM {EVENTS_TABLE}").fetchone()[0]
                if EVENTS_TABLE in tables
                else 0
            )
    except sqlite3.DatabaseError as error:
        if _busy(error):
            raise _in_use(config.url) from None
        raise DemoStoreRefused(
            f"{path} is not a salesdomain store ({error}); the demo does not replace it: "
            "give it another --database-url"
        ) from None
    if tables and EVENTS_TABLE not in tables:
        raise DemoStoreRefused(
            f"{path} is a database of another program; the demo does not write into it: "
            "give it another --database-url"
        )
    if not marked:
        refuse_store_with_events(config.url, events)
        return
    if _in_use_by_others(path):
        raise _in_use(config.url)
    for made in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), key_file_beside(str(path))):
        made.unlink(missing_ok=True)


def _in_use_by_others(path: Path) -> bool:
    """Whether another connection has the file open: a store in WAL mode (as
    eventsourcing keeps it) is held under a shared lock by every open connection, so
    an exclusive lock taken without waiting fails while one exists."""
    try:
        with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as conn:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if _busy(error):
            return True
        raise
    return False


def _busy(error: sqlite3.DatabaseError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _in_use(url: str) -> DemoStoreRefused:
    return DemoStoreRefused(
        f"{url} is in use by another program (a server or a view follower?); the demo "
        "does not recreate a store while it is open: stop that program first, or give "
        "the demo another --database-url"
    )


def _mark(path: Path) -> None:
    """Mark the file as the demo's, so that the next run may recreate it."""
    with closing(sqlite3.connect(path, timeout=10)) as conn:
        conn.execute(f"PRAGMA application_id={DEMO_MARK}")
        conn.commit()
