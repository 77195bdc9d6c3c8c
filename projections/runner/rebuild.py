"""Rebuilding: a new generation filled from position zero while the current one serves,
switched to in one transaction and the old one dropped; and at start-up, dropping what
a rebuild killed half-way left behind."""

from __future__ import annotations

from salesdomain.projections.runner.checkpoints import drop_checkpoints, index_checkpoints
from salesdomain.projections.runner.following import _Following
from salesdomain.projections.runner.lock import rebuild_lock
from salesdomain.projections.runner.state import _now, projection_state, state_row
from salesdomain.projections.runner.stopped import ProjectionStopped
from salesdomain.projections.schema import create_indexes
from sqlalchemy import select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.schema import DropTable

REBUILD_PAGE_SIZE = 5_000
"""Events per page (and per transaction of each view) when a view is rebuilt."""

UNFINISHED = ("building", "retired")
"""Generations that only a running rebuild may have: one being built, one replaced."""


class _Rebuild(_Following):
    """Rebuilding the projection's tables in a new generation."""

    def rebuild(self, batch_size: int = REBUILD_PAGE_SIZE) -> int:
        """Build a fresh generation from position zero, then switch reads to it.
        Raises ``RebuildInProgress`` if another rebuild of the view runs on the store."""
        with rebuild_lock(self.engine, [self.projection.name]):
            old, new = self.start_rebuild()
            try:
                self.catch_up(batch_size=batch_size, generation=new)
            except ProjectionStopped:
                self.abandon_rebuild(new)
                raise
            return self.finish_rebuild(old, new)

    def start_rebuild(self) -> tuple[int, int]:
        """Create an empty new generation (status "building"); reads stay on the old.
        The caller holds the view's rebuild lock (``rebuild_lock``), as only a rebuild
        creates and drops generations after the first."""
        with self.engine.begin() as conn:
            old = self._generation(conn, "active")
            assert old is not None
            stale = self._generation(conn, "building")
            if stale is not None:
                self._drop_generation(conn, stale)
            new = self._max_generation(conn) + 1
            self._start_generation(conn, new, "building")
        return old, new

    def abandon_rebuild(self, new: int) -> None:
        """Drop a generation whose building stopped; reads stay where they were."""
        with self.engine.begin() as conn:
            self._drop_generation(conn, new)

    def finish_rebuild(self, old: int, new: int) -> int:
        """Index the new generation, switch reads to it in one transaction, bring it
        up to the log's head, then drop the old (also when that last catch-up stops:
        the new generation serves, and says where it stopped)."""
        with self.engine.begin() as conn:
            create_indexes(conn, self.tables(new).values())
            index_checkpoints(conn, self, new)
            if conn.dialect.name == "postgresql":  # its planner needs the new tables'
                # statistics at once, not when autovacuum comes by (ADR 41)
                quote = conn.dialect.identifier_preparer.quote
                for table in self.tables(new).values():
                    conn.execute(text(f"ANALYZE {quote(table.name)}"))
        with self.engine.begin() as conn:
            for generation, status in ((old, "retired"), (new, "active")):
                conn.execute(
                    update(projection_state)
                    .where(state_row(self.projection.name, generation))
                    .values(status=status, updated_at=_now())
                )
        try:
            self.catch_up(generation=new)
        finally:
            with self.engine.begin() as conn:
                self._drop_generation(conn, old)
        return new

    def discard_unfinished(self) -> list[int]:
        """Drop the generations a rebuild left behind when it was killed: one being
        built, or one already replaced but not yet dropped (its tables may still hold
        personal data forgotten since).  The caller holds the rebuild lock, so no
        rebuild is running.  Returns the generations dropped."""
        with self.engine.begin() as conn:
            left = [
                int(row[0])
                for row in conn.execute(
                    select(projection_state.c.generation).where(
                        projection_state.c.name == self.projection.name,
                        projection_state.c.status.in_(UNFINISHED),
                    )
                )
            ]
            for generation in left:
                self._drop_generation(conn, generation)
        return left

    def _max_generation(self, conn: Connection) -> int:
        rows = conn.execute(
            select(projection_state.c.generation).where(
                projection_state.c.name == self.projection.name
            )
        ).all()
        return max((int(r[0]) for r in rows), default=0)

    def _drop_generation(self, conn: Connection, generation: int) -> None:
        for table in reversed(list(self.tables(generation, conn).values())):
            conn.execute(DropTable(table, if_exists=True))
        conn.execute(projection_state.delete().where(state_row(self.projection.name, generation)))
        drop_checkpoints(conn, self, generation)  # its tables known: before they are forgotten
        self._tables.pop(generation, None)
        self.kept.pop(generation, None)
        self.changed_rows.pop(generation, None)
