"""Reading a view's rows: a query's result row as the dataclass a query answers with."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Row

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def row_of(kind: type[R], row: Row[Any], **computed: Any) -> R:
    """The dataclass ``kind`` with each field from the result column of the same name,
    except those given in ``computed``."""
    columns = row._mapping
    values = {f.name: columns[f.name] for f in fields(kind) if f.name not in computed}
    return kind(**values, **computed)
