"""Row changes: what a projection's pure function returns for one event.

A projection never touches the database itself; it says what should change, in
terms of its own logical table names, and the runner applies the changes in the
same transaction as the projection's new position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Insert:
    """Add a row (history tables: one row per fact)."""

    table: str
    values: Row


@dataclass(frozen=True)
class Upsert:
    """Create the row with ``key`` or overwrite the given columns of it."""

    table: str
    key: Row
    values: Row = field(default_factory=dict)


@dataclass(frozen=True)
class Add:
    """Add ``amounts`` to the numeric columns of the row with ``key`` (created at 0)."""

    table: str
    key: Row
    amounts: Row


@dataclass(frozen=True)
class Update:
    """Overwrite the given columns of the row with ``key`` if it exists."""

    table: str
    key: Row
    values: Row


RowChange = Insert | Upsert | Add | Update
