"""Where each projection stands: one ``projection_state`` row per projection and
generation (its status, position, the event that stopped it, and the version of the
projection's code that built it)."""

from __future__ import annotations

from datetime import UTC, datetime

from salesdomain.projections.types import UtcDateTime
from sqlalchemy import Column, ColumnElement, Integer, MetaData, String, Table, Text, and_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

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
    Column("version", Integer),  # None: built by a release that did not record it
)


def _now() -> datetime:
    return datetime.now(UTC)


def state_row(name: str, generation: int) -> ColumnElement[bool]:
    """The condition that picks the status row of projection ``name``'s ``generation``."""
    return and_(projection_state.c.name == name, projection_state.c.generation == generation)


def add_state_row(
    conn: Connection, name: str, generation: int, status: str, version: int | None = None
) -> None:
    """The status row of a new generation at position 0, built by ``version`` of the
    projection, unless another process added it first (processes starting at once)."""
    insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        insert(projection_state)
        .values(
            name=name,
            generation=generation,
            status=status,
            position=0,
            updated_at=_now(),
            version=version,
        )
        .on_conflict_do_nothing(index_elements=["name", "generation"])
    )


def move_position(conn: Connection, name: str, generation: int, start: int, reached: int) -> bool:
    """Move a generation from ``start`` to ``reached`` by compare-and-set, in the caller's
    transaction: False when it no longer stands at ``start`` (another process moved it
    first; the caller rolls back what it wrote).  A move clears a recorded error: the
    generation got past it."""
    moved = conn.execute(
        update(projection_state)
        .where(
            state_row(name, generation),
            projection_state.c.position == start,
        )
        .values(
            position=reached,
            updated_at=_now(),
            error=None,
            error_position=None,
            error_event=None,
        )
    )
    return moved.rowcount == 1
