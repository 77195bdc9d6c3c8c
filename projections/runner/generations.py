"""A runner's projection, engine and log, and the projection's tables by generation
(the one serving reads, one being built)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from salesdomain.projections.projection import BUILT_BY, Projection
from salesdomain.projections.runner.changed_rows import ChangedRows
from salesdomain.projections.runner.state import STATE, add_state_row, projection_state, state_row
from salesdomain.projections.schema import (
    add_missing_columns,
    create_tables,
    schema_transaction,
)
from salesdomain.projections.statements import Statements
from sqlalchemy import Engine, MetaData, Table, inspect, select
from sqlalchemy.engine import Connection


class EventLog(Protocol):
    """The one ordered log of events, as projections read it."""

    def head(self) -> int: ...

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any]]: ...


class _Generations:
    """A runner's projection, engine and log, and the tables of each generation."""

    def __init__(self, projection: Projection, engine: Engine, log: EventLog) -> None:
        self.projection = projection
        self.engine = engine
        self.log = log
        self._tables: dict[int, dict[str, Table]] = {}
        self._statements = Statements(engine.dialect)
        self.changed_rows: dict[int, ChangedRows] = {}
        """By generation: the rows this runner changed since its last checkpoint."""
        self.kept: dict[int, dict[str, Table]] = {}
        """By generation: the tables of its checkpoints (``checkpoints.kept_tables``)."""
        with schema_transaction(engine) as conn:  # several processes may start at once
            create_tables(conn, STATE.sorted_tables)
            add_missing_columns(conn, projection_state, ["version"])
            active = self._generation(conn, "active")
            if active is None:
                self._start_generation(conn, 1, "active")
            else:  # a view an earlier version built serves reads until rebuilt: with the
                # tables, columns (empty) and indexes this version added; a query that
                # needs what only a rebuild fills in asks ``built_by`` (ADR 41)
                tables = self.tables(active, conn).values()
                existing = set(inspect(conn).get_table_names())
                for table in tables:
                    if table.name in existing:
                        add_missing_columns(conn, table, [c.name for c in table.c if c.nullable])
                create_tables(conn, tables)

    def tables(
        self, generation: int | None = None, conn: Connection | None = None
    ) -> dict[str, Table]:
        """The projection's tables of ``generation`` (default: the one serving reads);
        ``conn``: the connection to look its version up on (default: a new one)."""
        if generation is None:
            generation = self.active_generation()
        if generation not in self._tables:
            if conn is None:
                with self.engine.connect() as new:
                    built_by = self._built_by(new, generation)
            else:
                built_by = self._built_by(conn, generation)
            metadata = MetaData(info={BUILT_BY: built_by})
            prefix = f"{self.projection.name}_g{generation}_"
            self._tables[generation] = self.projection.define(metadata, prefix)
        return self._tables[generation]

    def _built_by(self, conn: Connection, generation: int) -> int:
        """The version of the code that built ``generation`` (0: a release that did not
        record it; one not started yet: this code's)."""
        row = conn.execute(
            select(projection_state.c.version).where(state_row(self.projection.name, generation))
        ).first()
        if row is None:
            return self.projection.version
        return 0 if row[0] is None else int(row[0])

    def active_generation(self) -> int:
        with self.engine.connect() as conn:
            generation = self._generation(conn, "active")
        assert generation is not None
        return generation

    def _generation(self, conn: Connection, status: str) -> int | None:
        row = conn.execute(
            select(projection_state.c.generation).where(
                projection_state.c.name == self.projection.name,
                projection_state.c.status == status,
            )
        ).first()
        return None if row is None else int(row[0])

    def _start_generation(self, conn: Connection, generation: int, status: str) -> None:
        """Create the generation's tables; one being built gets its lookup indexes
        only when it is complete (``finish_rebuild``), as one sort is cheaper than
        keeping them up to date row by row, and nobody reads it meanwhile."""
        tables = self.tables(generation, conn).values()
        create_tables(conn, tables, lookup_indexes=status != "building")
        add_state_row(conn, self.projection.name, generation, status, self.projection.version)
