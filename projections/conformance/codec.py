"""The review's state as JSON that is safe to load (ADR 23, ADR 39): no pickle, no class
named by the stored text that is not on a fixed list.

Values are plain JSON where JSON has them (text, integers, booleans, ``None``); every
other value is a one-key object whose key names its kind: ``{"$d": "2026-03-02"}``.
Dictionaries keep their order and keys of any kind (``{"$map": [[key, value], ...]}``);
sets are written sorted, so equal states give equal text (the view compares texts to
know what changed).  Enumerations and pydantic models are read back only for the
classes in ``KNOWN``; anything else is refused when written, so a rule that starts
keeping a new kind of value stops the view with a clear error instead of losing it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from salesdomain.projections.conformance.findings import Person

from salesdomain.aftersales.values import FeedbackKind, Severity
from salesdomain.opportunities.values import QuoteLine
from salesdomain.sop import Role
from salesdomain.values import Money

KNOWN: dict[str, type[Enum] | type[BaseModel]] = {
    cls.__name__: cls for cls in (Person, Role, Severity, FeedbackKind, QuoteLine, Money)
}
"""The classes the state may hold, by name: enumerations and pydantic models."""


def dumps(value: Any) -> str:
    """``value`` as JSON text (compact, deterministic)."""
    return json.dumps(encode(value), separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> Any:
    return decode(json.loads(text))


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    writer = _WRITERS.get(type(value))  # most values are of a listed kind exactly
    if writer is None:
        writer = next((w for kind, w in _WRITERS.items() if isinstance(value, kind)), None)
    if writer is None:
        raise TypeError(f"the conformance view cannot keep a {type(value).__qualname__}: {value!r}")
    tag, write = writer
    return {tag: write(value)}


def decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if len(value) != 1 or next(iter(value)) not in _READERS:
        raise ValueError(f"not a value the conformance view keeps: {str(value)[:80]}")
    [(tag, body)] = value.items()
    return _READERS[tag](body)


def _known(value: Enum | BaseModel) -> str:
    name = type(value).__name__
    if KNOWN.get(name) is not type(value):
        raise TypeError(f"the conformance view cannot keep a {type(value).__qualname__}")
    return name


def _enum(value: Enum) -> list[Any]:
    return [_known(value), value.value]


def _model(value: BaseModel) -> list[Any]:
    return [_known(value), value.model_dump(mode="json")]


def _class(name: str, kind: type[Any]) -> Any:
    cls = KNOWN.get(name)
    if cls is None or not issubclass(cls, kind):
        raise ValueError(f"the conformance view keeps no {kind.__name__} called {name!r}")
    return cls


def _read_enum(body: list[Any]) -> Enum:
    return _class(body[0], Enum)(body[1])  # type: ignore[no-any-return]


def _read_model(body: list[Any]) -> BaseModel:
    return _class(body[0], BaseModel).model_validate(body[1])  # type: ignore[no-any-return]


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"a stored time without a zone: {text}")
    return moment


_WRITERS: dict[type, tuple[str, Callable[[Any], Any]]] = {
    # datetime before date: a datetime is a date too
    datetime: ("$t", lambda v: v.isoformat()),
    date: ("$d", lambda v: v.isoformat()),
    Decimal: ("$n", str),
    UUID: ("$u", str),
    tuple: ("$tuple", lambda v: [encode(x) for x in v]),
    list: ("$list", lambda v: [encode(x) for x in v]),
    frozenset: ("$fset", lambda v: sorted((encode(x) for x in v), key=json.dumps)),
    set: ("$set", lambda v: sorted((encode(x) for x in v), key=json.dumps)),
    dict: ("$map", lambda v: [[encode(k), encode(x)] for k, x in v.items()]),
    Enum: ("$enum", _enum),
    BaseModel: ("$model", _model),
}

_READERS: dict[str, Callable[[Any], Any]] = {
    "$t": _aware,
    "$d": date.fromisoformat,
    "$n": Decimal,
    "$u": UUID,
    "$tuple": lambda b: tuple(decode(x) for x in b),
    "$list": lambda b: [decode(x) for x in b],
    "$fset": lambda b: frozenset(decode(x) for x in b),
    "$set": lambda b: {decode(x) for x in b},
    "$map": lambda b: {decode(k): decode(x) for k, x in b},
    "$enum": _read_enum,
    "$model": _read_model,
}
