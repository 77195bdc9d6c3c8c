"""A posted SOP form read back into its command's data (issue 20, ADR 64): the other half
of ``forms``, with no HTTP either.  Blank rows are dropped, an optional group left blank
is left out, a checkbox not sent is ``False``, a list is one item per line, a time is
read in the browser's offset; pydantic then says what is wrong, under the same dotted
names the form uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from pydantic import BaseModel
from salesdomain.adapters.web.forms import OFFSET_FIELD, Spec, Value, currencies, row_numbers, specs


class _Missing:
    """A field left blank: the model's default applies (or it says the field is needed)."""


MISSING = _Missing()


def submitted(
    model: type[BaseModel], form: Mapping[str, Sequence[str]]
) -> tuple[dict[str, Any], dict[str, Value]]:
    """The command's data from a posted form (names to every value sent), and the values
    to show again: rows left blank are dropped and the others numbered from 0, as the
    data numbers them (so an error on ``lines.1`` is the second row shown)."""
    offset = _offset(form.get(OFFSET_FIELD, ()))
    data: dict[str, Any] = {}
    shown: dict[str, Value] = {}
    for spec in specs(model):
        value = _read(spec, spec.name, spec.name, form, shown, offset)
        if not isinstance(value, _Missing):
            data[spec.name] = value
    return data, shown


def _offset(sent: Sequence[str]) -> timezone:
    try:
        minutes = int(sent[0]) if sent else 0
    except ValueError:
        minutes = 0
    return timezone(timedelta(minutes=max(-900, min(900, minutes))))


def _first(form: Mapping[str, Sequence[str]], name: str) -> str:
    sent = form.get(name, ())
    return sent[0].strip() if sent else ""


def _read(
    spec: Spec,
    name: str,
    shown_as: str,
    form: Mapping[str, Sequence[str]],
    shown: dict[str, Value],
    offset: timezone,
) -> Any:
    """The value of ``spec`` sent under ``name``, kept for the page under ``shown_as``;
    ``MISSING`` when blank (or at its default, inside a row or optional group)."""
    if spec.kind == "group":
        group: dict[str, Any] = {}
        given = False
        for child in spec.children:
            value = _read(
                child, f"{name}.{child.name}", f"{shown_as}.{child.name}", form, shown, offset
            )
            if not isinstance(value, _Missing):
                group[child.name] = value
                given = given or _given(child, value)
        return group if given else MISSING
    if spec.kind == "rows":
        rows: list[Any] = []
        for index in _indices(name, form, spec.most):
            row = _read(
                Spec(spec.name, "group", "", "", False, children=spec.children),
                f"{name}.{index}",
                f"{shown_as}.{len(rows)}",
                form,
                shown,
                offset,
            )
            if isinstance(row, _Missing):
                for key in [k for k in shown if k.startswith(f"{shown_as}.{len(rows)}.")]:
                    del shown[key]
            else:
                rows.append(row)
        return rows if rows or spec.required else MISSING
    if spec.kind == "choices":
        chosen = [v.strip() for v in form.get(name, ()) if v.strip()][: spec.most]
        shown[shown_as] = chosen
        return chosen if chosen or spec.required else MISSING
    if spec.kind == "checkbox":
        checked = _first(form, name) != ""
        shown[shown_as] = "true" if checked else ""
        return checked
    text = (
        _first(form, name) if spec.kind not in ("lines", "keyed", "textarea") else _text(form, name)
    )
    shown[shown_as] = text
    if not text:
        return MISSING
    if spec.kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()][: spec.most + 1]
    if spec.kind == "keyed":
        pairs = [line.partition(":") for line in text.splitlines() if line.strip()]
        return {key.strip(): value.strip() for key, _, value in pairs[: spec.most + 1]}
    if spec.kind == "datetime":
        return _moment(text, offset)
    return text


def _text(form: Mapping[str, Sequence[str]], name: str) -> str:
    sent = form.get(name, ())
    return sent[0].replace("\r\n", "\n").strip() if sent else ""


def _given(spec: Spec, value: Any) -> bool:
    """Whether ``value`` says something (not only a checkbox left as it was, or a select
    at its default)."""
    if spec.kind == "checkbox":
        return bool(value) != (spec.default == "true")
    if spec.kind == "select":  # a currency alone says nothing without its amount
        return value != spec.default and not currencies(spec)
    return True


def _moment(text: str, offset: timezone) -> str:
    """A ``datetime-local`` value read in the browser's offset (as ISO 8601 with it)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # the model says what is wrong with it
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=offset)).isoformat()


def _indices(name: str, form: Mapping[str, Sequence[str]], most: int) -> list[int]:
    """The row numbers sent under ``name``, in order (at most ``most`` + 1 of them, so a
    list too long is still refused by the model, not cut short here)."""
    return row_numbers(name, form)[: most + 1]
