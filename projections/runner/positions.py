"""Processing the log in batches: each batch's rows and the new position committed in
one transaction, the position advanced by compare-and-set, and the event a view
cannot apply stopping that view with a report in its status row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from salesdomain.projections.changes import RowChange
from salesdomain.projections.projection import FoldFailed, FoldingProjection, event_name
from salesdomain.projections.runner.changed_rows import ChangedRows
from salesdomain.projections.runner.faults import as_raised, stops_the_view
from salesdomain.projections.runner.generations import _Generations
from salesdomain.projections.runner.state import _now, move_position, projection_state, state_row
from salesdomain.projections.runner.stopped import ProjectionStopped, error_text
from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

Failure = tuple[int, str, BaseException]
"""The position and type of the event a view could not apply, and the error."""


class _Positions(_Generations):
    """A runner's position in the log and how it moves: batch by batch."""

    def position(self, generation: int | None = None) -> int:
        generation = generation or self.active_generation()
        with self.engine.connect() as conn:
            return self._position(conn, generation)

    def _position(self, conn: Connection, generation: int) -> int:
        row = conn.execute(
            select(projection_state.c.position).where(state_row(self.projection.name, generation))
        ).one()
        return int(row[0])

    def _stopped(self, generation: int) -> bool:
        """Whether the generation stopped on an event (recorded in its status row)."""
        with self.engine.connect() as conn:
            error = conn.execute(
                select(projection_state.c.error).where(state_row(self.projection.name, generation))
            ).scalar_one()
        return error is not None

    def run_batch(self, batch_size: int = 500, generation: int | None = None) -> int:
        """Process the next batch; return how many events were applied (0: caught up
        or another runner applied them first).  Raises ``ProjectionStopped``."""
        generation = generation or self.active_generation()
        start = self.position(generation)
        return self.process(self.log.read(start, batch_size), start, generation)

    def process(self, page: Sequence[tuple[int, Any]], start: int, generation: int) -> int:
        """Apply a page of the log that follows position ``start``; see ``run_batch``.

        An event the view cannot apply (its function raises, or the database refuses
        its rows when they are written or committed) stops the view at that event: the
        events before it are applied, the error is recorded in the status row and
        ``ProjectionStopped`` raised.  An error of the database itself (unreachable,
        timed out, locked) is raised as it is, and the view does not stop."""
        if not page:
            return 0
        changes, reached, failure = self._changes(page, start, generation)
        applied = False
        if reached > start:
            try:
                applied = self._commit(generation, start, reached, changes)
            except Exception as error:
                dbapi = self.engine.dialect.loaded_dbapi
                if not stops_the_view(error, dbapi):
                    _raise(error, dbapi)
                applied, refused = self._one_by_one(
                    [item for item in page if item[0] <= reached], start, generation
                )
                failure = refused or failure
        if failure is not None:
            self._record_error(generation, *failure)
            raise ProjectionStopped(self.projection.name, *failure)
        return len(page) if applied else 0

    def _changes(
        self, page: Sequence[tuple[int, Any]], start: int, generation: int
    ) -> tuple[list[RowChange], int, Failure | None]:
        """The row changes of the page up to the first event that fails, the position
        they reach, and that failure (if any)."""
        if isinstance(self.projection, FoldingProjection):
            return self._folded(self.projection, page, start, generation)
        changes: list[RowChange] = []
        reached = start
        for position, event in page:
            if event is not None:  # None: not a domain event (e.g. a command record)
                try:
                    changes.extend(self.projection.changes(event, position))
                except Exception as error:
                    return changes, reached, (position, event_name(event), error)
            reached = position
        return changes, reached, None

    def _folded(
        self,
        projection: FoldingProjection,
        page: Sequence[tuple[int, Any]],
        start: int,
        generation: int,
    ) -> tuple[list[RowChange], int, Failure | None]:
        """``_changes`` of a projection that folds pages over its state (ADR 39): on an
        event that fails, the page before it is folded again from the stored state."""
        tables = self.tables(generation)
        with self.engine.connect() as conn:
            try:
                return projection.fold_page(conn, tables, page), page[-1][0], None
            except FoldFailed as failed:
                index = failed.index
                position, event = page[index]
                failure = (position, event_name(event), failed.error)
            before = page[:index]
            conn.rollback()
            if not before:
                return [], start, failure
            return projection.fold_page(conn, tables, before), before[-1][0], failure

    def _one_by_one(
        self, page: Sequence[tuple[int, Any]], start: int, generation: int
    ) -> tuple[bool, Failure | None]:
        """After the database refused a batch: apply its events one transaction each,
        to find the one it refuses (and keep the ones before it).  Returns whether they
        were applied (not by another runner first) and the event refused, if any."""
        at = start
        for index, (position, event) in enumerate(page):
            if event is None and index < len(page) - 1:
                continue  # moved over with the next event
            changes, _, failed = self._changes([(position, event)], at, generation)
            if failed is not None:
                return True, failed
            try:
                if not self._commit(generation, at, position, changes):
                    return False, None  # another runner is applying them
            except Exception as error:
                dbapi = self.engine.dialect.loaded_dbapi
                if not stops_the_view(error, dbapi):
                    _raise(error, dbapi)
                return True, (position, event_name(event), error)
            at = position
        return True, None

    def _commit(self, generation: int, start: int, reached: int, changes: list[RowChange]) -> bool:
        tables = self.tables(generation)
        prepared = self._statements.prepare(tables, changes)  # before the write lock
        with self.engine.connect() as conn, conn.begin() as transaction:
            if not move_position(conn, self.projection.name, generation, start, reached):
                transaction.rollback()
                return False  # another runner applied this batch first
            prepared.send(conn)
        self._note_changed(generation, start, reached, tables, changes)
        return True

    def _note_changed(
        self,
        generation: int,
        start: int,
        reached: int,
        tables: dict[str, Table],
        changes: list[RowChange],
    ) -> None:
        """Note the rows a committed batch changed, for the next checkpoint (ADR 42)."""
        noted = self.changed_rows.get(generation)
        if noted is None or not noted.note(tables, start, reached, changes):
            noted = self.changed_rows[generation] = ChangedRows(start)
            noted.note(tables, start, reached, changes)

    def _record_error(
        self, generation: int, position: int, event: str, error: BaseException
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(projection_state)
                .where(state_row(self.projection.name, generation))
                .values(
                    error_position=position,
                    error_event=event[:200],
                    error=error_text(error),
                    updated_at=_now(),
                )
            )


def _raise(error: Exception, dbapi: Any) -> NoReturn:
    """Raise an error of the database itself (see ``faults.as_raised``)."""
    wrapped = as_raised(error, dbapi)
    if wrapped is error:
        raise error
    raise wrapped from error
