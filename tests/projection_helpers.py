"""Small projections' tables for the tests of the projection machinery, and the names of
the views every system keeps."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table

SYSTEM_VIEWS = (
    "audit",
    "pipeline",
    "kpi",
    "operations",
    "customers",
    "prices",
    "forecast",
    "appraisals",
    "registers",
)
"""The read models every system keeps (besides the event chain's keeper and, in the web
app, the conformance view over them)."""


def by_position(metadata: MetaData, prefix: str, name: str, *columns: Column) -> dict[str, Table]:
    """``Projection.define``'s answer for one table ``name`` keyed by the event's position."""
    table = Table(
        f"{prefix}{name}", metadata, Column("position", Integer, primary_key=True), *columns
    )
    return {name: table}
