"""Processing the log in batches: each batch's rows and the new position committed in
one transaction, the position advanced by compare-and-set, and the event a projection
cannot handle stopping it with a report in its status row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection

from projections.changes import RowChange
from projections.projection import event_name
from projections.runner.generations import _Generations
from projections.runner.state import _now, projection_state


class ProjectionStopped(RuntimeError):
    """A projection could not handle an event; it stays at the event before it."""

    def __init__(self, name: str, position: int, event: str, error: BaseException) -> None:
        self.name = name
        self.position = position
        self.event = event
        super().__init__(
            f"projection {name} stopped at position {position} ({event}): "
            f"{type(error).__name__}: {error}"
        )


class _Positions(_Generations):
    """A runner's position in the log and how it moves: batch by batch."""

    def position(self, generation: int | None = None) -> int:
        generation = generation or self.active_generation()
        with self.engine.connect() as conn:
            return self._position(conn, generation)

    def _position(self, conn: Connection, generation: int) -> int:
        row = conn.execute(
            select(projection_state.c.position).where(
                projection_state.c.name == self.projection.name,
                projection_state.c.generation == generation,
            )
        ).one()
        return int(row[0])

    def run_batch(self, batch_size: int = 500, generation: int | None = None) -> int:
        """Process the next batch; return how many events were applied (0: caught up
        or another runner applied them first).  Raises ``ProjectionStopped``."""
        generation = generation or self.active_generation()
        start = self.position(generation)
        return self.process(self.log.read(start, batch_size), start, generation)

    def process(self, page: Sequence[tuple[int, Any]], start: int, generation: int) -> int:
        """Apply a page of the log that follows position ``start``; see ``run_batch``."""
        if not page:
            return 0
        changes: list[RowChange] = []
        reached = start
        failure: tuple[int, str, BaseException] | None = None
        for position, event in page:
            if event is None:  # not a domain event (e.g. a command record)
                reached = position
                continue
            try:
                changes.extend(self.projection.changes(event, position))
            except Exception as error:
                failure = (position, event_name(event), error)
                break
            reached = position
        applied = reached > start and self._commit(generation, start, reached, changes)
        if failure is not None:
            self._record_error(generation, *failure)
            raise ProjectionStopped(self.projection.name, failure[0], failure[1], failure[2])
        return len(page) if applied else 0

    def _commit(self, generation: int, start: int, reached: int, changes: list[RowChange]) -> bool:
        tables = self.tables(generation)
        with self.engine.connect() as conn, conn.begin() as transaction:
            moved = conn.execute(
                update(projection_state)
                .where(
                    and_(
                        projection_state.c.name == self.projection.name,
                        projection_state.c.generation == generation,
                        projection_state.c.position == start,
                    )
                )
                .values(
                    position=reached,
                    updated_at=_now(),
                    error=None,
                    error_position=None,
                    error_event=None,
                )
            )
            if moved.rowcount != 1:
                transaction.rollback()
                return False  # another runner applied this batch first
            self._statements.apply_all(conn, tables, changes)
        return True

    def _record_error(
        self, generation: int, position: int, event: str, error: BaseException
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(projection_state)
                .where(
                    projection_state.c.name == self.projection.name,
                    projection_state.c.generation == generation,
                )
                .values(
                    error_position=position,
                    error_event=event,
                    error=f"{type(error).__name__}: {error}",
                    updated_at=_now(),
                )
            )
