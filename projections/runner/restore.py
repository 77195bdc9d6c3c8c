"""Filling an empty view from a checkpoint of another (the live views' copy, ADR 40),
page by page: memory holds one page of rows, whatever the size of the view.

Between two SQLite databases the values are copied as SQLite stores them (the same
column types store them the same way on both sides), through the driver, without
converting each value to Python and back: at a million events this is most of the
cost of the past views.  Otherwise (PostgreSQL live views) each row goes through the
column types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesdomain.projections.runner.checkpoints import rows_at
from salesdomain.projections.runner.state import move_position
from sqlalchemy import Select, Table, insert
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from salesdomain.projections.runner.generations import _Generations

RESTORE_PAGE = 5_000
"""Rows copied per statement when a view is filled from a checkpoint."""


def restore_checkpoint(
    source: _Generations, generation: int, position: int, target: _Generations
) -> None:
    """Fill ``target``'s active generation (empty, at position 0) with the rows of
    ``source``'s ``generation`` as they stood at its checkpoint at ``position``, and
    put it at that position, in one transaction of ``target``'s database."""
    into = target.active_generation()
    tables = target.tables(into)
    raw = source.engine.dialect.name == target.engine.dialect.name == "sqlite"
    with source.engine.connect() as reading, target.engine.begin() as writing:
        for logical, table in tables.items():
            query = rows_at(source, generation, logical, position)
            if raw:
                _copy_stored(reading, writing, query, table)
            else:
                _copy_typed(reading, writing, query, table)
        if not move_position(writing, target.projection.name, into, 0, position):
            raise RuntimeError(
                f"view {target.projection.name} generation {into} moved while it was restored"
            )


def _copy_typed(reading: Connection, writing: Connection, query: Select[Any], table: Table) -> None:
    found = reading.execution_options(yield_per=RESTORE_PAGE).execute(query)
    for rows in found.partitions():
        writing.execute(insert(table), [dict(row._mapping) for row in rows])


def _copy_stored(
    reading: Connection, writing: Connection, query: Select[Any], table: Table
) -> None:
    """SQLite to SQLite: the stored values as they are.  The query's only parameters are
    log positions (integers), rendered in the statement."""
    sql = str(query.compile(reading.engine, compile_kwargs={"literal_binds": True}))
    quote = writing.dialect.identifier_preparer
    columns = ", ".join(quote.quote(c.name) for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    add = f"INSERT INTO {quote.format_table(table)} ({columns}) VALUES ({marks})"
    found = reading.execution_options(stream_results=True).exec_driver_sql(sql)
    for rows in found.partitions(RESTORE_PAGE):
        writing.exec_driver_sql(add, [tuple(row) for row in rows])
