"""Applying row changes: each shape of change compiled to SQL once, run on the DBAPI cursor.

Building a SQLAlchemy statement, computing its cache key and binding its parameters
for every change cost several times the database's own work (ADR 0012). A change's
shape (kind, table, key columns, value columns) always gives the same SQL, so it is
compiled once per table and dialect, and each change only supplies its values, passed
through the same bind processors SQLAlchemy would use (UTC times, dates, decimals).
A batch is prepared (its SQL and parameters) before its transaction, and then runs
on the connection's own DBAPI cursor, inside the transaction that also moves the
projection's position (ADR 77).  On PostgreSQL the statements are sent in psycopg's
pipeline mode, without waiting for each one's answer (ADR 74).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from salesdomain.projections.changes import Add, Insert, Raise, RowChange, Update, coalesce
from salesdomain.projections.types import UtcDateTime, sqlite_utc_text
from sqlalchemy import Table, bindparam, func, literal_column
from sqlalchemy.engine import Connection, Dialect

Columns = tuple[str, ...]
Shape = tuple[type, str, Columns, Columns]
"""Kind of change, table, key columns, value columns."""


def shape(change: RowChange) -> Shape:
    if isinstance(change, Insert):
        return (Insert, change.table, (), tuple(change.values))
    if isinstance(change, Add):
        return (Add, change.table, tuple(change.key), tuple(change.amounts))
    return (type(change), change.table, tuple(change.key), tuple(change.values))


def _greater(dialect: Dialect, column: Any, value: Any) -> Any:
    """The greater of an integer column and a value (the value if the column is empty):
    PostgreSQL's ``GREATEST`` skips NULL; SQLite's two-argument ``MAX`` would be NULL."""
    if dialect.name == "postgresql":
        return func.greatest(column, value)
    return func.max(func.coalesce(column, literal_column(str(-(2**63) + 1))), value)


def _dialect_insert(dialect: Dialect, table: Table) -> Any:
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def _statement(dialect: Dialect, table: Table, kind: type, key: Columns, values: Columns) -> Any:
    if kind is Insert:
        return table.insert()
    if kind is Update:
        return (
            table.update()
            .where(*[table.c[col] == bindparam(f"key_{col}") for col in key])
            .values({col: bindparam(f"set_{col}") for col in values})
        )
    if kind is Raise:
        return (
            table.update()
            .where(*[table.c[col] == bindparam(f"key_{col}") for col in key])
            .values(
                {col: _greater(dialect, table.c[col], bindparam(f"set_{col}")) for col in values}
            )
        )
    insert = _dialect_insert(dialect, table)
    if kind is Add:
        set_ = {col: table.c[col] + insert.excluded[col] for col in values}
        return insert.on_conflict_do_update(index_elements=list(key), set_=set_)
    if values:  # Upsert
        set_ = {col: insert.excluded[col] for col in values}
        return insert.on_conflict_do_update(index_elements=list(key), set_=set_)
    return insert.on_conflict_do_nothing(index_elements=list(key))


@dataclass(frozen=True)
class CompiledChange:
    """The SQL of one shape and how to turn a change of that shape into parameters."""

    sql: str
    names: tuple[str, ...]  # bind names, in the order the SQL takes them if positional
    fetch: tuple[tuple[str, tuple[str, ...]], ...]  # (attribute of the change, its columns)
    constants: tuple[Any, ...]  # values of the names the change leaves to a default
    order: tuple[int, ...] | None  # fetched values + constants -> names (None: same order)
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    positional: bool

    def parameters(self, change: RowChange) -> Any:
        row: list[Any] = []
        for source, columns in self.fetch:
            row += map(getattr(change, source).__getitem__, columns)
        row += self.constants
        if self.order is not None:
            row = [row[index] for index in self.order]
        for index, process in self.processors:
            row[index] = process(row[index])
        return row if self.positional else dict(zip(self.names, row, strict=True))


def compile_change(
    dialect: Dialect, table: Table, kind: type, key: Columns, values: Columns
) -> CompiledChange:
    columns = list(key) + list(values)
    compiled = _statement(dialect, table, kind, key, values).compile(
        dialect=dialect, column_keys=None if kind in (Update, Raise) else columns
    )
    assert not compiled.escaped_bind_names, "column names needing escapes are not supported"
    names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
    value_source = "amounts" if kind is Add else "values"
    if kind in (Update, Raise):
        bound = [f"key_{col}" for col in key] + [f"set_{col}" for col in values]
    else:
        bound = list(columns)
    defaults = [name for name in names if name not in bound]
    fetched = bound + defaults
    if sorted(fetched) != sorted(names):
        raise ValueError(f"{table.name}: cannot match {names} to the change's {fetched}")
    order = [fetched.index(name) for name in names]
    processors = []
    for index, name in enumerate(names):
        process = _processor(compiled.binds[name].type, dialect)
        if process is not None:
            processors.append((index, process))
    return CompiledChange(
        sql=compiled.string,
        names=names,
        fetch=tuple(
            (source, tuple(cols)) for source, cols in (("key", key), (value_source, values)) if cols
        ),
        constants=tuple(_scalar_default(table, name) for name in defaults),
        order=None if order == list(range(len(names))) else tuple(order),
        processors=tuple(processors),
        positional=compiled.positional,
    )


_PROBES = (
    datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=8))),
    None,
)


def _processor(bind_type: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """SQLAlchemy's bind processor for the type, or a faster one proven equal to it."""
    process = bind_type.dialect_impl(dialect).bind_processor(dialect)
    if (
        isinstance(bind_type, UtcDateTime)
        and dialect.name == "sqlite"
        and process is not None
        and all(sqlite_utc_text(probe) == process(probe) for probe in _PROBES)
    ):
        return sqlite_utc_text
    return process  # type: ignore[no-any-return]


