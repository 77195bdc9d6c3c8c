"""Stored forms of value objects, enums and dates, each under a stable name."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import (
    JSONTranscoder,
    Transcoding,
)

from salesdomain.personal import PersonalData, holds_personal_data
from salesdomain.snapshots import KEPT_TRANSCODINGS
from salesdomain.values import ENUM_TYPES, VALUE_TYPES, ValueObject


class ValueObjectTranscoding(Transcoding):
    """A value object as JSON.  One that holds personal values is encoded field by
    field, so each personal value inside it goes through its own transcoding (which
    the adapters replace by one that encrypts it, ADR 13)."""

    def __init__(self, cls: type[ValueObject]) -> None:
        self.type = cls
        self.name = cls.stored_as
        self._cls = cls
        self._field_by_field = holds_personal_data(cls) and not issubclass(cls, PersonalData)

    def encode(self, obj: ValueObject) -> Any:
        if self._field_by_field:
            return {name: getattr(obj, name) for name in type(obj).model_fields}
        return obj.model_dump(mode="json")

    def decode(self, data: Any) -> ValueObject:
        if issubclass(self._cls, PersonalData):
            return self._cls.from_stored(data)
        return self._cls.model_validate(data)


class EnumTranscoding(Transcoding):
    def __init__(self, cls: type[Enum]) -> None:
        self.type = cls
        self.name = cls.__name__
        self._cls = cls

    def encode(self, obj: Enum) -> str:
        return str(obj.value)

    def decode(self, data: Any) -> Enum:
        return self._cls(data)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: Any) -> date:
        return date.fromisoformat(data)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for kept in KEPT_TRANSCODINGS:
        transcoder.register(kept)
    for enum_class in ENUM_TYPES.values():
        transcoder.register(EnumTranscoding(enum_class))
    for value_class in VALUE_TYPES.values():
        transcoder.register(ValueObjectTranscoding(value_class))
