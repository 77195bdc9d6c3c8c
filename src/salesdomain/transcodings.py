"""Stored forms of value objects, enums and dates, each under a stable name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from json import encoder as _json_encoder
from typing import Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    UUIDAsHex,
)

from salesdomain.personal import PersonalData, holds_personal_data
from salesdomain.values import ENUM_TYPES, VALUE_TYPES, ValueObject

# The json module's C encoder (absent from its type stubs; None without the accelerator).
_c_make_encoder: Callable[..., Any] | None = getattr(_json_encoder, "c_make_encoder", None)


class ValueObjectTranscoding(Transcoding):
    """A value object as JSON.  One that holds personal values is encoded field by
    field, so each personal value inside it goes through its own transcoding (which
    the adapters replace by one that encrypts it, ADR 13)."""

    def __init__(self, cls: type[ValueObject]) -> None:
        self.type = cls
        self.name = cls.stored_as
        self._cls = cls
        self._field_by_field = holds_personal_data(cls) and not issubclass(cls, PersonalData)
        self._to_json = cls.__pydantic_serializer__.to_python

    @property
    def as_json_text(self) -> Callable[[Any], str] | None:
        """The value's whole stored form as JSON text, written by pydantic in one call
        (None for a value object whose personal values are sealed one by one)."""
        if self._field_by_field or issubclass(self._cls, PersonalData):
            return None
        prefix = f'{{"_type_":{_json_encoder.encode_basestring(self.name)},"_data_":'
        to_json = self._cls.__pydantic_serializer__.to_json
        return lambda obj: f"{prefix}{to_json(obj).decode()}}}"

    def encode(self, obj: ValueObject) -> Any:
        if self._field_by_field:
            return {name: getattr(obj, name) for name in type(obj).model_fields}
        return self._to_json(obj, mode="json")  # model_dump(mode="json"), minus its wrapper

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


def plain_transcoder(cls: type[JSONTranscoder]) -> JSONTranscoder:
    """A transcoder of class ``cls`` with the transcodings the application registers
    (eventsourcing's for ids, amounts and times, then the domain's), personal values
    unsealed: to compare or time encoders outside an application."""
    transcoder = cls()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_domain_transcodings(transcoder)
    return transcoder


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for enum_class in ENUM_TYPES.values():
        transcoder.register(EnumTranscoding(enum_class))
    for value_class in VALUE_TYPES.values():
        transcoder.register(ValueObjectTranscoding(value_class))


class EventJSONTranscoder(JSONTranscoder):
    """eventsourcing's JSON transcoder writing the very same bytes, about twice as fast.

    eventsourcing's ``encode`` builds a new ``json`` encoder for every event, with a
    check for circular references (events hold none: they are trees of values); each
    value object goes to a Python dict (pydantic's ``to_python``) that the encoder then
    walks.  This one writes an event's fields itself: text, numbers and null as JSON
    does, the kinds of value every event holds (ids, times, dates, amounts, enums,
    value objects) by a function per type giving their whole stored form as text (a
    value object's data written by pydantic's ``to_json`` in one call); anything else
    (lists, personal values to seal) by the C encoder, built once, without the check.
    Decoding is eventsourcing's.  Without the C accelerator it is eventsourcing's as it
    is.  ``tests/test_stored_form.py`` holds it to eventsourcing's bytes."""

    def __init__(self) -> None:
        super().__init__()
        self._by_type: dict[type, Callable[[Any], dict[str, Any]]] = {}
        self._texts: dict[type, Callable[[Any], str]] = {}
        self._encode_tree = (
            None
            if _c_make_encoder is None
            else _c_make_encoder(
                None,  # no check for circular references
                self._default,
                _json_encoder.encode_basestring,  # ensure_ascii=False, as eventsourcing's
                None,  # no indent
                ":",
                ",",
                False,  # sort_keys
                False,  # skipkeys
                True,  # allow_nan
            )
        )

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        self._by_type[transcoding.type] = _stored_form(transcoding)
        text = _json_text(transcoding)
        if text is None:
            self._texts.pop(transcoding.type, None)
        else:
            self._texts[transcoding.type] = text

    def encode(self, obj: Any) -> bytes:
        if self._encode_tree is None:
            return super().encode(obj)
        if type(obj) is not dict:
            return "".join(self._encode_tree(obj, 0)).encode("utf8")
        string, texts, tree = _json_encoder.encode_basestring, self._texts, self._encode_tree
        parts = []
        for key, value in obj.items():
            kind = type(value)
            if kind is str:
                text = string(value)
            elif value is None:
                text = "null"
            elif kind is int:
                text = int.__repr__(value)
            else:
                write = texts.get(kind)
                text = write(value) if write is not None else "".join(tree(value, 0))
            parts.append(f"{string(key)}:{text}")
        return ("{" + ",".join(parts) + "}").encode("utf8")

    def _default(self, o: Any) -> dict[str, Any]:
        try:
            stored_form = self._by_type[type(o)]
        except KeyError:
            return self._encode_obj(o)  # raises eventsourcing's own error
        return stored_form(o)


def _stored_form(transcoding: Transcoding) -> Callable[[Any], dict[str, Any]]:
    name, encode = transcoding.name, transcoding.encode
    if type(transcoding) is UUIDAsHex:
        return lambda o: {"_type_": name, "_data_": o.hex}
    return lambda o: {"_type_": name, "_data_": encode(o)}


def _json_text(transcoding: Transcoding) -> Callable[[Any], str] | None:
    """A function writing a value's whole stored form as JSON text, for the kinds of
    value every event holds; None for the others (the C encoder writes them)."""
    kind = type(transcoding)
    if kind is UUIDAsHex:
        return lambda o: f'{{"_type_":"uuid_hex","_data_":"{o.hex}"}}'
    if kind is DatetimeAsISO:
        return lambda o: f'{{"_type_":"datetime_iso","_data_":"{o.isoformat()}"}}'
    if kind is DecimalAsStr:
        return lambda o: f'{{"_type_":"decimal_str","_data_":"{o}"}}'
    if kind is DateAsISO:
        return lambda o: f'{{"_type_":"date_iso","_data_":"{o.isoformat()}"}}'
    if kind is EnumTranscoding:
        string = _json_encoder.encode_basestring
        prefix = f'{{"_type_":{string(transcoding.name)}'
        return lambda o: f'{prefix},"_data_":{string(str(o.value))}}}'
    if isinstance(transcoding, ValueObjectTranscoding) and kind is ValueObjectTranscoding:
        return transcoding.as_json_text  # not a subclass: it might encode otherwise
    return None
