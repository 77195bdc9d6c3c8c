"""The views' rows as the API answers them: durations in seconds.

A view's row (a dataclass of ``projections``) is answered field for field, except that
every ``timedelta`` (an opportunity's age, its time in each stage, how overdue a service
case is) is a number of seconds, as ``salesdomain --json`` prints it too.  pydantic's
own form, an ISO 8601 duration such as ``P3DT5.000003S`` or ``-PT2H``, is not one the
``duration`` format of JSON Schema accepts (no fractions, no sign), so the schema
would not match what is sent.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
import types
import typing
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, create_model

Seconds = Annotated[
    timedelta,
    PlainSerializer(lambda duration: duration.total_seconds(), return_type=float),
    WithJsonSchema({"type": "number", "description": "A duration in seconds"}),
]


def _answered(kind: Any) -> Any:
    """``kind`` with every ``timedelta`` in it answered as ``Seconds``."""
    if kind is timedelta:
        return Seconds
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        answered = tuple(_answered(a) for a in args)
        return typing.Union[answered]  # noqa: UP007 (built from a tuple)
    if origin in (dict, Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return dict[_answered(args[0]), _answered(args[1])]  # type: ignore[misc]
    return kind


def described(row: type) -> dict[str, str]:
    """The docstring under each field of the dataclass ``row`` and its bases, by field
    name (what pydantic's ``use_attribute_docstrings`` reads from a model's source)."""
    found: dict[str, str] = {}
    for cls in reversed([c for c in row.__mro__ if dataclasses.is_dataclass(c)]):
        body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
        assert isinstance(body, ast.ClassDef)
        for field, after in zip(body.body, body.body[1:], strict=False):
            doc = after.value if isinstance(after, ast.Expr) else None
            if isinstance(field, ast.AnnAssign) and isinstance(doc, ast.Constant):
                found[ast.unparse(field.target)] = inspect.cleandoc(str(doc.value))
    return found


def row_model(row: type) -> type[BaseModel]:
    """A response model with the fields of the dataclass ``row`` (same name, so the
    OpenAPI schema keeps it), read from the row's attributes."""
    hints = typing.get_type_hints(row)
    written = (
        row.__doc__ if row.__doc__ and not row.__doc__.startswith(f"{row.__name__}(") else None
    )
    docs = described(row)
    fields: dict[str, Any] = {
        f.name: (_answered(hints[f.name]), Field(description=docs.get(f.name)))
        for f in dataclasses.fields(row)
    }
    model: type[BaseModel] = create_model(
        row.__name__,
        __config__=ConfigDict(from_attributes=True),
        __doc__=written,
        __module__=__name__,
        **fields,
    )
    return model
