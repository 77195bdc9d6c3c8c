"""Reading a view's rows: a query's result row as the dataclass a query answers with, and
a long list of ids looked up a statement's worth at a time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Row, and_, tuple_

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")
T = TypeVar("T")

IDS_PER_STATEMENT = 500
"""Ids one statement's ``IN (...)`` list takes (under SQLite's parameter limit); a longer
list is looked up in several statements."""


def row_of(kind: type[R], row: Row[Any], **computed: Any) -> R:
    """The dataclass ``kind`` with each field from the result column of the same name,
    except those given in ``computed``."""
    columns = row._mapping
    values = {f.name: columns[f.name] for f in fields(kind) if f.name not in computed}
    return kind(**values, **computed)


def batches(items: list[T], size: int = IDS_PER_STATEMENT) -> Iterator[list[T]]:
    """``items`` in order, ``size`` at a time (the last batch may be shorter), for
    statements that look them up with ``IN (...)``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def keys_in(columns: list[ColumnElement[Any]], keys: list[tuple[Any, ...]]) -> ColumnElement[bool]:
    """The rows whose ``columns`` hold one of ``keys``.  For a key of several columns,
    its first column as well: SQLite searches the key's index by that, where it scans
    the table for a row value (``(a, b) IN (...)``)."""
    first = columns[0].in_(sorted({key[0] for key in keys}))
    if len(columns) == 1:
        return first
    return and_(first, tuple_(*columns).in_(keys))
