"""Snapshots that restore exactly the state the events replay to (issue 16, ADR 38).

eventsourcing's snapshot keeps an aggregate's attributes as they are and its JSON
transcoder stores them: a tuple comes back as a list, a dict keyed by an enum, a UUID or
a number cannot be stored or comes back keyed by text, a ``StrEnum`` comes back as plain
text and a set cannot be stored at all.  ``ExactSnapshot`` (every ``SopAggregate``'s
``Snapshot``) wraps each such value in a small marked form when it is taken, each with a
transcoding of its own (``KEPT_TRANSCODINGS``), and unwraps them when the aggregate is
restored: the restored state is the replayed one, type for type.  The events and their
stored forms are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from enum import Enum
from typing import Any, Self

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Transcoding
from eventsourcing.utils import get_topic, register_topic, resolve_topic


@dataclass(frozen=True)
class KeptTuple:
    items: list[Any]


@dataclass(frozen=True)
class KeptDict:
    pairs: list[tuple[Any, Any]]


@dataclass(frozen=True)
class KeptSet:
    items: list[Any]
    frozen: bool


@dataclass(frozen=True)
class KeptEnum:
    member: Enum


@dataclass(frozen=True)
class KeptDataclass:
    """A dataclass of a module's state (``Quote``, ``Task``): its class and fields."""

    cls: type[Any]
    fields: dict[str, Any]


def kept(value: Any) -> Any:
    """``value`` with every container and enum inside it in its marked form."""
    if isinstance(value, Enum):
        return KeptEnum(value)
    kind = type(value)
    if kind is list:
        return [kept(item) for item in value]
    if kind is tuple:
        return KeptTuple([kept(item) for item in value])
    if kind is dict:
        return KeptDict([(kept(k), kept(v)) for k, v in value.items()])
    if kind in (set, frozenset):
        return KeptSet([kept(item) for item in value], kind is frozenset)
    if is_dataclass(value) and not isinstance(value, type):
        return KeptDataclass(kind, {f.name: kept(getattr(value, f.name)) for f in fields(value)})
    if isinstance(value, list | tuple | dict | set | frozenset):
        raise TypeError(f"a snapshot cannot keep a {kind.__qualname__} exactly")
    return value


def restored(value: Any) -> Any:
    """``value`` as it was before ``kept``."""
    kind = type(value)
    if kind is KeptEnum:
        return value.member
    if kind is list:
        return [restored(item) for item in value]
    if kind is KeptTuple:
        return tuple(restored(item) for item in value.items)
    if kind is KeptDict:
        return {restored(k): restored(v) for k, v in value.pairs}
    if kind is KeptSet:
        items = (restored(item) for item in value.items)
        return frozenset(items) if value.frozen else set(items)
    if kind is KeptDataclass:
        return value.cls(**{name: restored(v) for name, v in value.fields.items()})
    return value


@dataclass(frozen=True)
class ExactSnapshot(Snapshot):
    """A snapshot whose state is stored in marked forms and restored type for type."""

    TOPIC = "salesdomain:Snapshot"

    @classmethod
    def take(cls, aggregate: Any) -> Self:
        taken = super().take(aggregate)
        return replace(taken, state={name: kept(v) for name, v in taken.state.items()})

    def mutate(self, _: None) -> Any:
        plain = replace(self, state={name: restored(v) for name, v in self.state.items()})
        return Snapshot.mutate(plain, None)


register_topic(ExactSnapshot.TOPIC, ExactSnapshot)


class _KeptTupleAsList(Transcoding):
    type = KeptTuple
    name = "kept_tuple"

    def encode(self, obj: KeptTuple) -> list[Any]:
        return obj.items

    def decode(self, data: list[Any]) -> KeptTuple:
        return KeptTuple(data)


class _KeptDictAsPairs(Transcoding):
    type = KeptDict
    name = "kept_dict"

    def encode(self, obj: KeptDict) -> list[list[Any]]:
        return [[k, v] for k, v in obj.pairs]

    def decode(self, data: list[list[Any]]) -> KeptDict:
        return KeptDict([(k, v) for k, v in data])


class _KeptSetAsList(Transcoding):
    type = KeptSet
    name = "kept_set"

    def encode(self, obj: KeptSet) -> dict[str, Any]:
        return {"items": obj.items, "frozen": obj.frozen}

    def decode(self, data: dict[str, Any]) -> KeptSet:
        return KeptSet(data["items"], bool(data["frozen"]))


class _KeptEnumByTopic(Transcoding):
    type = KeptEnum
    name = "kept_enum"

    def encode(self, obj: KeptEnum) -> dict[str, Any]:
        return {"enum": get_topic(type(obj.member)), "value": obj.member.value}

    def decode(self, data: dict[str, Any]) -> KeptEnum:
        return KeptEnum(resolve_topic(data["enum"])(data["value"]))


class _KeptDataclassByTopic(Transcoding):
    type = KeptDataclass
    name = "kept_dataclass"

    def encode(self, obj: KeptDataclass) -> dict[str, Any]:
        return {"class": get_topic(obj.cls), "fields": obj.fields}

    def decode(self, data: dict[str, Any]) -> KeptDataclass:
        return KeptDataclass(resolve_topic(data["class"]), data["fields"])


KEPT_TRANSCODINGS: tuple[Transcoding, ...] = (
    _KeptDataclassByTopic(),
    _KeptTupleAsList(),
    _KeptDictAsPairs(),
    _KeptSetAsList(),
    _KeptEnumByTopic(),
)
"""The stored forms of ``kept`` values (registered by ``register_domain_transcodings``)."""
