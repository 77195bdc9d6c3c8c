"""One URL configures where events are stored.

* ``sqlite:///salesdomain.db`` (the default; a file in the working directory)
* ``memory://`` (in-process, for unit tests and experiments)
* ``postgresql://user[:password]@host[:port]/dbname[?schema=name]`` (production)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///salesdomain.db"
DATABASE_URL_VARIABLE = "SALESDOMAIN_DATABASE_URL"


class BadDatabaseUrl(ValueError):
    def __init__(self, url: str, problem: str, variable: str = DATABASE_URL_VARIABLE) -> None:
        super().__init__(f"{variable} '{url}': {problem}")
        self.url, self.problem = url, problem


@dataclass(frozen=True)
class StoreConfig:
    url: str
    kind: str  # "memory", "sqlite" or "postgres"
    env: dict[str, str]
    schema: str = ""

    def postgres_dsn(self) -> str:
        e = self.env
        password = f" password={e['POSTGRES_PASSWORD']}" if e.get("POSTGRES_PASSWORD") else ""
        return (
            f"host={e['POSTGRES_HOST']} port={e['POSTGRES_PORT']} "
            f"dbname={e['POSTGRES_DBNAME']} user={e['POSTGRES_USER']}{password}"
        )


def database_url(url: str | None = None) -> str:
    return url or os.environ.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL


def parse_database_url(url: str) -> StoreConfig:
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "memory":
        return StoreConfig(url, "memory", {"PERSISTENCE_MODULE": "eventsourcing.popo"})
    if scheme == "sqlite":
        path = unquote(url.split(":///", 1)[1]) if ":///" in url else ""
        if not path:
            raise BadDatabaseUrl(url, "a SQLite URL names a file: sqlite:///salesdomain.db")
        if ":memory:" in path or "mode=memory" in path:
            raise BadDatabaseUrl(
                url,
                "an in-memory SQLite database lasts only as long as its connection; "
                "use memory:// for a store in this process, or name a file",
            )
        return StoreConfig(
            url,
            "sqlite",
            {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": path,
                "SQLITE_LOCK_TIMEOUT": "10",
                "APPLICATION_RECORDER_TOPIC": (
                    "salesdomain.adapters.recorders.sqlite:SQLiteCheckingRecorder"
                ),
            },
        )
    if scheme in ("postgresql", "postgres"):
        dbname = parts.path.lstrip("/")
        if not dbname:
            raise BadDatabaseUrl(url, "a PostgreSQL URL names its database")
        if find_spec("psycopg") is None:
            raise BadDatabaseUrl(
                url, "PostgreSQL needs the postgres extra: pip install 'salesdomain[postgres]'"
            )
        schema = parse_qs(parts.query).get("schema", [""])[0]
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_LOCK_TIMEOUT": "10",
            "APPLICATION_RECORDER_TOPIC": (
                "salesdomain.adapters.recorders.postgres:PostgresCheckingRecorder"
            ),
        }
        if schema:
            env["POSTGRES_SCHEMA"] = schema
        return StoreConfig(url, "postgres", env, schema)
    raise BadDatabaseUrl(url, "use sqlite:///file.db, memory:// or postgresql://...")


def ensure_schema(config: StoreConfig) -> None:
    """Create the PostgreSQL schema named in the URL if it does not exist yet."""
    if config.kind != "postgres" or not config.schema:
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(config.postgres_dsn(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(config.schema))
        )


STORE_SETUP_LOCK = 0x5D_5A
"""First key of the advisory lock held while a process creates the store's tables (the
second: the schema); the views use their own keys (``salesdomain.projections.schema``)."""


@contextmanager
def store_setup_lock(config: StoreConfig) -> Iterator[None]:
    """Serialise setting up the store between processes that start at once (``uvicorn
    --workers 3``): on PostgreSQL, creating the schema and the event store's tables
    holds a session advisory lock, since eventsourcing's ``CREATE TABLE IF NOT EXISTS``
    and ``CREATE TYPE`` fail when two sessions run them together.  Elsewhere nothing."""
    if config.kind != "postgres":
        yield
        return
    import psycopg

    with psycopg.connect(config.postgres_dsn(), autocommit=True) as conn:
        key = (STORE_SETUP_LOCK, config.schema or "public")
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", key)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)


def _store_unreachable() -> tuple[type[Exception], ...]:
    """The errors of a database that cannot be reached or used, each named (anything
    else is a bug): eventsourcing's (how its recorders report the drivers' connection
    errors, after their own retries), SQLAlchemy's (views, tokens, keys) and psycopg's
    own where the postgres extra is installed.  The CLI answers them with exit 11, the
    web API with 503 ``store_unavailable``."""
    from eventsourcing.persistence import InterfaceError, OperationalError
    from sqlalchemy import exc as sa

    found: list[type[Exception]] = [
        OperationalError,  # eventsourcing: connection lost or refused, pool timed out
        InterfaceError,  # eventsourcing: the connection is closed
        sa.OperationalError,  # SQLAlchemy: the driver's OperationalError
        sa.InterfaceError,  # SQLAlchemy: the driver's InterfaceError (connection closed)
        sa.TimeoutError,  # SQLAlchemy: no connection free in the pool in time
    ]
    if find_spec("psycopg") is not None:
        import psycopg

        found.append(psycopg.OperationalError)  # psycopg used directly (schema, locks)
    return tuple(found)


STORE_UNREACHABLE = _store_unreachable()


def first_line(error: BaseException) -> str:
    """The first line of what ``error`` says (its class's name if it says nothing)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
