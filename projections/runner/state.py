"""Where each projection stands: one ``projection_state`` row per projection and
generation (its status, position and last error)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

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


def _now() -> datetime:
    return datetime.now(UTC)
