"""A command's form, from its pydantic model (issue 20, ADR 64): which widget each field
gets, and how a posted form becomes the command's data.  No HTTP here: the mapping is
plain data in, plain data out, so it is tested without a server (the posted form read
back into the command's data: ``form_data``).

A field's form name is its dotted path, the same path pydantic names in an error
(``lines.0.quantity``, ``discovery.budget.amount``), so each error lands next to its
field.  The widgets:

| field | widget |
|---|---|
| ``str`` (a name, an id on one line) | text input, ``maxlength``/``minlength`` |
| ``str`` longer than a line (free text) | textarea |
| ``str`` whose schema lists its values (a currency) | select |
| enum | select (its values as words) |
| ``bool`` | checkbox |
| ``int``, ``Decimal`` | number input, ``min``/``max`` from the bounds |
| ``date`` | date picker, ``min``/``max`` |
| ``datetime`` | datetime-local picker in the browser's offset (UTC without script) |
| ``UUID`` | text input (an id, pre-fillable from the address) |
| a value object (``Money``, an assessment) | a fieldset of its own fields |
| a list of value objects (quote lines) | repeated fieldsets: blank rows, "add a line" |
| a list of enum members (roles) | checkboxes |
| a list of strings or ids | textarea, one per line |
| a mapping of names to text | textarea, ``name: text`` per line |
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from salesdomain.labels import words
from salesdomain.personal import PersonalData

BLANK_ROWS = 3
"""The blank rows a list of lines starts with (a script adds more)."""
LONG_TEXT = 500
"""A text allowed longer than this is a textarea, not a one-line input."""
OFFSET_FIELD = "_tz_offset"
"""The hidden field the page's script fills with the browser's offset from UTC
(minutes east); without it, times are read in UTC."""
HIDDEN = frozenset({"command_id"})
"""Fields the person does not fill in (the page sets them); a person's data also keeps
its subject and erasure to itself (``PersonalData``, ADR 13)."""

Value = str | list[str]


@dataclass(frozen=True)
class Spec:
    """How one field of a model is asked for."""

    name: str
    kind: str
    """text, textarea, select, checkbox, number, date, datetime, id, group, rows,
    choices (checkboxes of enum members), lines (one per line), keyed (``name: text``)."""
    label: str
    help: str
    required: bool
    """The model needs a value (no default); a blank row or optional group may still be left."""
    default: Value = ""
    attrs: tuple[tuple[str, str], ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    children: tuple[Spec, ...] = ()
    most: int = 0
    """The most items a list may hold."""


@dataclass
class Widget:
    """A field as the page shows it: its spec, full form name, value and error."""

    spec: Spec
    name: str
    value: Value
    error: str = ""
    needed: bool = False
    """The browser asks for it (``required``): needed, and not in a row or optional group."""
    children: list[Widget] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def optional(self) -> bool:
        """Marked "optional": the model does without it."""
        return not self.spec.required and self.spec.kind != "checkbox"

    @property
    def checked(self) -> bool:
        return self.value == "true"

    def chosen(self, option: str) -> bool:
        return option in self.value if isinstance(self.value, list) else option == self.value


def label_of(name: str, info: FieldInfo | None = None) -> str:
    """A field's label in plain words: its title, else its name ("opportunity_id" ->
    "Opportunity (id)")."""
    if info is not None and info.title:
        return info.title
    if name.endswith("_id"):
        return f"{words(name[:-3]).capitalize()} (id)"
    if name.endswith("_ids"):
        return f"{words(name[:-4]).capitalize()} (ids)"
    return words(name).capitalize()


def _strip(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under ``Annotated`` layers and the metadata they carry."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata.extend(extra)
    return annotation, metadata


def _bounds(metadata: Sequence[Any]) -> dict[str, Any]:
    """The bounds the metadata sets: ge, le, gt, lt, min_length, max_length, enum."""
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            if item.metadata:
                found.update(_bounds(item.metadata))
            extra = item.json_schema_extra
            if callable(extra):
                schema: dict[str, Any] = {}
                extra(schema)
                if "enum" in schema:
                    found["enum"] = schema["enum"]
            continue
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length"):
            value = getattr(item, key, None)
            if value is not None and isinstance(
                item, annotated_types.BaseMetadata | annotated_types.GroupedMetadata
            ):
                found[key] = value
    return found


def _optional(annotation: Any) -> Any | None:
    """``X`` of ``X | None`` (``None`` for anything else)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0]
    return None


