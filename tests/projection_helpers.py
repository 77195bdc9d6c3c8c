"""Small projections' tables for the tests of the projection machinery."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table


def by_position(metadata: MetaData, prefix: str, name: str, *columns: Column) -> dict[str, Table]:
    """``Projection.define``'s answer for one table ``name`` keyed by the event's position."""
    table = Table(
        f"{prefix}{name}", metadata, Column("position", Integer, primary_key=True), *columns
    )
    return {name: table}
