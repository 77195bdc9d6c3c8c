"""Rebuilding a projection: a new generation filled from position zero while the current
one keeps serving, then switched to in one transaction and the old one dropped."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from projections.runner.following import _Following
from projections.runner.state import _now, projection_state

REBUILD_PAGE_SIZE = 5_000
"""Events per page (and per transaction of each view) when a view is rebuilt."""


class _Rebuild(_Following):
    """Rebuilding the projection's tables in a new generation."""

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
