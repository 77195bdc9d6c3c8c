"""Row changes: what a projection's pure function returns for one event.

A projection never touches the database itself; it says what should change, in
terms of its own logical table names, and the runner applies the changes in the
same transaction as the projection's new position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


@dataclass(frozen=True)
class Raise:
    """Set each of the given integer columns of the row with ``key`` (if it exists) to
    the given value where that is greater than the column's, or the column is empty: a
    running maximum (e.g. the furthest stage an opportunity has reached)."""

    table: str
    key: Row
    values: Row


RowChange = Insert | Upsert | Add | Update | Raise


def coalesce(changes: Sequence[RowChange]) -> list[RowChange]:
    """Fold each change into the one before it when they touch the same row of the
    same table and together mean one statement: ``Upsert`` or ``Update`` followed by an
    ``Update`` (or an ``Upsert`` followed by an ``Upsert``) of the same key becomes one
    change with the later values winning.  Only neighbours in a table's own list are
    folded, and never when the values rewrite the key, so the result equals applying
    the changes one by one."""
    folded: list[RowChange] = []
    for change in changes:
        last = folded[-1] if folded else None
        if (
            isinstance(last, Upsert | Update)
            and isinstance(change, Update | Upsert)
            and not (isinstance(last, Update) and isinstance(change, Upsert))
            and last.key == change.key
            and last.key.keys().isdisjoint(last.values)
            and last.key.keys().isdisjoint(change.values)
        ):
            folded[-1] = type(last)(last.table, last.key, {**last.values, **change.values})
        else:
            folded.append(change)
    return folded