def _scalar_default(table: Table, name: str) -> Any:
    default = table.c[name].default if name in table.c else None
    if default is None or not getattr(default, "is_scalar", False):
        raise ValueError(f"{table.name}.{name} is not given by the change and has no constant")
    return default.arg  # type: ignore[attr-defined]


class Statements:
    """Compiled statements of one projection, by table name and shape."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._compiled: dict[Shape, CompiledChange] = {}

    def compiled(self, table: Table, change: RowChange) -> CompiledChange:
        kind, _, key, values = shape(change)
        found = self._compiled.get((kind, table.name, key, values))
        if found is None:
            found = compile_change(self.dialect, table, kind, key, values)
            self._compiled[(kind, table.name, key, values)] = found
        return found

    def prepare(self, tables: dict[str, Table], changes: list[RowChange]) -> Prepared:
        """The changes as SQL and parameters, in order per table, runs of one shape as
        one ``executemany`` (tables of one projection never depend on each other's
        rows): the Python work of writing them, done before the transaction, which
        then holds SQLite's one write lock only while the database works (ADR 77)."""
        by_table: dict[str, list[RowChange]] = {}
        for change in changes:
            by_table.setdefault(change.table, []).append(change)
        runs: list[tuple[CompiledChange, list[RowChange]]] = []
        for name, table_changes in by_table.items():
            table = tables[name]
            for change in coalesce(table_changes):
                compiled = self.compiled(table, change)
                if runs and runs[-1][0] is compiled:
                    runs[-1][1].append(change)
                else:
                    runs.append((compiled, [change]))
        return Prepared(
            [(compiled.sql, [compiled.parameters(c) for c in run]) for compiled, run in runs]
        )

    def apply_all(
        self, conn: Connection, tables: dict[str, Table], changes: list[RowChange]
    ) -> None:
        """Apply the changes (``prepare``, then ``Prepared.send``)."""
        self.prepare(tables, changes).send(conn)


@dataclass(frozen=True)
class Prepared:
    """Row changes ready to send: each statement's SQL and its rows of parameters."""

    runs: list[tuple[str, list[Any]]]

    def send(self, conn: Connection) -> None:
        """Run the statements on the connection's DBAPI cursor, in its transaction
        (on PostgreSQL, pipelined: ADR 74)."""
        if not self.runs:
            return
        cursor = conn.connection.cursor()
        try:
            with _pipelined(conn):
                for sql, rows in self.runs:
                    execute(cursor, sql, rows)
        finally:
            cursor.close()


def execute(cursor: Any, sql: str, rows: list[Any]) -> None:
    """Send one statement with its rows of parameters (one row: one ``execute``; more:
    one ``executemany``)."""
    if len(rows) == 1:
        cursor.execute(sql, rows[0])
    else:
        cursor.executemany(sql, rows)


def _pipelined(conn: Connection) -> AbstractContextManager[Any]:
    """psycopg's pipeline mode on PostgreSQL: the page's statements are sent without
    waiting for each one's answer (one round trip per statement cost a view's rebuild
    more than the database's work); elsewhere nothing."""
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql" and _pipeline_supported():
        return raw.pipeline()  # type: ignore[no-any-return]
    return nullcontext()


def _pipeline_supported() -> bool:
    """Whether the libpq psycopg runs on has pipeline mode (14 and later: the one
    ``psycopg[binary]`` brings has; a system's older one may not)."""
    import psycopg  # the PostgreSQL dialect has loaded it

    return bool(psycopg.Pipeline.is_supported())
