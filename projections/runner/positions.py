"""Running projections: catch-up, following, rebuild and status, on SQLite and PostgreSQL.

Guarantees:
* each batch's rows and the projection's new position are committed in one
  transaction, so a crash never counts an event twice nor skips one;
* the position is advanced by compare-and-set, so several runners of the same
  projection never apply an event twice (the loser of a race rolls back);
* an event the projection cannot handle stops that projection at that event, with a
  report (projection, position, event, error) stored in its status row; other
  projections go on;
* a rebuild fills a new generation of tables from position zero while the current
  generation keeps serving, then switches in one transaction and drops the old one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateTable

from projections.changes import RowChange
from projections.projection import Projection, event_name
from projections.statements import Statements
from projections.types import UtcDateTime

STATE = MetaData()
projection_state = Table(
    "projection_state",
    STATE,
    Column("name", String(100), primary_key=True),
    Column("generation", Integer, primary_key=True),
    Column("status", String(16), nullable=False),  # building | active | retired
    Column("position", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("error_position", Integer),
    Column("error_event", String(200)),
    Column("error", Text),
)


REBUILD_PAGE_SIZE = 5_000
"""Events per page (and per transaction of each view) when a view is rebuilt."""


class EventLog(Protocol):
    """The one ordered log of events, as projections read it."""

    def head(self) -> int: ...

    def read(self, after: int, limit: int) -> Sequence[tuple[int, Any]]: ...


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    generation: int
    status: str
    position: int
    head: int
    error_position: int | None
    error_event: str | None
    error: str | None

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


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


def _now() -> datetime:
    return datetime.now(UTC)


class ProjectionRunner:
    """Keeps one projection's tables up to date with the event log."""

    def __init__(self, projection: Projection, engine: Engine, log: EventLog) -> None:
        self.projection = projection
        self.engine = engine
        self.log = log
        self._tables: dict[int, dict[str, Table]] = {}
        self._statements = Statements(engine.dialect)
        STATE.create_all(engine)
        with engine.begin() as conn:
            if self._generation(conn, "active") is None:
                self._start_generation(conn, 1, "active")

    # ---- tables ----------------------------------------------------------------------

    def tables(self, generation: int | None = None) -> dict[str, Table]:
        """The projection's tables of ``generation`` (default: the one serving reads)."""
        if generation is None:
            generation = self.active_generation()
        if generation not in self._tables:
            metadata = MetaData()
            prefix = f"{self.projection.name}_g{generation}_"
            self._tables[generation] = self.projection.define(metadata, prefix)
        return self._tables[generation]

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
        only when it is complete (``_index``), as one sort is cheaper than keeping
        them up to date row by row, and nobody reads it meanwhile."""
        tables = self.tables(generation)
        for table in tables.values():
            if status == "building":
                conn.execute(CreateTable(table, if_not_exists=True))
                for index in table.indexes:
                    if index.unique:
                        index.create(conn, checkfirst=True)
            else:
                table.create(conn, checkfirst=True)
        conn.execute(
            projection_state.insert().values(
                name=self.projection.name,
                generation=generation,
                status=status,
                position=0,
                updated_at=_now(),
            )
        )

    # ---- processing ------------------------------------------------------------------

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

    def catch_up(
        self, until: int | None = None, batch_size: int = 500, generation: int | None = None
    ) -> int:
        """Process until the log's head (or ``until``) is reached; return the position."""
        generation = generation or self.active_generation()
        target = self.log.head() if until is None else until
        while self.position(generation) < target:
            if not self.run_batch(batch_size, generation) and not self.log.read(
                self.position(generation), 1
            ):
                break
        return self.position(generation)

    def follow(
        self,
        stop: threading.Event,
        poll_seconds: float = 0.5,
        on_error: Callable[[ProjectionStopped], None] | None = None,
    ) -> None:
        """Keep catching up until ``stop`` is set (polling; works on every store)."""
        while not stop.is_set():
            try:
                self.catch_up()
            except ProjectionStopped as stopped:
                if on_error is None:
                    raise
                on_error(stopped)
            stop.wait(poll_seconds)

    # ---- rebuild and status ----------------------------------------------------------

    def rebuild(self, batch_size: int = REBUILD_PAGE_SIZE) -> int:
        """Build a fresh generation from position zero, then switch reads to it."""
        old, new = self.start_rebuild()
        self.catch_up(batch_size=batch_size, generation=new)
        return self.finish_rebuild(old, new)

    def start_rebuild(self) -> tuple[int, int]:
        """Create an empty new generation (status "building"); reads stay on the old."""
        with self.engine.begin() as conn:
            old = self._generation(conn, "active")
            assert old is not None
            stale = self._generation(conn, "building")
            if stale is not None:
                self._drop_generation(conn, stale)
            new = self._max_generation(conn) + 1
            self._start_generation(conn, new, "building")
        return old, new

    def finish_rebuild(self, old: int, new: int) -> int:
        """Index the new generation, switch reads to it in one transaction, then drop
        the old."""
        with self.engine.begin() as conn:
            for table in self.tables(new).values():
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
        with self.engine.begin() as conn:
            for generation, status in ((old, "retired"), (new, "active")):
                conn.execute(
                    update(projection_state)
                    .where(
                        projection_state.c.name == self.projection.name,
                        projection_state.c.generation == generation,
                    )
                    .values(status=status, updated_at=_now())
                )
        self.catch_up(generation=new)
        with self.engine.begin() as conn:
            self._drop_generation(conn, old)
        return new

    def _max_generation(self, conn: Connection) -> int:
        rows = conn.execute(
            select(projection_state.c.generation).where(
                projection_state.c.name == self.projection.name
            )
        ).all()
        return max((int(r[0]) for r in rows), default=0)

    def _drop_generation(self, conn: Connection, generation: int) -> None:
        for table in reversed(list(self.tables(generation).values())):
            table.drop(conn, checkfirst=True)
        conn.execute(
            projection_state.delete().where(
                projection_state.c.name == self.projection.name,
                projection_state.c.generation == generation,
            )
        )
        self._tables.pop(generation, None)

    def status(self) -> ProjectionStatus:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(projection_state).where(
                    projection_state.c.name == self.projection.name,
                    projection_state.c.status == "active",
                )
            ).one()
        return ProjectionStatus(
            name=row.name,
            generation=row.generation,
            status=row.status,
            position=row.position,
            head=self.log.head(),
            error_position=row.error_position,
            error_event=row.error_event,
            error=row.error,
        )
