"""Personal data: values that belong to one data subject and can be forgotten on request.

A contact person of a customer or a candidate is a *data subject*.  Their personal
values derive from ``PersonalData``: each names its ``subject_id`` and holds only text
fields.  How they are stored is not the domain's business (the adapters encrypt them
per subject, see ADR 13); the domain only knows two forms of every personal value:
the value itself and its *erased* form, in which every text reads ``[erased]``.  An
erased value is what a forgotten subject's data reads as, in the aggregate (the
forget event erases it), on reload (the stored value can no longer be read) and in
every history line.

``subjects_in`` and ``erase`` walk events, value objects and tuples, so a narrative
or a view can tell which subjects a record mentions and render it without them.
"""

from __future__ import annotations

import copy
import dataclasses
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from types import UnionType
from typing import TYPE_CHECKING, Any, ClassVar, Self
from uuid import UUID

from salesdomain.values import ValueObject

ERASED = "[erased]"
_OWN_FIELDS = frozenset({"subject_id", "erased"})


class PersonalData(ValueObject):
    """Base of personal values: text fields of one data subject (``subject_id``)."""

    subject_id: UUID | None = None
    """The person the data is about (made up if left out)."""
    erased: bool = False
    """Whether the personal data was erased."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, info in cls.model_fields.items():
            if name not in _OWN_FIELDS and info.annotation is not str:
                raise TypeError(f"{cls.__name__}.{name}: personal values hold text only")

    @classmethod
    def from_stored(cls, data: Any) -> Self:
        """The value from its stored form; a sealed value nobody can open here (no
        key) and a value stored erased both read as the erased form."""
        if isinstance(data, dict) and ("sealed" in data or data.get("erased")):
            subject = data.get("subject_id")
            return cls.erased_for(UUID(str(subject)) if subject else None)
        return cls.model_validate(data)

    @classmethod
    def _erased_texts(cls) -> dict[str, str]:
        return dict.fromkeys(cls.personal_field_names(), ERASED)

    @classmethod
    def personal_field_names(cls) -> tuple[str, ...]:
        return tuple(name for name in cls.model_fields if name not in _OWN_FIELDS)

    @classmethod
    def erased_for(cls, subject_id: UUID | None) -> Self:
        """The erased form: the subject is still named, every text reads ``[erased]``."""
        values: dict[str, Any] = {"subject_id": subject_id, "erased": True}
        values.update(cls._erased_texts())
        return typing.cast(Self, cls.model_construct(None, **values))

    def personal_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.personal_field_names()}

    def of_subject(self, subject_id: UUID) -> Self:
        return self.model_copy(update={"subject_id": subject_id})

    def as_erased(self) -> Self:
        return self if self.erased else self.erased_for(self.subject_id)


class PersonalNote(PersonalData):
    """Free text about a data subject (an interviewer's notes on a candidate)."""

    text: str = ""

    def __str__(self) -> str:
        return self.text


class PersonalDataForgotten:
    """Mixin of the events that record a subject's personal data forgotten on request.

    The event names the subject (``subject_id``), the reason and who asked; it holds
    no personal value itself, so it stays readable for good."""

    FORGETS_PERSONAL_DATA: ClassVar[bool] = True
    if TYPE_CHECKING:
        subject_id: UUID
        reason: str
        requested_by: str


# ---- walking values -------------------------------------------------------------------


@cache
def holds_personal_data(cls: type[Any]) -> bool:
    """Whether values of this class may contain personal values (by its field types)."""
    if isinstance(cls, type) and issubclass(cls, PersonalData):
        return True
    if isinstance(cls, type) and issubclass(cls, ValueObject):
        return any(_mentions(info.annotation) for info in cls.model_fields.values())
    return False


def _mentions(annotation: Any) -> bool:
    if isinstance(annotation, type) and holds_personal_data(annotation):
        return True
    return any(_mentions(arg) for arg in typing.get_args(annotation))


_PLAIN = (str, int, float, bool, bytes, UUID, date, datetime, Decimal, Enum, type(None))
"""Field types that hold no personal value (their subclasses neither)."""


def _may_hold(annotation: Any) -> bool:
    """Whether a field of this type may hold a personal value: unless its type says
    it cannot (plain values, value objects without personal fields, tuples and unions
    of them), it may (``Any``, a type variable, a class the walk knows nothing of)."""
    if annotation is Ellipsis:
        return False
    if isinstance(annotation, type) and not typing.get_args(annotation):
        if issubclass(annotation, _PLAIN):
            return False
        return not issubclass(annotation, ValueObject) or holds_personal_data(annotation)
    if isinstance(annotation, typing.TypeVar):
        bounds = annotation.__constraints__ or (annotation.__bound__ or Any,)
        return any(_may_hold(bound) for bound in bounds)
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is typing.Annotated:
        return _may_hold(typing.get_args(annotation)[0])
    if origin in (tuple, list, typing.Union, UnionType):
        return any(_may_hold(arg) for arg in typing.get_args(annotation))
    return True


@cache
def _walked_fields(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass (an event) that may hold personal values; ``None``
    where its field types cannot be read (then every attribute is walked)."""
    if not dataclasses.is_dataclass(cls):
        return None
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):
        return None
    names = [field.name for field in dataclasses.fields(cls)]
    return tuple(name for name in names if name not in hints or _may_hold(hints[name]))


def subjects_in(value: Any) -> set[UUID]:
    """The data subjects whose personal values ``value`` contains (an event, a value
    object, a tuple of them)."""
    return {item.subject_id for item in _personal_values(value) if item.subject_id is not None}


def mentions_erased(value: Any) -> bool:
    """Whether ``value`` contains a personal value that is already erased."""
    return any(item.erased for item in _personal_values(value))


_WALKED = (ValueObject, tuple, list)
"""The kinds of value that may contain personal values (a tuple: ``isinstance`` takes it
faster than a union, and views walk every event of a rebuild)."""


def _personal_values(value: Any) -> list[PersonalData]:
    found: list[PersonalData] = []
    _collect(value, found)
    return found


def _collect(value: Any, found: list[PersonalData]) -> None:
    """Append the personal values in ``value`` to ``found`` (a list, not a generator:
    walking nested generators cost views a third more per event)."""
    if isinstance(value, PersonalData):
        found.append(value)
    elif isinstance(value, ValueObject):
        if holds_personal_data(type(value)):
            for name in type(value).model_fields:
                _collect(getattr(value, name), found)
    elif isinstance(value, tuple | list):
        for item in value:
            _collect(item, found)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        names = _walked_fields(value.__class__)
        items = vars(value).values() if names is None else (vars(value).get(n) for n in names)
        for item in items:
            if isinstance(item, _WALKED):
                _collect(item, found)


def erase(value: Any, subjects: set[UUID] | None = None) -> Any:
    """``value`` with the personal values of ``subjects`` (default: all) erased; the
    rest is shared, not copied.  Events are copied, never changed in place."""
    if isinstance(value, PersonalData):
        chosen = subjects is None or value.subject_id in subjects
        return value.as_erased() if chosen else value
    if isinstance(value, ValueObject):
        if not holds_personal_data(type(value)):
            return value
        update = {name: erase(getattr(value, name), subjects) for name in type(value).model_fields}
        return value.model_copy(update=update)
    if isinstance(value, tuple):
        return tuple(erase(item, subjects) for item in value)
    if isinstance(value, list):
        return [erase(item, subjects) for item in value]
    if hasattr(value, "__dict__") and not isinstance(value, type | ValueObject):
        changed = {
            name: erase(item, subjects)
            for name, item in vars(value).items()
            if isinstance(item, ValueObject | tuple | list)
        }
        copied = copy.copy(value)
        for name, item in changed.items():
            object.__setattr__(copied, name, item)
        return copied
    return value
