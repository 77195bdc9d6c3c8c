"""Where read models live: the same database as the events, as SQLAlchemy sees it."""

from __future__ import annotations

from salesdomain.adapters.store import StoreConfig
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

CONNECT_TIMEOUT_SECONDS = 5
"""How long a read waits to reach PostgreSQL before it fails (a 503 on the web)."""


_SESSION_SETTINGS = ("jit=off",)
"""PostgreSQL settings of every connection to the views (ADR 73): no JIT compilation.
A read of the views is short; PostgreSQL compiles a statement whose estimated cost
passes ``jit_above_cost``, and a correlated look-up it never runs can inflate the
estimate: the dashboard's customer counts (50 ms) spent 165 ms compiling."""


def view_engine(config: StoreConfig) -> Engine:
    """A SQLAlchemy engine on the store's database (its schema on PostgreSQL); for the
    in-memory event store, an in-memory SQLite database of its own."""
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
    settings = [*_SESSION_SETTINGS, *([f"search_path={config.schema}"] if config.schema else [])]
    options["options"] = " ".join(f"-c{setting}" for setting in settings)
    return create_engine(url, connect_args=options, pool_pre_ping=True)
