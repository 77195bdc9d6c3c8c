"""Filling an empty view from a checkpoint of another (the live views' copy, ADR 40),
page by page: memory holds one page of rows, whatever the size of the view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesdomain.projections.runner.checkpoints import rows_at
from salesdomain.projections.runner.state import _now, projection_state
from sqlalchemy import insert, update

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
    with source.engine.connect() as reading, target.engine.begin() as writing:
        for logical, table in tables.items():
            found = reading.execution_options(yield_per=RESTORE_PAGE).execute(
                rows_at(source, generation, logical, position)
            )
            for rows in found.partitions():
                writing.execute(insert(table), [dict(row._mapping) for row in rows])
        writing.execute(
            update(projection_state)
            .where(
                projection_state.c.name == target.projection.name,
                projection_state.c.generation == into,
                projection_state.c.position == 0,
            )
            .values(position=position, updated_at=_now())
        )
