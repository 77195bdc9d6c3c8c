"""Creating the read models' tables safely when several processes start at once.

``uvicorn --workers 3`` starts three processes that each create the views' tables.
On PostgreSQL, concurrent ``CREATE TABLE IF NOT EXISTS`` of one table can fail with
"tuple concurrently updated" or a duplicate key in ``pg_type``: the check and the
creation are not one atomic step across sessions. So tables are created in a
transaction that first takes a transaction-level advisory lock
(``pg_advisory_xact_lock``), one per schema: the processes create them one after the
other, and each later one finds them there. On SQLite every statement takes the
database's write lock and ``IF NOT EXISTS`` is decided under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from salesdomain.projections.projection import READ_WHILE_BUILDING
from sqlalchemy import DefaultClause, Engine, Table, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, CreateTable

SCHEMA_LOCK = 0x5D_5C
"""First key of the advisory lock taken while creating tables (the second: the schema)."""

REBUILD_LOCK = 0x5D_5B
"""First key of the advisory lock a rebuild holds (``salesdomain.projections.runner.lock``)."""

SCHEMA_KEY = "hashtext(coalesce(current_schema(), ''))"
"""The second key: the schema the views live in, so stores in other schemas of the
same database do not wait for each other."""


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction in which to create (or drop) tables, serialised between processes
    on PostgreSQL by an advisory lock released at its end."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(f"SELECT pg_advisory_xact_lock(:kind, {SCHEMA_KEY})"),
                {"kind": SCHEMA_LOCK},
            )
        yield conn


def ensure_tables(
    engine: Engine, tables: Iterable[Table], grown: Table, added: Iterable[str]
) -> None:
    """Create the tables that do not exist yet and add to ``grown`` the columns ``added``
    that it lacks when an earlier release made it (in a ``schema_transaction``)."""
    with schema_transaction(engine) as conn:  # several processes may start at once
        create_tables(conn, tables)
        add_missing_columns(conn, grown, added)


def create_tables(
    conn: Connection, tables: Iterable[Table], *, lookup_indexes: bool = True
) -> None:
    """Create the tables (and their indexes) that do not exist yet; without
    ``lookup_indexes``, only the unique ones and those read while the tables are built
    (a generation being built gets the others when complete, ADR 12 and 74)."""
    for table in tables:
        conn.execute(CreateTable(table, if_not_exists=True))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if lookup_indexes or index.unique or index.info.get(READ_WHILE_BUILDING):
                conn.execute(CreateIndex(index, if_not_exists=True))


def create_indexes(conn: Connection, tables: Iterable[Table]) -> None:
    """Create every index of the tables that does not exist yet."""
    for table in tables:
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            conn.execute(CreateIndex(index, if_not_exists=True))


def add_missing_columns(conn: Connection, table: Table, names: Iterable[str]) -> None:
    """Add to an existing ``table`` those of its columns ``names`` that a table created
    by an earlier release lacks (each with its type, server default and the table it
    references)."""
    present = {column["name"] for column in inspect(conn).get_columns(table.name)}
    for name in names:
        if name in present:
            continue
        column = table.c[name]
        kind = column.type.compile(dialect=conn.dialect)
        default = column.server_default
        clause = ""
        if default is not None:
            assert isinstance(default, DefaultClause)
            arg = default.arg
            value = arg if isinstance(arg, str) else str(arg.compile(dialect=conn.dialect))
            clause = f" NOT NULL DEFAULT {value}" if not column.nullable else f" DEFAULT {value}"
        for key in column.foreign_keys:
            clause += f" REFERENCES {key.column.table.name} ({key.column.name})"
        conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}{clause}"))
