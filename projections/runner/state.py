"""Where each projection stands: one ``projection_state`` row per projection and
generation (its status, position, the event that stopped it, and the version of the
projection's code that built it)."""

from __future__ import annotations

from datetime import UTC, datetime

from salesdomain.projections.types import UtcDateTime
from sqlalchemy import Column, Integer, MetaData, String, Table, Text
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
