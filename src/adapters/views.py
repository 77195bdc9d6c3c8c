"""Where read models live (the same database as the events, or their own), as
SQLAlchemy sees it; and the event store's database, for what is kept beside the events."""

from __future__ import annotations

from typing import Any

from salesdomain.adapters.store import StoreConfig
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

CONNECT_TIMEOUT_SECONDS = 5
"""How long a read waits to reach PostgreSQL before it fails (a 503 on the web)."""


_SESSION_SETTINGS = ("jit=off",)
"""PostgreSQL settings of every connection of these engines (ADR 73): no JIT compilation.
A read of the views is short; PostgreSQL compiles a statement whose estimated cost
passes ``jit_above_cost``, and a correlated look-up it never runs can inflate the
estimate: the dashboard's customer counts (50 ms) spent 165 ms compiling."""


_VIEW_SETTINGS = ("synchronous_commit=off",)
"""PostgreSQL settings of the views' connections only (ADR 76): a commit does not wait
for its write-ahead log to reach the disk.  A crash can lose the last commits, never
half of one: each commit moves the view's position with its rows, so the view applies
those events again from the log, which is kept with full durability."""


def view_engine(config: StoreConfig) -> Engine:
    """The views' engine on ``config``'s database: ``store_engine``'s, except that its
    commits do not wait for the disk (ADR 76): on PostgreSQL ``synchronous_commit=off``,
    on a SQLite file in WAL mode ``synchronous=NORMAL`` (in another journal mode, where
    that could corrupt the file on a power cut, it keeps SQLite's default); and on
    SQLite, a page the views free is not overwritten on disk (ADR 80)."""
    engine = store_engine(config, _VIEW_SETTINGS)
    if config.kind == "sqlite":
        event.listen(engine, "connect", _sqlite_view_settings)
    return engine


def _sqlite_view_settings(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: in WAL mode, sync the log at its checkpoints, not at every commit (ADR
    76); overwrite deleted content with zeros only where that writes nothing more
    (``secure_delete=FAST``, ADR 80: the views hold no personal data, ADR 33, and
    SQLite builds that turn secure delete on write every page a rebuild frees)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA secure_delete = FAST")
        (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() == "wal":
            cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def store_engine(config: StoreConfig, settings: tuple[str, ...] = ()) -> Engine:
    """A SQLAlchemy engine on the store's database (its schema on PostgreSQL), with the
    PostgreSQL ``settings`` besides ``jit=off``; for the in-memory event store, an
    in-memory SQLite database of its own."""
    if config.kind == "memory":
        return create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    if config.kind == "sqlite":
        return create_engine(
            f"sqlite:///{config.env['SQLITE_DBNAME']}", connect_args={"timeout": 30}
        )
    e = config.env
    password = f":{e['POSTGRES_PASSWORD']}" if e.get("POSTGRES_PASSWORD") else ""
    url = (
        f"postgresql+psycopg://{e['POSTGRES_USER']}{password}@{e['POSTGRES_HOST']}:"
        f"{e['POSTGRES_PORT']}/{e['POSTGRES_DBNAME']}"
    )
    options: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    search_path = [f"search_path={config.schema}"] if config.schema else []
    options["options"] = " ".join(
        f"-c{setting}" for setting in (*_SESSION_SETTINGS, *settings, *search_path)
    )
    return create_engine(url, connect_args=options, pool_pre_ping=True)