def _attrs(kind: str, bounds: Mapping[str, Any], whole: bool) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = [("step", "1" if whole else "any")] if kind == "number" else []
    if kind in ("text", "textarea", "id"):
        for key in ("min_length", "max_length"):
            if key in bounds:
                found.append((key.replace("_", ""), str(bounds[key])))
    if kind in ("number", "date", "datetime"):
        low = bounds.get("ge", bounds.get("gt"))
        high = bounds.get("le", bounds.get("lt"))
        if low is not None:
            found.append(("min", low.isoformat() if isinstance(low, date) else str(low)))
        if high is not None:
            found.append(("max", high.isoformat() if isinstance(high, date) else str(high)))
    return tuple(found)


def _default(info: FieldInfo | None) -> Value:
    if info is None or info.default is PydanticUndefined or info.default is None:
        return ""
    value = info.default
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple | list | dict | BaseModel):
        return ""
    return str(value)


def spec_of(name: str, annotation: Any, info: FieldInfo | None = None) -> Spec:
    """How the field ``name`` of type ``annotation`` is asked for."""
    kind_of, metadata = _strip(annotation)
    inner = _optional(kind_of)
    required = info.is_required() if info is not None else True
    if inner is not None:
        kind_of, more = _strip(inner)
        metadata += more
        required = False
    if info is not None:
        metadata = [*metadata, *info.metadata, info]
    bounds = _bounds(metadata)
    base = Spec(
        name=name,
        kind="text",
        label=label_of(name, info),
        help=(info.description or "") if info is not None else "",
        required=required,
        default=_default(info),
    )
    origin = typing.get_origin(kind_of)
    most = int(bounds.get("max_length", 200))
    if origin in (tuple, list, set, frozenset):
        item, _ = _strip(typing.get_args(kind_of)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return replace(base, kind="rows", children=_specs(item), most=most)
        if isinstance(item, type) and issubclass(item, Enum):
            return replace(base, kind="choices", choices=_members(item), most=most)
        return replace(base, kind="lines", most=most)
    if origin is dict:
        return replace(base, kind="keyed", most=most)
    if isinstance(kind_of, type) and issubclass(kind_of, BaseModel):
        return replace(base, kind="group", children=_specs(kind_of))
    if isinstance(kind_of, type) and issubclass(kind_of, Enum):
        return replace(base, kind="select", choices=_members(kind_of))
    scalar = _scalar(kind_of, bounds)
    choices = tuple((str(v), str(v)) for v in bounds.get("enum", ()))
    attrs = _attrs(scalar, bounds, kind_of is int)
    return replace(base, kind=scalar, attrs=attrs, choices=choices)


def _members(kind: type[Enum]) -> tuple[tuple[str, str], ...]:
    """An enum's values, each with its words ("trade_show", "trade show")."""
    return tuple((str(member.value), words(member)) for member in kind)


def _scalar(kind_of: Any, bounds: Mapping[str, Any]) -> str:
    if kind_of is bool:
        return "checkbox"
    if kind_of in (int, Decimal, float):
        return "number"
    if kind_of is datetime:
        return "datetime"
    if kind_of is date:
        return "date"
    if kind_of is UUID:
        return "id"
    if "enum" in bounds:
        return "select"
    return "textarea" if bounds.get("max_length", 0) > LONG_TEXT else "text"


@functools.cache
def _specs(model: type[BaseModel]) -> tuple[Spec, ...]:
    hidden = HIDDEN | (
        PersonalData.model_fields.keys() if issubclass(model, PersonalData) else set()
    )
    return tuple(
        spec_of(name, info.annotation, info)
        for name, info in model.model_fields.items()
        if name not in hidden
    )


def specs(model: type[BaseModel]) -> tuple[Spec, ...]:
    """How each field of ``model`` is asked for (``command_id`` is the page's)."""
    return _specs(model)


# ---- the page: widgets with their values and errors -----------------------------------


def widgets(
    model: type[BaseModel],
    values: Mapping[str, Value],
    errors: Mapping[str, str] | None = None,
    currency: str | None = None,
) -> list[Widget]:
    """The widgets of ``model``'s form, filled with ``values`` (form names to what was
    sent or pre-filled) and ``errors`` (form names to what is wrong); a currency field
    left empty starts at ``currency``."""
    shown = [_widget(s, s.name, values, currency, False) for s in specs(model)]
    if errors:
        place_errors(shown, errors)
    return shown


def _widget(
    spec: Spec, name: str, values: Mapping[str, Value], currency: str | None, loose: bool
) -> Widget:
    """``loose``: inside a row or an optional group, where blanks are allowed."""
    if spec.kind == "group":
        inner = loose or not spec.required
        children = [_widget(c, f"{name}.{c.name}", values, currency, inner) for c in spec.children]
        return Widget(spec, name, "", children=children)
    if spec.kind == "rows":
        filled = _row_count(name, values)
        count = min(spec.most, filled + (BLANK_ROWS if filled == 0 else 1))
        rows = [
            Widget(
                spec,
                f"{name}.{index}",
                "",
                children=[
                    _widget(c, f"{name}.{index}.{c.name}", values, currency, True)
                    for c in spec.children
                ],
            )
            for index in range(count)
        ]
        return Widget(spec, name, "", children=rows)
    value = values.get(name)
    if value is None:
        value = [] if spec.kind == "choices" else spec.default
        if spec.kind == "select" and not value and currency and currencies(spec):
            value = currency
    if spec.kind == "choices" and isinstance(value, str):
        value = [value] if value else []
    if spec.kind != "choices" and isinstance(value, list):
        value = value[0] if value else ""
    return Widget(spec, name, value, needed=spec.required and not loose)


def currencies(spec: Spec) -> bool:
    """A select of currency codes (a string listing its values, as ``Currency`` does)."""
    return spec.kind == "select" and len(spec.choices) > 100 and ("EUR", "EUR") in spec.choices


def _row_count(name: str, values: Mapping[str, Value]) -> int:
    return max(row_numbers(name, values), default=-1) + 1


def row_numbers(name: str, keys: Iterable[str]) -> list[int]:
    """The row numbers of the list ``name`` among form names ``keys``, in order."""
    prefix = f"{name}."
    found: set[int] = set()
    for key in keys:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if head.isdigit() and len(head) < 6:
                found.add(int(head))
    return sorted(found)


def _all(shown: Sequence[Widget]) -> dict[str, Widget]:
    found: dict[str, Widget] = {}
    for widget in shown:
        found[widget.name] = widget
        found.update(_all(widget.children))
    return found


def place_errors(shown: Sequence[Widget], errors: Mapping[str, str]) -> list[str]:
    """Put each error on the widget it names (or the nearest one holding it); the errors
    no widget holds (about the whole command), returned."""
    named = _all(shown)
    left: list[str] = []
    for path, problem in errors.items():
        parts = path.split(".") if path else []
        while parts and ".".join(parts) not in named:
            parts.pop()
        if not parts:
            left.append(f"{path}: {problem}" if path else problem)
            continue
        widget = named[".".join(parts)]
        widget.error = f"{widget.error}; {problem}" if widget.error else problem
    return left
